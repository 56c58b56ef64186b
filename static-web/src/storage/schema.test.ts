import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../crypto/bytes';
import type { ContactRecord } from '../crypto/stores';
import fixture from './fixtures/schema-v1.json';
import { IndexedDbProtocolStore } from './indexedDbStore';
import { DB_VERSION, dbName } from './schema';
import { unseal } from './sealing';

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
    const record = await unseal<ContactRecord>(key, 'contacts', r.key, { keys: [], sealed: fromHex(r.sealed) });
    expect({ version: record.version, userId: record.userId, digestHex: toHex(record.digest) }).toEqual(r.expected);
    await expect(unseal(key, 'sessions', r.key, { keys: [], sealed: fromHex(r.sealed) })).rejects.toThrow(/does not open/);
  });
});
