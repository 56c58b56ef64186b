// The app's view of the crypto module's API (docs/crypto.md §8). Until src/crypto lands these mirror
// the documented shapes; afterwards they re-export the module's own types.

export type DecryptFailureReason =
  | 'malformed'
  | 'unsupported_version'
  | 'legacy_protocol'
  | 'no_session'
  | 'unknown_prekey'
  | 'untrusted_identity'
  | 'bad_mac'
  | 'duplicate'
  | 'too_far_ahead'
  | 'unknown_chain'
  | 'wrong_channel'
  | 'wrong_sender'
  | 'bad_signature'
  | 'before_device_joined'
  | 'not_a_recipient';

export type DecryptResult<T> = { ok: true; value: T } | { ok: false; reason: DecryptFailureReason };

export interface AttachmentRef {
  readonly id: string;
  readonly key: string;
  readonly sha256: string;
  readonly name: string;
  readonly type: string;
  readonly size: number;
}

export interface MessagePayload {
  readonly text: string;
  readonly attachments?: readonly AttachmentRef[];
}

export interface DeviceKeyUpload {
  readonly deviceId: string;
  readonly identityKey: string;
  readonly signingKey: string;
  readonly signedPreKey: string;
  readonly signedPreKeySignature: string;
  readonly oneTimePreKeys: readonly string[];
}

/** One device as GET /keys/{user_id}/devices lists it (claims nothing). */
export interface DeviceIdentity {
  readonly deviceId: string;
  readonly identityKey: string;
  readonly signingKey: string | null;
  readonly signedPreKey: string | null;
  readonly signedPreKeySignature: string | null;
}

export interface PreKeyBundle {
  readonly deviceId: string;
  readonly identityKey: string;
  readonly signingKey: string | null;
  readonly signedPreKey: string;
  readonly signedPreKeySignature: string;
  readonly oneTimePreKey: string | null;
}

export interface ReceivedEnvelope {
  readonly senderUserId: string | null;
  readonly senderDeviceId: string;
  readonly recipientDeviceId: string;
  readonly senderKeyPublic: string;
  readonly envelope: string;
}

export interface RecipientEnvelope {
  readonly recipientDeviceId: string;
  readonly envelope: string;
}

export interface KeyDirectoryPort {
  uploadDeviceKeys(upload: DeviceKeyUpload): Promise<void>;
  uploadOneTimeKeys(deviceId: string, keys: readonly string[]): Promise<number>;
  listDevices(userId: string): Promise<readonly DeviceIdentity[]>;
  claimBundle(userId: string, deviceId: string): Promise<PreKeyBundle | null>;
  channelMemberIds(channelId: string): Promise<readonly string[]>;
  postSenderKeyEnvelopes(channelId: string, deviceId: string, chainId: string, envelopes: readonly RecipientEnvelope[]): Promise<void>;
  fetchSenderKeyEnvelopes(channelId: string, deviceId: string): Promise<readonly ReceivedEnvelope[]>;
}

/** The app's side of src/storage's IndexedDbProtocolStore: the encrypted plaintext cache. */
export interface PlaintextCache {
  cachePut(key: string, value: unknown): Promise<void>;
  cacheGet(key: string): Promise<unknown>;
}

export interface E2eeApi {
  ensureDeviceKeys(): Promise<void>;
  encryptMessage(channelId: string, payload: MessagePayload): Promise<{ content: string; protocolVersion: 3; senderDeviceId: string }>;
  decryptMessage(m: {
    channelId: string;
    senderUserId: string;
    senderDeviceId: string | null;
    content: string;
    protocolVersion: number;
  }): Promise<DecryptResult<MessagePayload>>;
  membersChanged(channelId: string): Promise<void>;
  safetyNumber(userId: string): Promise<{ digits: string; changed: boolean }>;
  acceptSafetyNumber(userId: string): Promise<void>;
  encryptAttachment(
    bytes: Uint8Array<ArrayBuffer>,
    name: string,
    type: string,
  ): Promise<{ blob: Uint8Array<ArrayBuffer>; ref: Omit<AttachmentRef, 'id'> }>;
  decryptAttachment(blob: Uint8Array<ArrayBuffer>, ref: AttachmentRef): Promise<DecryptResult<Uint8Array<ArrayBuffer>>>;
  on(event: 'safety_number_changed', listener: (e: { userId: string }) => void): () => void;
  wipe(): Promise<void>;
}
