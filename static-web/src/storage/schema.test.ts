import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../crypto/bytes';
import type { ContactRecord } from '../crypto/stores';
import fixture from './fixtures/schema-v1.json';
import { IndexedDbProtocolStore } from './indexedDbStore';
import { DB_VERSION, dbName, type E2eeDb } from './schema';
import { seal, unseal } from './sealing';

describe('IndexedDB schema', () => {
  it('version 1 has the object stores of the fixture', async () => {
    expect(DB_VERSION).toBe(fixture.dbVersion);
    const deviceId = '0000000d-0000-4000-8000-0000000000f1';
    const store = await IndexedDbProtocolStore.open(deviceId);
    const db = await openDB(dbName(deviceId));
    expect([...db.objectStoreNames].sort()).toEqual(fixture.objectStores);
    db.close();
    await store.wipe();
  });

  it('a record sealed by version 1 still opens (the sealed JSON layout is stable)', async () => {
    const key = await crypto.subtle.importKey('raw', fromHex(fixture.wrappingKeyRaw), 'AES-GCM', false, ['encrypt', 'decrypt']);
    const r = fixture.record;
    const record = await unseal<ContactRecord>(key, 'contacts', r.key, { keys: [], sealed: fromHex(r.sealed) }, 1);
    expect({ version: record?.version, userId: record?.userId, digestHex: record && toHex(record.digest) }).toEqual(r.expected);
    await expect(unseal(key, 'sessions', r.key, { keys: [], sealed: fromHex(r.sealed) }, 1)).rejects.toThrow(/does not open/);
  });

  it('a chain of layout 1 (P-256 ECDSA signing key) reads as absent; a layout newer than the code is refused', async () => {
    const deviceId = crypto.randomUUID();
    const store = await IndexedDbProtocolStore.open(deviceId);
    const db = await openDB<E2eeDb>(dbName(deviceId), DB_VERSION);
    const key = (await db.get('meta', 'wrappingKey'))!;
    await db.put('ownChains', await seal(key, 'ownChains', 'c', { version: 1, channelId: 'c' }), 'c');
    expect(await store.getOwnChain('c')).toBeNull();
    await db.put('ownChains', await seal(key, 'ownChains', 'c', { version: 3, channelId: 'c' }), 'c');
    await expect(store.getOwnChain('c')).rejects.toThrow(/unknown version/);
    db.close();
    await store.wipe();
  });
});
