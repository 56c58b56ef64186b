// The browser ProtocolStore on IndexedDB (idb). One database per device; a non-extractable AES-GCM
// wrapping key, created on first open, seals every record; private keys stay non-extractable
// CryptoKeys. commit() seals everything first and then writes in ONE readwrite transaction (awaiting
// anything else inside it would close it), and resolves only when the transaction is durable.

import { deleteDB, openDB, type IDBPDatabase } from 'idb';
import { toHex, type Bytes } from '../crypto/bytes';
import { generateWrappingKey, type KeyPair } from '../crypto/primitives';
import type { OwnChain, ReceivedChain } from '../crypto/senderKeys';
import type { SessionRecord } from '../crypto/session';
import type { ContactRecord, DeviceRecord, ProtocolStore, StoreChanges } from '../crypto/stores';
import { seal, unseal } from './sealing';
import { DB_VERSION, dbName, RECORD_STORES, type E2eeDb, type RecordStoreName, type SealedRecord } from './schema';

interface OneTimePreKeyRecord {
  readonly version: 1;
  readonly pair: KeyPair;
}

interface CachedValue {
  readonly version: 1;
  readonly value: unknown;
}

/**
 * The record layout each store holds now (1 where not listed). Chains are at 2 since their signing key is
 * Ed25519 (CHAIN_VERSION 0x04); a chain of layout 1 (P-256 ECDSA) reads as absent: no message of it is
 * accepted any more (legacy_protocol), and the next send starts a new chain.
 */
const RECORD_LAYOUT: Partial<Record<RecordStoreName, number>> = { ownChains: 2, receivedChains: 2 };

export class IndexedDbProtocolStore implements ProtocolStore {
  private constructor(
    private readonly name: string,
    private db: IDBPDatabase<E2eeDb> | null,
    private readonly wrappingKey: CryptoKey,
  ) {}

  static async open(deviceId: string): Promise<IndexedDbProtocolStore> {
    const name = dbName(deviceId);
    const db = await openDB<E2eeDb>(name, DB_VERSION, {
      upgrade(database, oldVersion) {
        if (oldVersion < 1) {
          database.createObjectStore('meta');
          for (const store of RECORD_STORES) database.createObjectStore(store);
        }
        // Later layouts add `if (oldVersion < 2) { ... }` steps here; records carry `version` too.
      },
    });
    let wrappingKey = await db.get('meta', 'wrappingKey');
    if (!wrappingKey) {
      wrappingKey = await generateWrappingKey();
      const tx = db.transaction('meta', 'readwrite');
      // Another tab may have created it meanwhile: keep the first one.
      const existing = await tx.store.get('wrappingKey');
      if (existing) wrappingKey = existing;
      else await tx.store.put(wrappingKey, 'wrappingKey');
      await tx.done;
    }
    return new IndexedDbProtocolStore(name, db, wrappingKey);
  }

  private get database(): IDBPDatabase<E2eeDb> {
    if (!this.db) throw new Error('IndexedDbProtocolStore: wiped');
    return this.db;
  }

  private async read<T extends { version: number }>(store: RecordStoreName, key: string): Promise<T | null> {
    const sealed = (await this.database.get(store, key as never)) as SealedRecord | undefined;
    return sealed ? unseal<T>(this.wrappingKey, store, key, sealed, RECORD_LAYOUT[store] ?? 1) : null;
  }

  getDevice(): Promise<DeviceRecord | null> {
    return this.read<DeviceRecord>('device', 'device');
  }
  async getOneTimePreKey(publicKey: Bytes): Promise<KeyPair | null> {
    return (await this.read<OneTimePreKeyRecord>('oneTimePreKeys', toHex(publicKey)))?.pair ?? null;
  }
  getSession(remoteDeviceId: string): Promise<SessionRecord | null> {
    return this.read<SessionRecord>('sessions', remoteDeviceId);
  }
  getOwnChain(channelId: string): Promise<OwnChain | null> {
    return this.read<OwnChain>('ownChains', channelId);
  }
  getReceivedChain(chainId: Bytes): Promise<ReceivedChain | null> {
    return this.read<ReceivedChain>('receivedChains', toHex(chainId));
  }
  getContact(userId: string): Promise<ContactRecord | null> {
    return this.read<ContactRecord>('contacts', userId);
  }

  async commit(c: StoreChanges): Promise<void> {
    const puts: { store: RecordStoreName; key: string; value: SealedRecord }[] = [];
    const deletes: { store: RecordStoreName; key: string }[] = [];
    const put = async (store: RecordStoreName, key: string, record: unknown) => puts.push({ store, key, value: await seal(this.wrappingKey, store, key, record) });
    if (c.device) await put('device', 'device', c.device);
    for (const pair of c.putOneTimePreKeys ?? []) await put('oneTimePreKeys', toHex(pair.publicKey), { version: 1, pair } satisfies OneTimePreKeyRecord);
    for (const k of c.deleteOneTimePreKeys ?? []) deletes.push({ store: 'oneTimePreKeys', key: toHex(k) });
    for (const s of c.putSessions ?? []) await put('sessions', s.remoteDeviceId, s);
    for (const o of c.putOwnChains ?? []) await put('ownChains', o.channelId, o);
    for (const r of c.putReceivedChains ?? []) await put('receivedChains', toHex(r.chainId), r);
    for (const x of c.putContacts ?? []) await put('contacts', x.userId, x);
    const stores = [...new Set([...puts.map((p) => p.store), ...deletes.map((d) => d.store)])];
    if (stores.length === 0) return;
    const tx = this.database.transaction(stores, 'readwrite', { durability: 'strict' });
    for (const p of puts) void tx.objectStore(p.store).put(p.value, p.key as never);
    for (const d of deletes) void tx.objectStore(d.store).delete(d.key as never);
    await tx.done;
  }

  /** An encrypted cache for the app (e.g. decrypted message text); wiped with everything else. */
  async cachePut(key: string, value: unknown): Promise<void> {
    const sealed = await seal(this.wrappingKey, 'messageCache', key, { version: 1, value } satisfies CachedValue);
    await this.database.put('messageCache', sealed, key);
  }

  async cacheGet(key: string): Promise<unknown> {
    return (await this.read<CachedValue>('messageCache', key))?.value;
  }

  /** Closes and deletes the whole database, wrapping key included. */
  async wipe(): Promise<void> {
    this.db?.close();
    this.db = null;
    await deleteDB(this.name);
  }
}
