// Vector files published after the first batch: ratchet steps, pairwise sessions, safety numbers,
// attachments, and envelope (pairwise / distribution) encode and decode.

import { concat, fromHex, toHex, u32, utf8Encode, type Bytes } from '../src/crypto/bytes';
import * as L from '../src/crypto/labels';
import { ecdh } from '../src/crypto/primitives';
import { kdfRoot } from '../src/crypto/ratchet';
import { sealAttachmentWith } from '../src/crypto/attachments';
import { digitsOf, safetyNumber, userDigest } from '../src/crypto/safety';
import { decodePairwiseMessage, encodeDistribution, encodeDistributions } from '../src/crypto/wire';
import { IDS, namedKey, scalarFor } from '../src/crypto/testSupport';
import { Builder, hex, keyJson, write } from './generate.vectors';
import { playScenario, type PartyKeys, type Step } from './sessionScenario';

async function ratchet(): Promise<void> {
  const b = new Builder();
  const sk = await scalarFor('ratchet shared secret');
  const spkB = await namedKey('ratchet SPK_B', 'ecdh');
  const dhsA = await namedKey('ratchet DHs_A', 'ecdh');
  // Initiator's first step: (RK, CKs) = KDF_RK(SK, ECDH(DHs_A, SPK_B)).
  let dh = (await ecdh(dhsA.pair.privateKey, spkB.pair.publicKey))!;
  let out = await kdfRoot(sk, dh);
  b.add({ comment: 'initiator: first sending chain from SK and ECDH(DHs_A, SPK_B)', operation: 'ratchet_step', rootKey: hex(sk), ownRatchet: keyJson(dhsA), remoteRatchetKey: hex(spkB.pair.publicKey), dhOutput: hex(dh), nextRootKey: hex(out.rootKey), chainKey: hex(out.chainKey), result: 'valid' });
  // Responder's receiving step on the first message (its DHs is SPK_B, RK = SK): same DH from the other side.
  dh = (await ecdh(spkB.pair.privateKey, dhsA.pair.publicKey))!;
  const rx = await kdfRoot(sk, dh);
  b.add({ comment: 'responder: receiving chain from SK and ECDH(SPK_B, DHs_A) equals the initiator sending chain', operation: 'ratchet_step', rootKey: hex(sk), ownRatchet: keyJson(spkB), remoteRatchetKey: hex(dhsA.pair.publicKey), dhOutput: hex(dh), nextRootKey: hex(rx.rootKey), chainKey: hex(rx.chainKey), result: 'valid' });
  // Responder's new sending chain with a fresh ratchet key.
  const dhsB = await namedKey('ratchet DHs_B1', 'ecdh');
  dh = (await ecdh(dhsB.pair.privateKey, dhsA.pair.publicKey))!;
  out = await kdfRoot(rx.rootKey, dh);
  b.add({ comment: 'responder: sending chain with its first own ratchet key', operation: 'ratchet_step', rootKey: hex(rx.rootKey), ownRatchet: keyJson(dhsB), remoteRatchetKey: hex(dhsA.pair.publicKey), dhOutput: hex(dh), nextRootKey: hex(out.rootKey), chainKey: hex(out.chainKey), result: 'valid' });
  const offCurve = concat(new Uint8Array([0x04]), new Uint8Array(64).fill(0x02));
  b.add({ comment: 'remote ratchet key not on the curve', operation: 'ratchet_step', rootKey: hex(sk), ownRatchet: keyJson(dhsA), remoteRatchetKey: hex(offCurve), result: 'invalid', reason: 'malformed' });
  write('ratchet', 'Double Ratchet DH steps (docs/crypto.md §3): KDF_RK(rk, ECDH(own ratchet, remote ratchet))', b);
}

async function party(name: string, userId: string, deviceId: string, withPreKeys: boolean): Promise<{ keys: PartyKeys; json: Record<string, unknown> }> {
  const identity = await namedKey(`${name} identity`, 'ecdh');
  const spk = withPreKeys ? await namedKey(`${name} signed pre-key`, 'ecdh') : null;
  const opks = withPreKeys ? [await namedKey(`${name} one-time pre-key 0`, 'ecdh')] : [];
  return {
    keys: { userId, deviceId, identity: identity.pair, signedPreKey: spk?.pair ?? null, oneTimePreKeys: opks.map((k) => k.pair) },
    json: { userId, deviceId, identity: keyJson(identity), signedPreKey: spk ? keyJson(spk) : null, oneTimePreKeys: opks.map(keyJson) },
  };
}

