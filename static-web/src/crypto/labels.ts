// Every protocol constant of docs/crypto.md §1, once. tests/vectors/labels.json lists the same names and
// values; labels.test.ts (and Labels.cs on the C# side) assert that both agree byte for byte.

const utf8 = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text) as Uint8Array<ArrayBuffer>;

/** Wire format version byte; the reference uses 0x02, so a reference envelope is never mistaken for ours. */
export const VERSION = 0x03;
/**
 * Version byte of channel messages and sender-key distributions: 0x04 since a chain's signing key is
 * Ed25519 (32-byte public key). A 0x03 message or distribution (a P-256 ECDSA chain) is refused as
 * `legacy_protocol`; pairwise messages keep VERSION.
 */
export const CHAIN_VERSION = 0x04;
/** The version byte of P-256 ECDSA chains, recognised only to refuse them as `legacy_protocol`. */
export const LEGACY_CHAIN_VERSION = 0x03;
/** The `protocol_version` a D3Chat v3 message carries on the API. */
export const PROTOCOL_VERSION = 3;

export const TYPE_PREKEY = 0x01;
export const TYPE_RATCHET = 0x02;
export const TYPE_GROUP = 0x11;
export const TYPE_SENDER_KEY = 0x21;

export const SPK_SIGNATURE_LABEL = utf8('D3Chat v3 Signed PreKey');
export const X3DH_INFO = utf8('D3Chat v3 X3DH');
export const ROOT_INFO = utf8('D3Chat v3 Root');
export const MESSAGE_KEYS_INFO = utf8('D3Chat v3 Message Keys');
export const GROUP_MESSAGE_KEYS_INFO = utf8('D3Chat v3 Group Message Keys');
export const GROUP_AAD_LABEL = utf8('D3Chat v3 Group Message');
export const ATTACHMENT_AAD = utf8('D3Chat v3 Attachment');
export const SAFETY_NUMBER_LABEL = utf8('D3Chat v3 Safety Number');
export const SAFETY_NUMBER_FORMAT = 0x01;

/** Chain-key step inputs (KDF_CK): message key from 0x01, next chain key from 0x02. */
export const CHAIN_MESSAGE_SEED = 0x01;
export const CHAIN_NEXT_SEED = 0x02;

export const MAX_SKIPPED_KEYS = 1000;
export const MAX_FORWARD_JUMP = 2000;
export const ONE_TIME_PREKEYS = 100;
export const ONE_TIME_PREKEYS_LOW_WATER = 20;
export const ROTATE_AFTER_MESSAGES = 100;
export const ROTATE_AFTER_SECONDS = 604800;

export const PUBLIC_KEY_LENGTH = 65;
export const SIGNATURE_LENGTH = 64;
/** An Ed25519 public key (a chain's signing key). */
export const CHAIN_SIGNING_KEY_LENGTH = 32;
export const SYMMETRIC_KEY_LENGTH = 32;
export const NONCE_LENGTH = 12;
export const TAG_LENGTH = 16;
export const ID_LENGTH = 16;
export const CHAIN_ID_LENGTH = 16;
/** DHs_pub (65) ‖ u32 pn ‖ u32 n */
export const RATCHET_HEADER_LENGTH = 73;
/** Earlier chains of a channel a new distribution may carry (a reader offline across rotations still reads them). */
export const MAX_PREVIOUS_CHAINS = 10;
/** Session states kept per device pair (the current one plus earlier ones a late message may still use). */
export const MAX_SESSION_STATES = 5;
