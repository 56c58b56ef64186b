// Before/after in one page (run.mjs --compare=<commit>): the crypto module at a base commit, extracted
// into .base/ by run.mjs, and the working tree's, measured in alternating rounds so both see the same
// machine load (the build machine is shared; single runs swing by 2x). Each figure is a median over
// rounds. Results go to window.__benchResult.

import * as baseIndex from './.base/static-web/src/crypto/index';
import * as baseServer from './.base/static-web/src/crypto/test/fakeServer';
import * as baseKeys from './.base/static-web/src/crypto/senderKeys';
import * as baseWire from './.base/static-web/src/crypto/wire';
import * as baseRatchet from './.base/static-web/src/crypto/ratchet';
import * as curIndex from '../../static-web/src/crypto/index';
import * as curServer from '../../static-web/src/crypto/test/fakeServer';
import * as curKeys from '../../static-web/src/crypto/senderKeys';
import * as curWire from '../../static-web/src/crypto/wire';
import * as curRatchet from '../../static-web/src/crypto/ratchet';

type Index = typeof curIndex;
type Keys = typeof curKeys;
type IncomingMessage = curIndex.IncomingMessage;
interface Impl {
  readonly name: string;
  readonly index: Index;
  readonly FakeServer: typeof curServer.FakeServer;
  readonly keys: Keys;
  readonly wire: typeof curWire;
  readonly ratchet: typeof curRatchet;
}
const impls: Impl[] = [
  { name: 'before', index: baseIndex as unknown as Index, FakeServer: baseServer.FakeServer as unknown as typeof curServer.FakeServer, keys: baseKeys as unknown as Keys, wire: baseWire as unknown as typeof curWire, ratchet: baseRatchet as unknown as typeof curRatchet },
  { name: 'after', index: curIndex, FakeServer: curServer.FakeServer, keys: curKeys, wire: curWire, ratchet: curRatchet },
];