async function pool(name: string, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    const d = await scalarFor(`${name} generated ${i}`);
    if (d[0] !== 0) out.push(toHex(d)); // a zero first byte would be changed by key generation's masking
  }
  return out;
}

type Draft = Step & { generatedKeys: string[] };

async function scenario(b: Builder, name: string, comment: string, build: (steps: Draft[]) => Promise<void> | void, expect: { result: 'valid' | 'invalid'; reason?: string }): Promise<void> {
  const a = await party(`${name} A`, IDS.aliceUser, IDS.aliceDevice, false);
  const bob = await party(`${name} B`, IDS.bobUser, IDS.bobDevice, true);
  const steps: Draft[] = [];
  await build(steps);
  await playScenario(a.keys, bob.keys, steps, { record: true, pool: await pool(name, 64) });
  const last = steps[steps.length - 1]!;
  const got = 'reason' in last && last.reason ? { result: 'invalid', reason: last.reason } : { result: 'valid' };
  if (got.result !== expect.result || got.reason !== expect.reason) throw new Error(`scenario ${name}: expected ${JSON.stringify(expect)}, got ${JSON.stringify(got)}`);
  // Earlier steps must all have succeeded.
  for (const s of steps.slice(0, -1)) if ('reason' in s && s.reason) throw new Error(`scenario ${name}: step failed early (${s.reason})`);
  b.add({ comment, operation: 'session_scenario', initiator: a.json, responder: bob.json, steps, ...expect });
}

// Helpers that let a later step refer to an earlier step's message.
const enc = (actor: 'A' | 'B', plaintext: string): Draft & { message: string } => ({ actor, action: 'encrypt', plaintext, generatedKeys: [], message: '' });
function dec(actor: 'A' | 'B', from: Draft | (() => string), senderDeviceId?: string): Draft {
  const step: Draft = { actor, action: 'decrypt', message: '', senderDeviceId: senderDeviceId ?? (actor === 'B' ? IDS.aliceDevice : IDS.bobDevice), generatedKeys: [] };
  // The message is filled in lazily, once the referenced step has run.
  Object.defineProperty(step, 'message', {
    enumerable: true,
    get: () => (typeof from === 'function' ? from() : (from as { message: string }).message),
    set: () => undefined,
  });
  return step;
}
const start = (useOneTimePreKey: boolean): Draft => ({ actor: 'A', action: 'start', remote: 'B', useOneTimePreKey, generatedKeys: [] });

