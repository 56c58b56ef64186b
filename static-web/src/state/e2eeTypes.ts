// The app's view of the crypto module (docs/crypto.md §8): its own types, imported as types only so the
// module itself stays in its lazily loaded chunk.
import type { E2ee } from '../crypto/index';

export type {
  AttachmentRef,
  DecryptFailureReason,
  DecryptResult,
  DeviceIdentity,
  DeviceKeyUpload,
  EncryptFailureReason,
  KeyDirectory,
  MemberDevices,
  MessagePayload,
  PreKeyBundle,
  ReceivedEnvelope,
  RecipientEnvelope,
} from '../crypto/index';

export type E2eeApi = E2ee;

/** The app's side of src/storage's IndexedDbProtocolStore: the encrypted plaintext cache. */
export interface PlaintextCache {
  cachePut(key: string, value: unknown): Promise<void>;
  cacheGet(key: string): Promise<unknown>;
}
