import { describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from './bytes';
import { EncryptionUnavailableError, MemoryProtocolStore, type ContactRecord, type KeyDirectory } from './index';
import { ONE_TIME_PREKEYS, ROTATE_AFTER_MESSAGES, ROTATE_AFTER_SECONDS } from './labels';
import { client, newServer, read, send, uuid } from './test/harness';

async function dm() {
  const server = newServer();
  const alice = await client(server, uuid(0xa));
  const bob = await client(server, uuid(0xb));
  const channel = uuid(0xc);
  server.setMembers(channel, [alice.userId, bob.userId]);
  return { server, alice, bob, channel };
}

class ContactReadsCounted extends MemoryProtocolStore {
  contactReads = 0;
  override async getContact(userId: string): Promise<ContactRecord | null> {
    this.contactReads++;
    return super.getContact(userId);
  }
}

const chainOf = (content: string) => Array.from(fromBase64(content)!.slice(2, 18)).join(',');

describe('E2ee: channel messages', () => {
  it('a DM round trip in both directions; each sender reads its own messages', async () => {
    const { alice, bob, channel } = await dm();
    const m1 = await send(alice, channel, 'hello bob');
    expect(await read(bob, m1)).toBe('hello bob');
    const m2 = await send(bob, channel, 'hi alice');
    expect(await read(alice, m2)).toBe('hi alice');
    expect(await read(alice, m1)).toBe('hello bob');
    expect(await read(bob, m2)).toBe('hi alice');
    expect(await read(bob, await send(alice, channel, 'again'))).toBe('again');
  });

  it('every device of every member reads, including the sender’s other device', async () => {
    const server = newServer();
    const aliceId = uuid(0xa);
    const bobId = uuid(0xb);
    const a1 = await client(server, aliceId);
    const a2 = await client(server, aliceId);
    const b1 = await client(server, bobId);
    const b2 = await client(server, bobId);
    const channel = uuid(0xc);
    server.setMembers(channel, [aliceId, bobId]);
    const m = await send(a1, channel, 'to all');
    for (const c of [a2, b1, b2]) expect(await read(c, m)).toBe('to all');
    const reply = await send(b2, channel, 'reply');
    for (const c of [a1, a2, b1]) expect(await read(c, reply)).toBe('reply');
  });

  it('a send asks the server once for every member’s devices, not once per member', async () => {
    const server = newServer();
    const members = [];
    for (const n of [0xa, 0xb, 0xd, 0xe]) members.push(await client(server, uuid(n)));
    const channel = uuid(0xc);
    server.setMembers(channel, members.map((m) => m.userId));
    const [alice, ...others] = members as [(typeof members)[0], ...typeof members];
    await send(alice, channel, 'first');
    const before = { channel: server.channelListCalls, user: server.listCalls };
    const m = await send(alice, channel, 'second');
    expect({ channel: server.channelListCalls - before.channel, user: server.listCalls - before.user }).toEqual({ channel: 1, user: 0 });
    for (const reader of others) expect(await read(reader, m)).toBe('second');
  });

  it('out-of-order and duplicated delivery: each message once, a repeat is `duplicate`', async () => {
    const { alice, bob, channel } = await dm();
    const ms = [];
    for (let i = 0; i < 5; i++) ms.push(await send(alice, channel, `m${i}`));
    for (const i of [3, 0, 4, 1, 2]) expect(await read(bob, ms[i]!)).toBe(`m${i}`);
    expect(await read(bob, ms[2]!)).toBe('duplicate');
  });

  it('concurrent decryptions of one chain are serialized and all succeed', async () => {
    const { alice, bob, channel } = await dm();
    const ms = [];
    for (let i = 0; i < 6; i++) ms.push(await send(alice, channel, `m${i}`));
    const results = await Promise.all(ms.map((m) => read(bob, m)));
    expect(results).toEqual(ms.map((_, i) => `m${i}`));
  });

  it('a member who left reads nothing sent after it (the chain rotates, only remaining devices get it)', async () => {
    const server = newServer();
    const alice = await client(server, uuid(0xa));
    const bob = await client(server, uuid(0xb));
    const carol = await client(server, uuid(0xca));
    const channel = uuid(0xc);
    server.setMembers(channel, [alice.userId, bob.userId, carol.userId]);
    const before = await send(alice, channel, 'before');
    expect(await read(carol, before)).toBe('before');
    server.setMembers(channel, [alice.userId, bob.userId]);
    await alice.e2ee.membersChanged(channel);
    const after = await send(alice, channel, 'after');
    expect(chainOf(after.content)).not.toBe(chainOf(before.content));
    expect(await read(carol, after)).toBe('unknown_chain');
    expect(await read(bob, after)).toBe('after');
  });

  it('a removed member also triggers rotation without membersChanged (its devices vanished from the list)', async () => {
    const server = newServer();
    const alice = await client(server, uuid(0xa));
    const bob = await client(server, uuid(0xb));
    const carol = await client(server, uuid(0xca));
    const channel = uuid(0xc);
    server.setMembers(channel, [alice.userId, bob.userId, carol.userId]);
    const before = await send(alice, channel, 'before');
    server.setMembers(channel, [alice.userId, bob.userId]);
    const after = await send(alice, channel, 'after');
    expect(chainOf(after.content)).not.toBe(chainOf(before.content));
    expect(await read(carol, after)).toBe('unknown_chain');
  });

  it('a reader offline across rotations still reads every chain; a later device gets none from before it', async () => {
    const { server, alice, bob, channel } = await dm();
    const ms = [];
    for (let i = 0; i < 2 * ROTATE_AFTER_MESSAGES + 10; i++) ms.push(await send(alice, channel, `m${i}`));
    const bob2 = await client(server, bob.userId);
    const late = await send(alice, channel, 'late');
    // The server kept only the newest envelope per device pair; it carried the two earlier chains.
    for (const i of [0, 150, 205]) expect(await read(bob, ms[i]!)).toBe(`m${i}`);
    expect(await read(bob2, late)).toBe('late');
    expect(await read(bob2, ms[0]!)).toBe('unknown_chain');
    expect(await read(bob2, ms[205]!)).toBe('before_device_joined');
  }, 30_000);

  it('a device added later reads from the point it received the chain, never before', async () => {
    const { server, alice, bob, channel } = await dm();
    const early = await send(alice, channel, 'early');
    const bob2 = await client(server, bob.userId);
    const late = await send(alice, channel, 'late');
    expect(chainOf(late.content)).toBe(chainOf(early.content));
    expect(await read(bob2, late)).toBe('late');
    expect(await read(bob2, early)).toBe('before_device_joined');
    expect(await read(bob, early)).toBe('early');
  });

  it(`rotates after ${ROTATE_AFTER_MESSAGES} messages and after ${ROTATE_AFTER_SECONDS} seconds`, async () => {
    let now = 1_000_000;
    const server = newServer();
    const alice = await client(server, uuid(0xa), { now: () => now });
    const bob = await client(server, uuid(0xb));
    const channel = uuid(0xc);
    server.setMembers(channel, [alice.userId, bob.userId]);
    const first = await send(alice, channel, '0');
    let last = first;
    for (let i = 1; i < ROTATE_AFTER_MESSAGES; i++) last = await send(alice, channel, `${i}`);
    expect(chainOf(last.content)).toBe(chainOf(first.content));
    const rotated = await send(alice, channel, 'rotated');
    expect(chainOf(rotated.content)).not.toBe(chainOf(first.content));
    expect(await read(bob, rotated)).toBe('rotated');
    now += ROTATE_AFTER_SECONDS * 1000;
    const weekLater = await send(alice, channel, 'a week later');
    expect(chainOf(weekLater.content)).not.toBe(chainOf(rotated.content));
    expect(await read(bob, weekLater)).toBe('a week later');
  }, 30_000);
});

describe('E2ee: failure reasons, and a failure stores nothing', () => {
  it('legacy_protocol, malformed, unsupported_version', async () => {
    const { alice, bob, channel } = await dm();
    const m = await send(alice, channel, 'x');
    expect(await read(bob, { ...m, protocolVersion: 1, content: 'plain text' })).toBe('legacy_protocol');
    expect(await read(bob, { ...m, protocolVersion: 2 })).toBe('legacy_protocol');
    expect(await read(bob, { ...m, senderDeviceId: null })).toBe('malformed');
    expect(await read(bob, { ...m, senderDeviceId: 'not-a-uuid' })).toBe('malformed');
    expect(await read(bob, { ...m, channelId: 'general' })).toBe('malformed');
    expect(await read(bob, { ...m, content: 'not base64!' })).toBe('malformed');
    const bytes = fromBase64(m.content)!;
    bytes[0] = 0x02;
    expect(await read(bob, { ...m, content: toBase64(bytes) })).toBe('unsupported_version');
  });

  it('wrong_sender, wrong_channel, bad_signature, unknown_chain leave the store untouched', async () => {
    const { alice, bob, channel } = await dm();
    expect(await read(bob, await send(alice, channel, 'first'))).toBe('first');
    const m = await send(alice, channel, 'second');
    const commits = bob.store.commits;
    expect(await read(bob, { ...m, senderDeviceId: uuid(0xd) })).toBe('wrong_sender');
    expect(await read(bob, { ...m, senderUserId: bob.userId })).toBe('wrong_sender');
    expect(await read(bob, { ...m, channelId: uuid(0xc) })).toBe('wrong_channel');
    const bytes = fromBase64(m.content)!;
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    expect(await read(bob, { ...m, content: toBase64(bytes) })).toBe('bad_signature');
    const unknown = fromBase64(m.content)!;
    unknown.fill(0, 2, 18);
    expect(await read(bob, { ...m, content: toBase64(unknown) })).toBe('unknown_chain');
    expect(bob.store.commits).toBe(commits);
    expect(await read(bob, m)).toBe('second');
  });

  it('not_a_recipient: an envelope addressed to another device is refused', async () => {
    const { server, alice, bob, channel } = await dm();
    const misaddressed = (d: KeyDirectory): KeyDirectory => ({
      ...d,
      fetchSenderKeyEnvelopes: async (c, deviceId) => {
        const all = [...server.envelopeSets.entries()].flatMap(([key, set]) =>
          set.envelopes.map((e) => ({ senderUserId: set.senderUserId, senderDeviceId: key.split('|')[1]!, recipientDeviceId: e.recipientDeviceId, senderKeyPublic: set.chainId, envelope: e.envelope })),
        );
        return all.filter((e) => e.recipientDeviceId !== deviceId && c === channel);
      },
    });
    const eve = await client(server, uuid(0xe), { directory: misaddressed });
    server.setMembers(channel, [alice.userId, bob.userId, eve.userId]);
    await send(alice, channel, 'x');
    expect(await eve.e2ee.syncSenderKeys(channel)).toContain('not_a_recipient');
  });

  it('unknown_prekey: the one-time pre-key a message names is gone', async () => {
    const { alice, bob, channel } = await dm();
    const m = await send(alice, channel, 'x');
    bob.store.oneTimePreKeys.clear();
    expect(await bob.e2ee.syncSenderKeys(channel)).toEqual(['unknown_prekey']);
    expect(await read(bob, m)).toBe('unknown_chain');
  });

  it('no_session: a ratchet message for a session this device no longer has', async () => {
    const { alice, bob, channel } = await dm();
    expect(await read(bob, await send(alice, channel, 'one'))).toBe('one');
    expect(await read(alice, await send(bob, channel, 'two'))).toBe('two'); // alice's session saw a reply
    bob.store.sessions.clear();
    await alice.e2ee.membersChanged(channel);
    await send(alice, channel, 'three');
    expect(await bob.e2ee.syncSenderKeys(channel)).toEqual(['no_session']);
  });

  it('untrusted_identity: a first contact whose identity key is not what its user publishes', async () => {
    const { server, alice, bob, channel } = await dm();
    await send(alice, channel, 'x');
    const entry = server.devices.get(alice.deviceId)!;
    entry.upload = { ...entry.upload, identityKey: server.devices.get(bob.deviceId)!.upload.identityKey };
    expect(await bob.e2ee.syncSenderKeys(channel)).toEqual(['untrusted_identity']);
  });
});

describe('E2ee: encryption that cannot reach every device throws and posts nothing', () => {
  it('no_bundle', async () => {
    const { server, alice, bob, channel } = await dm();
    const noBundles = (d: KeyDirectory): KeyDirectory => ({ ...d, claimBundle: async () => null });
    const alice2 = await client(server, alice.userId, { directory: noBundles });
    const err = await alice2.e2ee.encryptMessage(channel, { text: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EncryptionUnavailableError);
    expect((err as EncryptionUnavailableError).reason).toBe('no_bundle');
    expect(server.posts.filter((p) => p.deviceId === alice2.deviceId)).toEqual([]);
    void bob;
  });

  it('untrusted_identity when a member device’s pre-key signature does not verify', async () => {
    const { server, alice, bob, channel } = await dm();
    const entry = server.devices.get(bob.deviceId)!;
    entry.upload = { ...entry.upload, signedPreKey: entry.upload.identityKey };
    await expect(alice.e2ee.encryptMessage(channel, { text: 'x' })).rejects.toMatchObject({ reason: 'untrusted_identity' });
    expect(server.posts).toEqual([]);
  });

  it('not_a_member', async () => {
    const { server, alice, channel } = await dm();
    server.setMembers(channel, [uuid(0xb)]);
    await expect(alice.e2ee.encryptMessage(channel, { text: 'x' })).rejects.toMatchObject({ reason: 'not_a_member' });
  });
});

describe('E2ee: device keys, safety numbers, attachments, wipe', () => {
  it(`uploads ${ONE_TIME_PREKEYS} one-time pre-keys once and tops them up below 20`, async () => {
    const { server, alice, bob } = await dm();
    expect(server.devices.get(bob.deviceId)!.oneTimePreKeys.length).toBe(ONE_TIME_PREKEYS);
    await bob.e2ee.ensureDeviceKeys();
    expect(server.devices.get(bob.deviceId)!.oneTimePreKeys.length).toBe(ONE_TIME_PREKEYS);
    for (let i = 0; i < 80; i++) await alice.directory.claimBundle(bob.userId, bob.deviceId);
    await bob.e2ee.ensureDeviceKeys();
    expect(server.devices.get(bob.deviceId)!.oneTimePreKeys.length).toBe(20);
    await alice.directory.claimBundle(bob.userId, bob.deviceId);
    await bob.e2ee.ensureDeviceKeys();
    expect(server.devices.get(bob.deviceId)!.oneTimePreKeys.length).toBe(ONE_TIME_PREKEYS);
    // Claimed keys keep their private halves until a message uses them (never overwritten).
    expect(bob.store.oneTimePreKeys.size).toBe(ONE_TIME_PREKEYS + 81);
  });

  it('both sides see the same 60 digits; a new device of the contact is reported until accepted', async () => {
    const { server, alice, bob } = await dm();
    const seen: string[] = [];
    alice.e2ee.on('safety_number_changed', (e) => seen.push(e.userId));
    const a = await alice.e2ee.safetyNumber(bob.userId);
    const b = await bob.e2ee.safetyNumber(alice.userId);
    expect(a.digits).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(a).toEqual({ digits: b.digits, changed: false });
    await client(server, bob.userId);
    const after = await alice.e2ee.safetyNumber(bob.userId);
    expect(after.changed).toBe(true);
    expect(after.digits).not.toBe(a.digits);
    expect((await alice.e2ee.safetyNumber(bob.userId)).changed).toBe(true);
    expect(seen).toEqual([bob.userId]); // reported once, while `changed` stays true
    await alice.e2ee.acceptSafetyNumber(bob.userId);
    expect((await alice.e2ee.safetyNumber(bob.userId)).changed).toBe(false);
  });

  it('sends notice a contact\'s new devices every time, and an unchanged contact costs no contact read', async () => {
    const server = newServer();
    const store = new ContactReadsCounted();
    const alice = await client(server, uuid(0xa), { store });
    const bob = await client(server, uuid(0xb));
    const channel = uuid(0xc);
    server.setMembers(channel, [alice.userId, bob.userId]);
    const seen: string[] = [];
    alice.e2ee.on('safety_number_changed', (e) => seen.push(e.userId));
    for (let i = 0; i < 3; i++) await send(alice, channel, `m${i}`);
    expect(store.contactReads).toBe(1); // the first send records bob's digest; the next two trust the cache
    await client(server, bob.userId);
    expect(await read(bob, await send(alice, channel, 'after a new device'))).toBe('after a new device');
    expect(seen).toEqual([bob.userId]);
    await alice.e2ee.acceptSafetyNumber(bob.userId);
    const reads = store.contactReads;
    await send(alice, channel, 'accepted');
    expect([seen, store.contactReads]).toEqual([[bob.userId], reads]);
    await client(server, bob.userId);
    await send(alice, channel, 'a third device');
    expect(seen).toEqual([bob.userId, bob.userId]);
    expect((await alice.e2ee.safetyNumber(bob.userId)).changed).toBe(true);
  });

  it('attachments round trip; a swapped blob is refused', async () => {
    const { alice, bob, channel } = await dm();
    const data = new TextEncoder().encode('file body') as Uint8Array<ArrayBuffer>;
    const { blob, ref } = await alice.e2ee.encryptAttachment(data, 'notes.txt', 'text/plain');
    const m = await alice.e2ee.encryptMessage(channel, { text: 'see file', attachments: [{ id: uuid(0xf), ...ref }] });
    const r = await bob.e2ee.decryptMessage({ channelId: channel, senderUserId: alice.userId, senderDeviceId: m.senderDeviceId, content: m.content, protocolVersion: 3 });
    if (!r.ok) throw new Error(r.reason);
    const got = r.value.attachments![0]!;
    expect(got.name).toBe('notes.txt');
    const opened = await bob.e2ee.decryptAttachment(blob, got);
    expect(opened.ok && new TextDecoder().decode(opened.value)).toBe('file body');
    const other = await alice.e2ee.encryptAttachment(data, 'x', 'text/plain');
    expect(await bob.e2ee.decryptAttachment(other.blob, got)).toEqual({ ok: false, reason: 'bad_mac' });
  });

  it('wipe removes every key, session and chain', async () => {
    const { alice, bob, channel } = await dm();
    expect(await read(bob, await send(alice, channel, 'x'))).toBe('x');
    await bob.e2ee.wipe();
    expect(bob.store.device).toBeNull();
    expect([bob.store.sessions.size, bob.store.receivedChains.size, bob.store.oneTimePreKeys.size, bob.store.contacts.size]).toEqual([0, 0, 0, 0]);
  });
});
