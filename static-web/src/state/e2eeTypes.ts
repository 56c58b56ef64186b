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
  id: string;
  key: string;
  sha256: string;
  name: string;
  type: string;
  size: number;
}

export interface MessagePayload {
  text: string;
  attachments?: AttachmentRef[];
}

export interface DeviceKeyUpload {
  deviceId: string;
  identityKey: string;
  signingKey: string;
  signedPreKey: string;
  signedPreKeySignature: string;
  oneTimePreKeys: string[];
}

export interface DeviceIdentity {
  userId: string;
  deviceId: string;
  identityKey: string;
  signingKey: string | null;
}

export interface PreKeyBundle extends DeviceIdentity {
  signedPreKey: string;
  signedPreKeySignature: string;
  oneTimePreKey: string | null;
}

export interface ReceivedEnvelope {
  senderUserId: string | null;
  senderDeviceId: string;
  chainId: string;
  envelope: string;
}

export interface KeyDirectoryPort {
  uploadDeviceKeys(upload: DeviceKeyUpload): Promise<void>;
  uploadOneTimeKeys(deviceId: string, keys: string[]): Promise<number>;
  listDevices(userId: string): Promise<DeviceIdentity[]>;
  claimBundle(userId: string, deviceId: string): Promise<PreKeyBundle | null>;
  channelMemberIds(channelId: string): Promise<string[]>;
  postSenderKeyEnvelopes(
    channelId: string,
    deviceId: string,
    chainId: string,
    envelopes: { recipientDeviceId: string; envelope: string }[],
  ): Promise<void>;
  fetchSenderKeyEnvelopes(channelId: string, deviceId: string): Promise<ReceivedEnvelope[]>;
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