const uuid = (n: number, tag: number) => `${tag.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const text200 = 'x'.repeat(200);
const bytes200 = new TextEncoder().encode(text200) as Uint8Array<ArrayBuffer>;
const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
let tag = 0;

/** Module level: encrypt+sign, then verify+decrypt; `paused` waits 5 ms before each (what a user sees). */
async function moduleRoundTrip(impl: Impl, count: number, paused: boolean) {
  const n = ++tag;
  const ctx = { channelId: uuid(n, 0xc), senderUserId: uuid(n, 0xa), senderDeviceId: uuid(n, 0xd) };
  let own = await impl.keys.createOwnChain(ctx.channelId, Date.now());
  let rx = impl.keys.receivedChainFrom(impl.keys.distributionOf(own), ctx.senderUserId, ctx.senderDeviceId);
  let send = 0;
  let receive = 0;
  for (let i = 0; i < count + 10; i++) {
    if (paused) await pause();
    const t0 = performance.now();
    const e = await impl.keys.groupEncrypt(own, ctx, bytes200);
    const t1 = performance.now();
    own = e.chain;
    const d = impl.wire.decodeGroupMessage(e.message);
    if (!d.ok) throw new Error(d.reason);
    if (paused) await pause();
    const t2 = performance.now();
    const r = await impl.keys.groupDecrypt(rx, ctx, d.value);
    const t3 = performance.now();
    if (!r.ok) throw new Error(r.reason);
    rx = r.value.chain;
    if (i >= 10) {
      send += t1 - t0;
      receive += t3 - t2;
    }
  }
  return { send: send / count, receive: receive / count, total: (send + receive) / count };
}

async function clients(impl: Impl, readers: number) {
  const server = new impl.FakeServer();
  const n = ++tag;
  const make = async (userId: string, k: number) => {
    const deviceId = uuid(n * 16 + k, 0xd);
    const e2ee = await impl.index.E2ee.open({ userId, deviceId, directory: server.directoryFor(userId), store: new impl.index.MemoryProtocolStore() });
    await e2ee.ensureDeviceKeys();
    return { userId, e2ee };
  };
  const alice = await make(uuid(n * 16, 0xa), 0);
  const others = [];
  for (let k = 1; k <= readers; k++) others.push(await make(uuid(n * 16 + k, 0xb), k));
  const channel = uuid(n, 0xc);
  server.setMembers(channel, [alice.userId, ...others.map((o) => o.userId)]);
  return { alice, readers: others, channel };
}

async function apiRoundTrip(impl: Impl, count: number, paused: boolean) {
  const { alice, readers, channel } = await clients(impl, 1);
  const bob = readers[0]!;
  let send = 0;
  let receive = 0;
  for (let i = 0; i < count + 10; i++) {
    if (paused) await pause();
    const t0 = performance.now();
    const m = await alice.e2ee.encryptMessage(channel, { text: text200 });
    const t1 = performance.now();
    if (paused) await pause();
    const t2 = performance.now();
    const r = await bob.e2ee.decryptMessage({ channelId: channel, senderUserId: alice.userId, senderDeviceId: m.senderDeviceId, content: m.content, protocolVersion: 3 });
    const t3 = performance.now();
    if (!r.ok) throw new Error(r.reason);
    if (i >= 10) {
      send += t1 - t0;
      receive += t3 - t2;
    }
  }
  return { send: send / count, receive: receive / count, total: (send + receive) / count };
}

type BatchOpen = (ms: IncomingMessage[]) => Promise<{ ok: boolean }[]>;

/** 1,000 messages (10 chains) read by fresh devices: one by one, as concurrent calls, and (after) in batches. */
async function apiCatchUp(impl: Impl, count: number) {
  const { alice, readers, channel } = await clients(impl, 3);
  const messages: IncomingMessage[] = [];
  for (let i = 0; i < count; i++) {
    const m = await alice.e2ee.encryptMessage(channel, { text: text200 });
    messages.push({ channelId: channel, senderUserId: alice.userId, senderDeviceId: m.senderDeviceId, content: m.content, protocolVersion: 3 });
  }
  const check = (rs: { ok: boolean }[]) => {
    if (!rs.every((r) => r.ok)) throw new Error(`${impl.name}: a catch-up decryption failed`);
  };
  let t = performance.now();
  const oneByOne = [];
  for (const m of messages) oneByOne.push(await readers[0]!.e2ee.decryptMessage(m));
  check(oneByOne);
  const oneByOneMs = performance.now() - t;
  t = performance.now();
  check(await Promise.all(messages.map((m) => readers[1]!.e2ee.decryptMessage(m))));
  const concurrentMs = performance.now() - t;
  const batch = (readers[2]!.e2ee as unknown as { decryptMessages?: BatchOpen }).decryptMessages?.bind(readers[2]!.e2ee);
  let pagesMs = NaN;
  if (batch) {
    t = performance.now();
    for (let i = 0; i < count; i += 50) check(await batch(messages.slice(i, i + 50)));
    pagesMs = performance.now() - t;
  }
  return { oneByOneMs, concurrentMs, pagesMs };
}

/** One signature and one verification of 200 bytes, awaited in sequence: what every message costs at least. */
async function signVerify(algorithm: 'ECDSA' | 'Ed25519', count: number) {
  const generate = algorithm === 'ECDSA' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'Ed25519' };
  const params = algorithm === 'ECDSA' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'Ed25519' };
  const pair = (await crypto.subtle.generateKey(generate, false, ['sign', 'verify'])) as CryptoKeyPair;
  const t = performance.now();
  for (let i = 0; i < count; i++) {
    const signature = await crypto.subtle.sign(params, pair.privateKey, bytes200);
    if (!(await crypto.subtle.verify(params, pair.publicKey, signature, bytes200))) throw new Error('verify');
  }
  return (performance.now() - t) / count;
}

/** One ratchet step and its message keys (KDF_CK then KEYS), awaited in sequence. */
async function ratchetStep(impl: Impl, count: number) {
  const info = new TextEncoder().encode('D3Chat bench');
  let chainKey = new Uint8Array(32).fill(1) as Uint8Array<ArrayBuffer>;
  const t = performance.now();
  for (let i = 0; i < count; i++) {
    const step = await impl.ratchet.kdfChain(chainKey);
    await impl.ratchet.messageKeys(info, step.messageKey);
    chainKey = step.nextChainKey;
  }
  return (performance.now() - t) / count;
}

async function main() {
  const rounds = Number(new URLSearchParams(location.search).get('rounds') ?? '5');
  const samples: Record<string, Record<string, number[]>> = {};
  const add = (impl: string, metric: string, value: number) => {
    ((samples[impl] ??= {})[metric] ??= []).push(value);
  };
  for (let round = 0; round < rounds; round++) {
    add('after', 'floor: Ed25519 sign + verify of 200 B (one of each per message, CHAIN_VERSION 0x04)', await signVerify('Ed25519', 100));
    add('after', 'for comparison: ECDSA P-256 sign + verify of 200 B (the chains before 0x04)', await signVerify('ECDSA', 100));
    // Alternate which goes first, so neither always runs right after the other's garbage.
    for (const impl of round % 2 === 0 ? impls : [...impls].reverse()) {
      add(impl.name, 'ratchet step: KDF_CK + KEYS', await ratchetStep(impl, 500));
      const single = await moduleRoundTrip(impl, 60, true);
      add(impl.name, 'module single: send', single.send);
      add(impl.name, 'module single: receive', single.receive);
      add(impl.name, 'module single: round trip', single.total);
      add(impl.name, 'module burst: round trip per message', (await moduleRoundTrip(impl, 300, false)).total);
      const api = await apiRoundTrip(impl, 60, true);
      add(impl.name, 'E2ee API single: send', api.send);
      add(impl.name, 'E2ee API single: receive', api.receive);
      add(impl.name, 'E2ee API single: round trip', api.total);
      add(impl.name, 'E2ee API burst: round trip per message', (await apiRoundTrip(impl, 300, false)).total);
      const c = await apiCatchUp(impl, 1000);
      add(impl.name, 'E2ee API catch-up 1000: decryptMessage one by one', c.oneByOneMs);
      add(impl.name, 'E2ee API catch-up 1000: concurrent decryptMessage calls', c.concurrentMs);
      add(impl.name, 'E2ee API catch-up 1000: decryptMessages, pages of 50', c.pagesMs);
    }
  }
  (window as unknown as { __benchResult: unknown }).__benchResult = { userAgent: navigator.userAgent, crossOriginIsolated, rounds, samples };
  document.getElementById('status')!.textContent = 'done';
}

main().catch((e: unknown) => {
  (window as unknown as { __benchResult: unknown }).__benchResult = { error: String(e) };
});
