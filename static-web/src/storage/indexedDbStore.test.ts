import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { toHex } from '../crypto/bytes';
import { E2ee } from '../crypto/index';
import { client, newServer, send, uuid } from '../crypto/test/harness';
import type { IncomingMessage } from '../crypto/index';
import { IndexedDbProtocolStore } from './indexedDbStore';
import { dbName, RECORD_STORES, type SealedRecord } from './schema';

async function rawValues(deviceId: string): Promise<{ store: string; value: unknown }[]> {
  const db = await openDB(dbName(deviceId));
  const out: { store: string; value: unknown }[] = [];
  for (const store of RECORD_STORES) for (const value of await db.getAll(store)) out.push({ store, value });
  db.close();
  return out;
}

function rawBytesHex(values: { value: unknown }[]): string {
  return values.map((v) => toHex((v.value as SealedRecord).sealed)).join('');
}

async function readWith(e2ee: E2ee, m: IncomingMessage): Promise<string> {
  const r = await e2ee.decryptMessage(m);
  return r.ok ? r.value.text : r.reason;
}

async function setup() {
  const server = newServer();
  const alice = await client(server, uuid(0xa));
  const bobId = uuid(0xb);
  const bobDevice = uuid(0xd);
  const store = await IndexedDbProtocolStore.open(bobDevice);
  const bob = await E2ee.open({ userId: bobId, deviceId: bobDevice, directory: server.directoryFor(bobId), store });
  await bob.ensureDeviceKeys();
  const channel = uuid(0xc);
  server.setMembers(channel, [alice.userId, bobId]);
  return { server, alice, bob, bobId, bobDevice, store, channel };
}

describe('IndexedDB ProtocolStore', () => {
  it('runs the protocol, and a second instance on the same database continues where the first stopped', async () => {
    const { server, alice, bobId, bobDevice, bob, channel } = await setup();
    expect(await readWith(bob, await send(alice, channel, 'one'))).toBe('one');
    const m2 = await send(alice, channel, 'two');
    const reopened = await E2ee.open({ userId: bobId, deviceId: bobDevice, directory: server.directoryFor(bobId), store: await IndexedDbProtocolStore.open(bobDevice) });
    expect((await reopened.decryptMessage(m2)).ok).toBe(true);
    // The advanced chain was durable before decryptMessage returned: the first instance sees `duplicate`.
    expect(await bob.decryptMessage(m2)).toEqual({ ok: false, reason: 'duplicate' });
    const reply = await reopened.encryptMessage(channel, { text: 'from bob' });
    expect((await alice.e2ee.decryptMessage({ channelId: channel, senderUserId: bobId, senderDeviceId: bobDevice, content: reply.content, protocolVersion: 3 })).ok).toBe(true);
  });

  it('private keys are stored as non-extractable CryptoKeys; chain keys never appear in the clear', async () => {
    const { alice, bob, bobDevice, store, channel } = await setup();
    expect(await readWith(bob, await send(alice, channel, 'hello'))).toBe('hello');
    const raw = await rawValues(bobDevice);
    const keys = raw.flatMap((r) => (r.value as SealedRecord).keys);
    expect(keys.length).toBeGreaterThan(100);
    expect(keys.every((k) => k instanceof CryptoKey && !k.extractable)).toBe(true);
    const device = (await store.getDevice())!;
    const chain = [...alice.store.receivedChains.values()].find((c) => c.senderDeviceId === alice.deviceId)!;
    const stored = rawBytesHex(raw);
    expect(stored.includes(toHex(chain.signingKey))).toBe(false);
    expect(stored.includes(toHex(device.identity.publicKey))).toBe(false);
    const bobChain = (await store.getReceivedChain(chain.chainId))!;
    expect(stored.includes(toHex(bobChain.chainKey))).toBe(false);
    const wrap = await (async () => {
      const db = await openDB(dbName(bobDevice));
      const k = (await db.get('meta', 'wrappingKey')) as CryptoKey;
      db.close();
      return k;
    })();
    expect(wrap.extractable).toBe(false);
  });

  it('a record moved to another slot does not open', async () => {
    const { bobDevice, store } = await setup();
    const db = await openDB(dbName(bobDevice));
    const device = await db.get('device', 'device');
    await db.put('contacts', device, 'someone');
    db.close();
    await expect(store.getContact('someone')).rejects.toThrow(/does not open/);
  });

  it('weakness_11_plaintext_cache_is_encrypted_and_logout_wipes_everything', async () => {
    const { bob, bobDevice, store } = await setup();
    await store.cachePut('message-1', { text: 'very private words' });
    expect(await store.cacheGet('message-1')).toEqual({ text: 'very private words' });
    const raw = await rawValues(bobDevice);
    expect(rawBytesHex(raw).includes(toHex(new TextEncoder().encode('very private')))).toBe(false);
    await bob.wipe();
    const names = (await indexedDB.databases()).map((d) => d.name);
    expect(names).not.toContain(dbName(bobDevice));
  });
});
