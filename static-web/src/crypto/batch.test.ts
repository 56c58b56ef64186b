// Decrypting with the signature checked alongside (groupDecrypt), pages of messages (groupDecryptBatch,
// E2ee.decryptMessages) and keys derived ahead: same outcomes as one message at a time, in order.

import { describe, expect, it, vi } from 'vitest';
import { fromBase64, toBase64, toHex, utf8Decode, utf8Encode, type Bytes } from './bytes';
import { MemoryProtocolStore, type IncomingMessage } from './index';
import { ed25519Sign } from './primitives';
import { fail, ok, type DecryptResult } from './result';
import { chainsWithKeysAhead, createOwnChain, distributionOf, groupDecrypt, groupDecryptBatch, groupEncrypt, receivedChainFrom, type OwnChain, type ReceivedChain } from './senderKeys';
import { client, newServer, read, send, uuid } from './test/harness';
import { IDS } from './testSupport';
import { decodeGroupMessage, groupAad, groupSignatureInput, type GroupContext, type GroupMessage } from './wire';

const ctx: GroupContext = { channelId: IDS.channel, senderUserId: IDS.aliceUser, senderDeviceId: IDS.aliceDevice };
const flip = (b: Bytes, at: number) => b.map((x, i) => (i === at ? x ^ 1 : x)) as Bytes;

async function chainWith(count: number): Promise<{ own: OwnChain; rx: ReceivedChain; ms: GroupMessage[] }> {
  let own = await createOwnChain(IDS.channel, 0);
  const rx = receivedChainFrom(distributionOf(own), IDS.aliceUser, IDS.aliceDevice);
  const ms: GroupMessage[] = [];
  for (let i = 0; i < count; i++) {
    const r = await groupEncrypt(own, ctx, utf8Encode(`m${i}`));
    own = r.chain;
    ms.push((decodeGroupMessage(r.message) as { ok: true; value: GroupMessage }).value);
  }
  return { own, rx, ms };
}

/** A message whose signature is valid but whose AEAD fails: only the chain's own signing key can make one. */
async function badMacSigned(own: OwnChain, m: GroupMessage): Promise<GroupMessage> {
  const sealed = flip(m.sealed, 0);
  return { ...m, sealed, signature: await ed25519Sign(own.signing.privateKey, groupSignatureInput(groupAad(ctx, m.chainId, m.index), sealed)) };
}

const acceptUnlessM6 = (p: Bytes): DecryptResult<string> => (utf8Decode(p) === 'm6' ? fail('malformed') : ok(utf8Decode(p)!));
const outcome = (r: DecryptResult<string>) => (r.ok ? r.value : r.reason);
const stateOf = (c: ReceivedChain) => ({ nextIndex: c.nextIndex, chainKey: toHex(c.chainKey), skipped: c.skipped.map((s) => s.index) });

/** The reference: groupDecrypt on each message in turn, keeping the chain only when `accept` takes the plaintext. */
async function oneByOne(chain: ReceivedChain, ms: readonly GroupMessage[]) {
  let state = chain;
  const results: DecryptResult<string>[] = [];
  for (const m of ms) {
    const r = await groupDecrypt(state, ctx, m);
    const a = r.ok ? acceptUnlessM6(r.value.plaintext) : fail<string>(r.reason);
    if (r.ok && a.ok) state = r.value.chain;
    results.push(a);
  }
  return { chain: state, results };
}

