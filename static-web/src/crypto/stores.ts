// Persistence ports (interfaces only). The browser implementation is storage/indexedDbStore.ts, unit tests
// use memoryStore.ts, the C# client a file store. Records carry `version` so a later layout can migrate.

import type { Bytes } from './bytes';
import type { KeyPair } from './primitives';
import type { OwnChain, ReceivedChain } from './senderKeys';
import type { SessionRecord } from './session';

/** This device's long-term keys. Private keys are non-extractable CryptoKeys. */
export interface DeviceRecord {
  readonly version: 1;
  readonly userId: string;
  readonly deviceId: string;
  readonly identity: KeyPair;
  readonly signing: KeyPair;
  readonly signedPreKey: KeyPair;
  readonly signedPreKeySignature: Bytes;
  /** false until POST /keys/upload succeeded. */
  readonly uploaded: boolean;
}

/** The last safety-number digest the user accepted (or first saw) for a contact. */
export interface ContactRecord {
  readonly version: 1;
  readonly userId: string;
  readonly digest: Bytes;
}

/** Everything one operation writes; a store applies it atomically (one IndexedDB transaction). */
export interface StoreChanges {
  readonly device?: DeviceRecord;
  readonly putOneTimePreKeys?: readonly KeyPair[];
  /** By public key. */
  readonly deleteOneTimePreKeys?: readonly Bytes[];
  readonly putSessions?: readonly SessionRecord[];
  readonly putOwnChains?: readonly OwnChain[];
  readonly putReceivedChains?: readonly ReceivedChain[];
  readonly putContacts?: readonly ContactRecord[];
}

/** One device's protocol state. */
export interface ProtocolStore {
  getDevice(): Promise<DeviceRecord | null>;
  getOneTimePreKey(publicKey: Bytes): Promise<KeyPair | null>;
  getSession(remoteDeviceId: string): Promise<SessionRecord | null>;
  getOwnChain(channelId: string): Promise<OwnChain | null>;
  getReceivedChain(chainId: Bytes): Promise<ReceivedChain | null>;
  getContact(userId: string): Promise<ContactRecord | null>;
  /** Applies every change or none; resolves once durable. */
  commit(changes: StoreChanges): Promise<void>;
  /** Deletes every key, session, chain and contact (logout). */
  wipe(): Promise<void>;
}