async function sessions(): Promise<void> {
  const b = new Builder();
  await scenario(b, 'conversation', 'X3DH with a one-time pre-key, out-of-order delivery on both sides, two DH ratchet turns', (s) => {
    const m0 = enc('A', 'a0');
    const m1 = enc('A', 'a1');
    const r0 = enc('B', 'b0');
    const m2 = enc('A', 'a2');
    const m3 = enc('A', 'a3');
    const r1 = enc('B', 'b1');
    const r2 = enc('B', 'b2');
    s.push(start(true), m0, m1, dec('B', m1), dec('B', m0), r0, dec('A', r0), m2, m3, dec('B', m3), dec('B', m2), r1, r2, dec('A', r2), dec('A', r1));
  }, { result: 'valid' });
  await scenario(b, 'no-opk', 'X3DH without a one-time pre-key (3 DH)', (s) => {
    const m0 = enc('A', 'hello');
    const r0 = enc('B', 'hi');
    s.push(start(false), m0, dec('B', m0), r0, dec('A', r0));
  }, { result: 'valid' });
  await scenario(b, 'duplicate', 'the same pre-key message delivered twice', (s) => {
    const m0 = enc('A', 'once');
    s.push(start(true), m0, dec('B', m0), dec('B', m0));
  }, { result: 'invalid', reason: 'duplicate' });
  await scenario(b, 'duplicate-ratchet', 'a ratchet message delivered twice', (s) => {
    const m0 = enc('A', 'a0');
    const r0 = enc('B', 'b0');
    s.push(start(true), m0, dec('B', m0), r0, dec('A', r0), dec('A', r0));
  }, { result: 'invalid', reason: 'duplicate' });
  await scenario(b, 'tampered', 'one ciphertext bit flipped', (s) => {
    const m0 = enc('A', 'secret');
    s.push(start(true), m0, dec('B', () => { const m = fromHex(m0.message); m[m.length - 20] = (m[m.length - 20] ?? 0) ^ 1; return toHex(m); }));
  }, { result: 'invalid', reason: 'bad_mac' });
  await scenario(b, 'relabelled-sender', 'the server reports another sender_device_id: the AD differs', (s) => {
    const m0 = enc('A', 'secret');
    s.push(start(true), m0, dec('B', m0, IDS.aliceDevice2));
  }, { result: 'invalid', reason: 'bad_mac' });
  await scenario(b, 'unknown-spk', 'a pre-key message naming a signed pre-key the responder does not have', (s) => {
    const m0 = enc('A', 'x');
    s.push(start(true), m0, dec('B', () => { const m = fromHex(m0.message); m[2 + 65 + 65 + 10] = (m[2 + 65 + 65 + 10] ?? 0) ^ 1; return toHex(m); }));
  }, { result: 'invalid', reason: 'unknown_prekey' });
  await scenario(b, 'no-session', 'a ratchet message with no session (the pre-key header stripped)', (s) => {
    const m0 = enc('A', 'x');
    s.push(start(false), m0, dec('B', () => { const m = fromHex(m0.message); return toHex(concat(new Uint8Array([L.VERSION, L.TYPE_RATCHET]), m.slice(2 + 65 * 3 + 1 + 2))); }));
  }, { result: 'invalid', reason: 'no_session' });
  await scenario(b, 'too-far-ahead', `a ratchet message ${L.MAX_FORWARD_JUMP + 2} ahead in the current chain`, (s) => {
    const m0 = enc('A', 'a0');
    const m1 = enc('A', 'a1');
    s.push(start(true), m0, m1, dec('B', m0), dec('B', () => {
      // m1 as a ratchet message with n rewritten: the jump is refused before any key is derived.
      const m = fromHex(m1.message).slice(2 + 65 * 3 + 1 + 65);
      new DataView(m.buffer).setUint32(2 + 65 + 4, L.MAX_FORWARD_JUMP + 2, false);
      return toHex(m);
    }));
  }, { result: 'invalid', reason: 'too_far_ahead' });
  await scenario(b, 'reference-version', 'version byte 0x02 (the reference envelope)', (s) => {
    const m0 = enc('A', 'x');
    s.push(start(true), m0, dec('B', () => '02' + m0.message.slice(2)));
  }, { result: 'invalid', reason: 'unsupported_version' });
  // Freeze the lazily computed messages into plain data.
  const tests = JSON.parse(JSON.stringify(b.tests)) as typeof b.tests;
  b.tests.splice(0, b.tests.length, ...tests);
  write('session', 'Pairwise sessions (docs/crypto.md §3): scenarios of X3DH + Double Ratchet steps between initiator A and responder B', b, [
    'Each step lists in generatedKeys the private scalars (hex d) of every key pair it generates, in order: `start` generates EK_A then A\'s first ratchet key; a decrypt that performs a DH ratchet step generates the new sending ratchet key.',
    'encrypt: the output must equal `message` byte for byte. decrypt: `senderDeviceId` is what the server reports (it goes into the AD); expect `plaintext` (UTF-8) or `reason`.',
    'A failed decrypt leaves the state as it was; valid scenarios succeed in every step, invalid ones fail in the last step only.',
  ]);
}

async function safety(): Promise<void> {
  const b = new Builder();
  const dev = async (name: string) => {
    const ik = await namedKey(`${name} identity`, 'ecdh');
    const sig = await namedKey(`${name} signing`, 'ecdsa');
    return { identityKey: ik.pair.publicKey, signingKey: sig.pair.publicKey };
  };
  const a1 = await dev('safety alice 1');
  const a2 = await dev('safety alice 2');
  const b1 = await dev('safety bob 1');
  const cases: [string, (typeof a1)[], (typeof a1)[]][] = [
    ['one device each', [a1], [b1]],
    ['alice with two devices', [a1, a2], [b1]],
    ['device order does not matter', [a2, a1], [b1]],
  ];
  for (const [comment, ua, ub] of cases) {
    const da = await userDigest(ua);
    const db = await userDigest(ub);
    const hexDevices = (list: typeof ua) => list.map((d) => ({ identityKey: hex(d.identityKey), signingKey: hex(d.signingKey) }));
    b.add({ comment, operation: 'safety_number', devicesA: hexDevices(ua), devicesB: hexDevices(ub), digestA: hex(da), digestB: hex(db), digitsA: digitsOf(da), digitsB: digitsOf(db), safetyNumber: safetyNumber(da, db), result: 'valid' });
  }
  write('safety', 'Safety numbers (docs/crypto.md §6): per-user digest over sorted IK ‖ SIG of every device; 60 digits in 12 groups of 5', b);
}

