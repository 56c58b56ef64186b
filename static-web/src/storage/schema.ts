// IndexedDB layout of one device's protocol state. Every value but the wrapping key is a SealedRecord:
// CryptoKeys (non-extractable private keys) kept as structured-clone objects, everything else (chain and
// root keys, sessions, cached plaintext) sealed with AES-GCM under the wrapping key.

import type { DBSchema } from 'idb';

export const DB_VERSION = 1;
export const dbName = (deviceId: string): string => `d3chat-e2ee-${deviceId}`;

export interface SealedRecord {
  /** CryptoKeys referenced from the sealed JSON as {"$key": index}. */
  readonly keys: CryptoKey[];
  /** nonce ‖ AES-GCM(wrapping key, JSON, aad = store name ‖ record key). */
  readonly sealed: Uint8Array<ArrayBuffer>;
}

export const RECORD_STORES = ['device', 'oneTimePreKeys', 'sessions', 'ownChains', 'receivedChains', 'contacts', 'messageCache'] as const;
export type RecordStoreName = (typeof RECORD_STORES)[number];

export interface E2eeDb extends DBSchema {
  meta: { key: 'wrappingKey'; value: CryptoKey };
  device: { key: 'device'; value: SealedRecord };
  oneTimePreKeys: { key: string; value: SealedRecord };
  sessions: { key: string; value: SealedRecord };
  ownChains: { key: string; value: SealedRecord };
  receivedChains: { key: string; value: SealedRecord };
  contacts: { key: string; value: SealedRecord };
  messageCache: { key: string; value: SealedRecord };
}