describe('signature checked alongside decryption', () => {
  it('a forged signature is bad_signature even when the AEAD opens, or when it does not', async () => {
    const { own, rx, ms } = await chainWith(2);
    const forged = { ...ms[0]!, signature: flip(ms[0]!.signature, 5) };
    expect(outcome((await groupDecrypt(rx, ctx, forged)) as DecryptResult<string>)).toBe('bad_signature');
    const forgedAndTampered = { ...forged, sealed: flip(forged.sealed, 0) };
    expect(outcome((await groupDecrypt(rx, ctx, forgedAndTampered)) as DecryptResult<string>)).toBe('bad_signature');
    // A validly signed message whose AEAD fails is bad_mac; the genuine message still opens afterwards.
    expect(outcome((await groupDecrypt(rx, ctx, await badMacSigned(own, ms[0]!))) as DecryptResult<string>)).toBe('bad_mac');
    const r = await groupDecrypt(rx, ctx, ms[0]!);
    expect(r.ok && utf8Decode(r.value.plaintext)).toBe('m0');
  });

  it('E2ee: a forged signature returns bad_signature, commits nothing and leaves the chain as it was', async () => {
    const server = newServer();
    const alice = await client(server, uuid(0xa));
    const bob = await client(server, uuid(0xb));
    const channel = uuid(0xc);
    server.setMembers(channel, [alice.userId, bob.userId]);
    const m0 = await send(alice, channel, 'm0');
    const m1 = await send(alice, channel, 'm1');
    expect(await read(bob, m0)).toBe('m0');
    const chainId = fromBase64(m1.content)!.slice(2, 18);
    const before = await bob.store.getReceivedChain(chainId);
    const commits = bob.store.commits;
    const raw = fromBase64(m1.content)!;
    const forged: IncomingMessage = { ...m1, content: toBase64(flip(raw, raw.length - 1)) };
    expect(await read(bob, forged)).toBe('bad_signature');
    expect(bob.store.commits).toBe(commits);
    expect(await bob.store.getReceivedChain(chainId)).toEqual(before);
    expect(await read(bob, m1)).toBe('m1');
  });
});

describe('groupDecryptBatch', () => {
  it('all messages good (the fast path): the same results and chain as one message at a time', async () => {
    const { rx, ms } = await chainWith(8);
    const order = [ms[2]!, ms[0]!, ms[1]!, ms[5]!, ms[3]!, ms[7]!, ms[4]!];
    const batch = await groupDecryptBatch(rx, order.map((message) => ({ ctx, message })), (p) => ok(utf8Decode(p)!));
    const reference = await oneByOne(rx, order);
    expect(batch.results.map(outcome)).toEqual(['m2', 'm0', 'm1', 'm5', 'm3', 'm7', 'm4']);
    expect(reference.results.map(outcome)).toEqual(batch.results.map(outcome));
    expect(stateOf(batch.chain)).toEqual(stateOf(reference.chain));
    expect(batch.advanced).toBe(true);
  });

  it('failures in the middle (forged, bad_mac, refused, duplicate, wrong sender): each reported, the chain as one at a time', async () => {
    const { own, rx, ms } = await chainWith(8);
    const forged3 = { ...ms[3]!, signature: flip(ms[3]!.signature, 0) };
    const order = [ms[1]!, forged3, await badMacSigned(own, ms[4]!), ms[6]!, ms[0]!, ms[0]!, ms[5]!, ms[3]!, ms[2]!];
    const contexts = order.map((_, i) => (i === 8 ? { ...ctx, senderDeviceId: IDS.aliceDevice2 } : ctx));
    const batch = await groupDecryptBatch(rx, order.map((message, i) => ({ ctx: contexts[i]!, message })), acceptUnlessM6);
    expect(batch.results.map(outcome)).toEqual(['m1', 'bad_signature', 'bad_mac', 'malformed', 'm0', 'duplicate', 'm5', 'm3', 'wrong_sender']);
    let state = rx;
    const reference: string[] = [];
    for (const [i, m] of order.entries()) {
      const r = await groupDecrypt(state, contexts[i]!, m);
      const a = r.ok ? acceptUnlessM6(r.value.plaintext) : fail<string>(r.reason);
      if (r.ok && a.ok) state = r.value.chain;
      reference.push(outcome(a));
    }
    expect(reference).toEqual(batch.results.map(outcome));
    expect(stateOf(batch.chain)).toEqual(stateOf(state));
    // Index 4 (bad_mac), 6 (refused) and 2 (wrong sender) are still readable; 0, 1, 3, 5 are not.
    expect(stateOf(batch.chain).skipped).toEqual([2, 4]);
    expect(batch.chain.nextIndex).toBe(6);
  });

  it('nothing accepted: advanced is false and the chain is the one given', async () => {
    const { rx, ms } = await chainWith(1);
    const batch = await groupDecryptBatch(rx, [{ ctx, message: { ...ms[0]!, signature: flip(ms[0]!.signature, 1) } }], (p) => ok(p));
    expect(batch.results.map((r) => (r.ok ? 'ok' : r.reason))).toEqual(['bad_signature']);
    expect(batch.advanced).toBe(false);
    expect(batch.chain).toBe(rx);
  });
});