async function attachments(): Promise<void> {
  const b = new Builder();
  const key = await scalarFor('attachment key');
  const nonce = (await scalarFor('attachment nonce')).slice(0, 12);
  for (const [comment, data] of [['a short text file', utf8Encode('hello attachment\n')], ['empty file', new Uint8Array(0)], ['1000 bytes 0..255', Uint8Array.from({ length: 1000 }, (_, i) => i & 255)]] as [string, Bytes][]) {
    const s = await sealAttachmentWith(key, nonce, data);
    b.add({ comment, operation: 'attachment', key: hex(key), nonce: hex(nonce), plaintext: hex(data), blob: hex(s.blob), sha256: hex(s.sha256), result: 'valid' });
  }
  const s = await sealAttachmentWith(key, nonce, utf8Encode('hello attachment\n'));
  const tampered = s.blob.slice();
  tampered[20] = (tampered[20] ?? 0) ^ 1;
  b.add({ comment: 'blob changed: refused by the hash before decryption', operation: 'attachment_open', key: hex(key), blob: hex(tampered), sha256: hex(s.sha256), result: 'invalid', reason: 'bad_mac' });
  b.add({ comment: 'right hash, wrong key', operation: 'attachment_open', key: hex(await scalarFor('another attachment key')), blob: hex(s.blob), sha256: hex(s.sha256), result: 'invalid', reason: 'bad_mac' });
  b.add({ comment: 'shorter than nonce and tag', operation: 'attachment_open', key: hex(key), blob: hex(s.blob.slice(0, 20)), sha256: hex(s.sha256), result: 'invalid', reason: 'malformed' });
  write('attachments', 'Attachments (docs/crypto.md §5): blob = nonce ‖ AES-256-GCM(key, nonce, bytes, aad = ATTACHMENT_AAD); sha256 over the blob', b);
}

