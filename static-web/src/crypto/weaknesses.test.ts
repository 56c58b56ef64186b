// One test per weakness of the reference client (docs/crypto.md §12) that concerns the
// client, each showing it is gone. Weakness 11 (plaintext cache on disk after logout) is shown in
// storage/indexedDbStore.test.ts; 9 and 14 are server/HTTP matters (no x3dh-setup is used here at all).

import { describe, expect, it } from 'vitest';
import { fromBase64, toHex } from './bytes';
import type { KeyDirectory } from './index';
import { MAX_FORWARD_JUMP } from './labels';
import { decodePairwiseMessage } from './wire';
import { client, newServer, read, send, uuid } from './test/harness';

async function dm() {
  const server = newServer();
  const alice = await client(server, uuid(0xa));
  const bob = await client(server, uuid(0xb));
  const channel = uuid(0xc);
  server.setMembers(channel, [alice.userId, bob.userId]);
  return { server, alice, bob, channel };
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  return toHex(haystack).includes(toHex(needle));
}

describe('reference weaknesses (docs/crypto.md §12) are gone', () => {
  it('weakness_01_chain_keys_reach_members_only_inside_pairwise_encryption', async () => {
    const { server, alice, bob, channel } = await dm();
    await send(alice, channel, 'x');
    const chain = [...alice.store.ownChains.values()][0]!;
    const posted = server.posts.flatMap((p) => p.envelopes.map((e) => fromBase64(e.envelope)!));
    expect(posted.length).toBe(1);
    for (const envelope of posted) expect(contains(envelope, chain.chainKey)).toBe(false);
    // Only the addressed device can read it: another user's device gets nothing it can use.
    const eve = await client(server, uuid(0xe));
    expect(await eve.e2ee.syncSenderKeys(channel)).toEqual([]);
    expect(await bob.e2ee.syncSenderKeys(channel)).toEqual([]);
    expect(bob.store.receivedChains.size).toBe(1);
  });

  it('weakness_02_pairwise_sessions_ratchet_forward', async () => {
    const { alice, bob, channel } = await dm();
    expect(await read(bob, await send(alice, channel, 'a'))).toBe('a');
    expect(await read(alice, await send(bob, channel, 'b'))).toBe('b');
    const before = alice.store.sessions.get(bob.deviceId)!.states[0]!;
    await alice.e2ee.membersChanged(channel);
    expect(await read(bob, await send(alice, channel, 'c'))).toBe('c');
    await bob.e2ee.membersChanged(channel);
    expect(await read(alice, await send(bob, channel, 'd'))).toBe('d');
    const after = alice.store.sessions.get(bob.deviceId)!.states[0]!;
    // A DH ratchet step happened: new root key and a new sending ratchet key, old chain keys gone.
    expect(toHex(after.rootKey)).not.toBe(toHex(before.rootKey));
    expect(toHex(after.sendingRatchet.publicKey)).not.toBe(toHex(before.sendingRatchet.publicKey));
    // And channel chains themselves rotate (see e2ee.test.ts), so no key lives for a channel's lifetime.
  });

  it('weakness_03_one_time_prekeys_are_used_and_deleted_after_use', async () => {
    const { server, alice, bob, channel } = await dm();
    const remaining = server.devices.get(bob.deviceId)!.oneTimePreKeys.length;
    await send(alice, channel, 'x');
    expect(server.devices.get(bob.deviceId)!.oneTimePreKeys.length).toBe(remaining - 1);
    const envelope = fromBase64(server.posts[0]!.envelopes[0]!.envelope)!;
    const decoded = decodePairwiseMessage(envelope);
    if (!decoded.ok || decoded.value.kind !== 'prekey') throw new Error('expected a pre-key message');
    const used = decoded.value.value.oneTimePreKey!;
    expect(used).not.toBeNull();
    expect(await bob.store.getOneTimePreKey(used)).not.toBeNull();
    await bob.e2ee.syncSenderKeys(channel);
    expect(await bob.store.getOneTimePreKey(used)).toBeNull();
  });

  it('weakness_04_prekey_signature_is_verified_before_any_session', async () => {
    const { server, alice, bob, channel } = await dm();
    const entry = server.devices.get(bob.deviceId)!;
    const forged = (d: KeyDirectory): KeyDirectory => ({
      ...d,
      claimBundle: async (u, dev) => {
        const b = await d.claimBundle(u, dev);
        // A server substituting its own signed pre-key: the signature no longer matches.
        return b && { ...b, signedPreKey: entry.upload.identityKey };
      },
    });
    const alice2 = await client(server, alice.userId, { directory: forged });
    await expect(alice2.e2ee.encryptMessage(channel, { text: 'x' })).rejects.toMatchObject({ reason: 'untrusted_identity' });
    expect(alice2.store.sessions.size).toBe(0);
    expect(server.posts).toEqual([]);
  });

  it('weakness_05_safety_number_covers_every_device_and_claims_no_prekey', async () => {
    const { server, alice, bob } = await dm();
    const claimsBefore = server.claims;
    const one = await alice.e2ee.safetyNumber(bob.userId);
    await client(server, bob.userId);
    const two = await alice.e2ee.safetyNumber(bob.userId);
    expect(two.digits).not.toBe(one.digits);
    expect(two.changed).toBe(true);
    expect(server.claims).toBe(claimsBefore);
    expect(two.digits.replace(/ /g, '')).toHaveLength(60);
  });

  it('weakness_06_sender_channel_and_index_are_authenticated', async () => {
    const { alice, bob, channel } = await dm();
    const m = await send(alice, channel, 'signed');
    expect(await read(bob, { ...m, senderDeviceId: uuid(0xd) })).toBe('wrong_sender');
    expect(await read(bob, { ...m, channelId: uuid(0xc) })).toBe('wrong_channel');
    const reordered = fromBase64(m.content)!;
    reordered[21] = (reordered[21] ?? 0) + 1; // the index
    expect(await read(bob, { ...m, content: btoa(String.fromCharCode(...reordered)) })).toBe('bad_signature');
    expect(await read(bob, m)).toBe('signed');
  });

  it('weakness_07_no_plaintext_fallback', async () => {
    const { server, alice, channel } = await dm();
    const broken = (d: KeyDirectory): KeyDirectory => ({ ...d, claimBundle: async () => null });
    const alice2 = await client(server, alice.userId, { directory: broken });
    const outcome = await alice2.e2ee.encryptMessage(channel, { text: 'must not leak' }).then(
      (m) => ({ sent: m }),
      (e: unknown) => ({ error: e }),
    );
    expect(outcome).toMatchObject({ error: { name: 'EncryptionUnavailableError', reason: 'no_bundle' } });
    // Nothing reached the server: no envelope, and the module returned no content the app could post.
    expect(server.posts.filter((p) => p.deviceId === alice2.deviceId)).toEqual([]);
    // And a plaintext (protocol_version 1) message is never shown as if it were encrypted.
    expect(await read(alice, { channelId: channel, senderUserId: alice.userId, senderDeviceId: alice2.deviceId, content: 'must not leak', protocolVersion: 1 })).toBe('legacy_protocol');
  });

  it('weakness_08_every_device_of_both_users_takes_part', async () => {
    const server = newServer();
    const aliceId = uuid(0xa);
    const bobId = uuid(0xb);
    const [a1, a2, b1, b2] = [await client(server, aliceId), await client(server, aliceId), await client(server, bobId), await client(server, bobId)];
    const channel = uuid(0xc);
    server.setMembers(channel, [aliceId, bobId]);
    const m = await send(b1, channel, 'all devices');
    for (const c of [a1, a2, b2]) expect(await read(c, m)).toBe('all devices');
    expect(server.posts[0]!.envelopes.map((e) => e.recipientDeviceId).sort()).toEqual([a1.deviceId, a2.deviceId, b2.deviceId].sort());
  });

  it('weakness_10_skipped_keys_kept_and_huge_jumps_refused', async () => {
    const { alice, bob, channel } = await dm();
    const ms = [];
    for (let i = 0; i < 4; i++) ms.push(await send(alice, channel, `m${i}`));
    expect(await read(bob, ms[3]!)).toBe('m3');
    expect(await read(bob, ms[1]!)).toBe('m1');
    const far = fromBase64(ms[0]!.content)!;
    new DataView(far.buffer).setUint32(18, 1_000_000_000, false);
    // The index is signed, so a forged one fails the signature before any key is derived...
    expect(await read(bob, { ...ms[0]!, content: btoa(String.fromCharCode(...far)) })).toBe('bad_signature');
    // ...and a genuine message too far ahead is refused without deriving keys (senderKeys.test.ts pins it).
    expect(MAX_FORWARD_JUMP).toBe(2000);
  });

  it('weakness_12_attachments_and_filenames_travel_encrypted', async () => {
    const { alice, bob, channel } = await dm();
    const body = new TextEncoder().encode('secret attachment body') as Uint8Array<ArrayBuffer>;
    const { blob, ref } = await alice.e2ee.encryptAttachment(body, 'secret-name.pdf', 'application/pdf');
    expect(contains(blob, body)).toBe(false);
    const m = await alice.e2ee.encryptMessage(channel, { text: 'file', attachments: [{ id: uuid(0xf), ...ref }] });
    const wire = fromBase64(m.content)!;
    expect(contains(wire, new TextEncoder().encode('secret-name.pdf'))).toBe(false);
    const r = await bob.e2ee.decryptMessage({ channelId: channel, senderUserId: alice.userId, senderDeviceId: m.senderDeviceId, content: m.content, protocolVersion: 3 });
    expect(r.ok && r.value.attachments![0]!.name).toBe('secret-name.pdf');
  });

  it('weakness_13_sender_device_id_is_required_and_bound', async () => {
    const { alice, bob, channel } = await dm();
    const m = await send(alice, channel, 'x');
    expect(await read(bob, { ...m, senderDeviceId: null })).toBe('malformed');
    expect(await read(bob, m)).toBe('x');
  });
});