/** Commits wait for `gate` (when set); `reached` tells that a commit is waiting. */
class GatedStore extends MemoryProtocolStore {
  gate: Promise<void> | null = null;
  reached = false;
  failNext = false;
  override async commit(c: Parameters<MemoryProtocolStore['commit']>[0]): Promise<void> {
    this.reached = true;
    if (this.gate) await this.gate;
    if (this.failNext) {
      this.failNext = false;
      throw new Error('disk full');
    }
    return super.commit(c);
  }
}

async function group() {
  const server = newServer();
  const alice = await client(server, uuid(0xa));
  const carol = await client(server, uuid(0xca));
  const store = new GatedStore();
  const bob = await client(server, uuid(0xb), { store });
  const channel = uuid(0xc);
  server.setMembers(channel, [alice.userId, bob.userId, carol.userId]);
  return { alice, bob, carol, store, channel };
}

describe('E2ee.decryptMessages', () => {
  it('a page of two chains, in input order, stored in one commit that completes before anything is returned', async () => {
    const { alice, bob, carol, store, channel } = await group();
    const fromAlice = [await send(alice, channel, 'a0'), await send(alice, channel, 'a1'), await send(alice, channel, 'a2')];
    const fromCarol = [await send(carol, channel, 'c0'), await send(carol, channel, 'c1')];
    expect(await read(bob, fromAlice[0]!)).toBe('a0');
    expect(await read(bob, fromCarol[0]!)).toBe('c0');
    const commits = store.commits;
    let release!: () => void;
    store.gate = new Promise((resolve) => (release = resolve));
    store.reached = false;
    let returned = false;
    const page = [fromCarol[1]!, fromAlice[2]!, { ...fromAlice[1]!, protocolVersion: 1 }, fromAlice[1]!, fromAlice[0]!];
    const pending = bob.e2ee.decryptMessages(page).then((r) => {
      returned = true;
      return r;
    });
    await vi.waitFor(() => expect(store.reached).toBe(true));
    expect(returned).toBe(false);
    release();
    const results = await pending;
    expect(results.map((r) => (r.ok ? r.value.text : r.reason))).toEqual(['c1', 'a2', 'legacy_protocol', 'a1', 'duplicate']);
    expect(store.commits).toBe(commits + 1);
    // What was returned is durable: reading again is `duplicate`, not a second plaintext.
    expect(await read(bob, fromAlice[2]!)).toBe('duplicate');
    expect(await read(bob, fromCarol[1]!)).toBe('duplicate');
  });

  it('when the commit fails nothing is returned and nothing is lost: the same page decrypts afterwards', async () => {
    const { alice, bob, store, channel } = await group();
    const ms = [await send(alice, channel, 'x0'), await send(alice, channel, 'x1')];
    expect(await read(bob, ms[0]!)).toBe('x0');
    store.failNext = true;
    await expect(bob.e2ee.decryptMessages([ms[1]!])).rejects.toThrow('disk full');
    expect((await bob.e2ee.decryptMessages([ms[1]!])).map((r) => (r.ok ? r.value.text : r.reason))).toEqual(['x1']);
  });

  it('keys derived ahead are bounded to one entry per chain and side, and logout forgets them', async () => {
    const { alice, bob, channel } = await group();
    for (let i = 0; i < 3; i++) expect(await read(bob, await send(alice, channel, `k${i}`))).toBe(`k${i}`);
    expect(chainsWithKeysAhead()).toBeGreaterThan(0);
    expect(chainsWithKeysAhead()).toBeLessThanOrEqual(256);
    await bob.e2ee.wipe();
    expect(chainsWithKeysAhead()).toBe(0);
  });
});
