// The key derivations of the Double Ratchet and the sender-key chain, as pure functions
// (docs/crypto.md §1 and §3; cf. libsignal ratchet/keys.rs).

import { assertLength, type Bytes } from './bytes';
import { CHAIN_MESSAGE_SEED, CHAIN_NEXT_SEED, NONCE_LENGTH, ROOT_INFO, SYMMETRIC_KEY_LENGTH } from './labels';
import { hkdfSha256, hmacSha256Many } from './primitives';

const ZERO_SALT = new Uint8Array(32);
const MESSAGE_SEED = new Uint8Array([CHAIN_MESSAGE_SEED]);
const NEXT_SEED = new Uint8Array([CHAIN_NEXT_SEED]);

/** KDF_RK(rk, dh) = HKDF(ikm = dh, salt = rk, info = ROOT_INFO, 64) → root key ‖ chain key. */
export async function kdfRoot(rootKey: Bytes, dhOutput: Bytes): Promise<{ rootKey: Bytes; chainKey: Bytes }> {
  assertLength('root key', rootKey, 32);
  assertLength('dh output', dhOutput, 32);
  const out = await hkdfSha256(dhOutput, rootKey, ROOT_INFO, 64);
  return { rootKey: out.slice(0, 32), chainKey: out.slice(32, 64) };
}

/** KDF_CK(ck): mk = HMAC(ck, 0x01), ck' = HMAC(ck, 0x02). */
export async function kdfChain(chainKey: Bytes): Promise<{ messageKey: Bytes; nextChainKey: Bytes }> {
  assertLength('chain key', chainKey, 32);
  const [messageKey, nextChainKey] = (await hmacSha256Many(chainKey, [MESSAGE_SEED, NEXT_SEED])) as [Bytes, Bytes];
  return { messageKey, nextChainKey };
}

/** KEYS(info, mk) = HKDF(mk, 32 zero bytes, info, 44) → AES key ‖ nonce. */
export async function messageKeys(info: Bytes, messageKey: Bytes): Promise<{ key: Bytes; nonce: Bytes }> {
  assertLength('message key', messageKey, 32);
  const out = await hkdfSha256(messageKey, ZERO_SALT, info, SYMMETRIC_KEY_LENGTH + NONCE_LENGTH);
  return { key: out.slice(0, SYMMETRIC_KEY_LENGTH), nonce: out.slice(SYMMETRIC_KEY_LENGTH) };
}