async function envelopes(): Promise<void> {
  const b = new Builder();
  const signing = await namedKey('distribution signing key', 'ed25519');
  const d = { channelId: IDS.channel, chainId: (await scalarFor('distribution chain id')).slice(0, 16), index: 7, chainKey: await scalarFor('distribution chain key'), signingKey: signing.pair.publicKey };
  const encoded = encodeDistribution(d);
  b.add({ comment: 'distribution at index 7', operation: 'distribution', channelId: d.channelId, chainId: hex(d.chainId), index: d.index, chainKey: hex(d.chainKey), signingKey: hex(d.signingKey), encoded: hex(encoded), result: 'valid' });
  const older = { channelId: IDS.channel, chainId: (await scalarFor('older chain id')).slice(0, 16), index: 42, chainKey: await scalarFor('older chain key'), signingKey: (await namedKey('older signing key', 'ed25519')).pair.publicKey };
  const two = encodeDistributions([d, older]);
  b.add({ comment: 'two items: the current chain, then an earlier chain the recipient held', operation: 'distribution_list', items: [d, older].map((x) => ({ channelId: x.channelId, chainId: hex(x.chainId), index: x.index, chainKey: hex(x.chainKey), signingKey: hex(x.signingKey) })), encoded: hex(two), result: 'valid' });
  const otherChannel = encodeDistributions([d, { ...older, channelId: IDS.otherChannel }]);
  b.add({ comment: 'items for two channels in one envelope', operation: 'distribution_list', encoded: hex(otherChannel), result: 'invalid', reason: 'malformed' });
  b.add({ comment: 'distribution with a trailing byte', operation: 'distribution_decode', encoded: hex(concat(encoded, new Uint8Array([0]))), result: 'invalid', reason: 'malformed' });
  b.add({ comment: 'distribution one byte short', operation: 'distribution_decode', encoded: hex(encoded.slice(0, -1)), result: 'invalid', reason: 'malformed' });
  const v2 = encoded.slice();
  v2[0] = 0x02;
  b.add({ comment: 'distribution with the reference version byte', operation: 'distribution_decode', encoded: hex(v2), result: 'invalid', reason: 'unsupported_version' });
  const v3 = encoded.slice();
  v3[0] = L.LEGACY_CHAIN_VERSION;
  b.add({ comment: 'distribution with the version byte of P-256 ECDSA chains', operation: 'distribution_decode', encoded: hex(v3), result: 'invalid', reason: 'legacy_protocol' });
  const t = encoded.slice();
  t[1] = L.TYPE_GROUP;
  b.add({ comment: 'distribution with the group type byte', operation: 'distribution_decode', encoded: hex(t), result: 'invalid', reason: 'malformed' });

  // Pairwise framing, from the session vectors' first scenario bytes: decode into fields.
  const ik = await namedKey('envelope IK_A', 'ecdh');
  const ek = await namedKey('envelope EK_A', 'ecdh');
  const spk = await namedKey('envelope SPK_B', 'ecdh');
  const opk = await namedKey('envelope OPK_B', 'ecdh');
  const dh = await namedKey('envelope ratchet', 'ecdh');
  const sealed = (await scalarFor('envelope sealed')).slice(0, 20);
  const header = concat(dh.pair.publicKey, u32(3), u32(5));
  const ratchetBytes = concat(new Uint8Array([L.VERSION, L.TYPE_RATCHET]), header, sealed);
  b.add({ comment: 'ratchet message', operation: 'pairwise_decode', encoded: hex(ratchetBytes), kind: 'ratchet', ratchetKey: hex(dh.pair.publicKey), pn: 3, n: 5, sealed: hex(sealed), result: 'valid' });
  for (const withOpk of [true, false]) {
    const bytes = concat(new Uint8Array([L.VERSION, L.TYPE_PREKEY]), ik.pair.publicKey, ek.pair.publicKey, spk.pair.publicKey, new Uint8Array([withOpk ? 1 : 0]), ...(withOpk ? [opk.pair.publicKey] : []), ratchetBytes);
    b.add({ comment: `pre-key message ${withOpk ? 'with' : 'without'} a one-time pre-key`, operation: 'pairwise_decode', encoded: hex(bytes), kind: 'prekey', identityKey: hex(ik.pair.publicKey), ephemeralKey: hex(ek.pair.publicKey), signedPreKey: hex(spk.pair.publicKey), oneTimePreKey: withOpk ? hex(opk.pair.publicKey) : null, ratchetKey: hex(dh.pair.publicKey), pn: 3, n: 5, sealed: hex(sealed), result: 'valid' });
  }
  const badFlags = concat(new Uint8Array([L.VERSION, L.TYPE_PREKEY]), ik.pair.publicKey, ek.pair.publicKey, spk.pair.publicKey, new Uint8Array([2]), ratchetBytes);
  b.add({ comment: 'pre-key flags other than 0 or 1', operation: 'pairwise_decode', encoded: hex(badFlags), result: 'invalid', reason: 'malformed' });
  b.add({ comment: 'ratchet message without a full tag', operation: 'pairwise_decode', encoded: hex(ratchetBytes.slice(0, 2 + 73 + 15)), result: 'invalid', reason: 'malformed' });
  b.add({ comment: 'unknown type byte', operation: 'pairwise_decode', encoded: hex(concat(new Uint8Array([L.VERSION, 0x7f]), header, sealed)), result: 'invalid', reason: 'malformed' });
  b.add({ comment: 'reference version byte', operation: 'pairwise_decode', encoded: hex(concat(new Uint8Array([0x02, L.TYPE_RATCHET]), header, sealed)), result: 'invalid', reason: 'unsupported_version' });
  void decodePairwiseMessage;
  write('envelopes', 'Framing (docs/crypto.md §3–4): sender-key distributions (one or more 102-byte items, version CHAIN_VERSION) and pairwise TYPE_PREKEY / TYPE_RATCHET messages', b);
}

export async function moreVectorFiles(): Promise<void> {
  await ratchet();
  await sessions();
  await safety();
  await attachments();
  await envelopes();
}
