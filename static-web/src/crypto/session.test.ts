import { describe, expect, it } from 'vitest';
import { toHex, utf8Encode, type Bytes } from './bytes';
import { MAX_FORWARD_JUMP, MAX_SKIPPED_KEYS } from './labels';
import { generateEcdhKeyPair, type KeyPair } from './primitives';
import { decryptPairwise, recordEncrypt, startSession, type SessionRecord } from './session';
import { decodePairwiseMessage, encodeRatchetMessage } from './wire';

const A = { userId: '0a11ce00-0000-4000-8000-000000000001', deviceId: '0a11ce00-0000-4000-8000-0000000000d1' };
const B = { userId: '00000b0b-0000-4000-8000-000000000002', deviceId: '00000b0b-0000-4000-8000-0000000000d1' };

async function pair() {
  const aIdentity = await generateEcdhKeyPair();
  const bIdentity = await generateEcdhKeyPair();
  const bSpk = await generateEcdhKeyPair();
  const bOpk = await generateEcdhKeyPair();
  const opks = new Map<string, KeyPair>([[toHex(bOpk.publicKey), bOpk]]);
  let a: SessionRecord = (await startSession(
    { deviceId: A.deviceId, identity: aIdentity },
    { userId: B.userId, deviceId: B.deviceId, identityKey: bIdentity.publicKey, signedPreKey: bSpk.publicKey, oneTimePreKey: bOpk.publicKey },
  ))!;
  let b: SessionRecord | null = null;
  const bKeys = { deviceId: B.deviceId, identity: bIdentity, signedPreKey: bSpk, oneTimePreKey: async (p: Bytes) => opks.get(toHex(p)) ?? null };
  const aKeys = { deviceId: A.deviceId, identity: aIdentity, signedPreKey: aIdentity, oneTimePreKey: async () => null };
  return {
    async aSend(text: string) {
      const r = await recordEncrypt(a, utf8Encode(text));
      a = r.record;
      return r.message;
    },
    async bSend(text: string) {
      const r = await recordEncrypt(b!, utf8Encode(text));
      b = r.record;
      return r.message;
    },
    async bReceive(m: Bytes) {
      const r = await decryptPairwise(b, bKeys, A, m, async () => true);
      if (r.ok) b = r.value.record;
      return r.ok ? new TextDecoder().decode(r.value.plaintext) : r.reason;
    },
    async aReceive(m: Bytes) {
      const r = await decryptPairwise(a, aKeys, B, m, async () => true);
      if (r.ok) a = r.value.record;
      return r.ok ? new TextDecoder().decode(r.value.plaintext) : r.reason;
    },
    get b() {
      return b;
    },
    get a() {
      return a;
    },
  };
}

describe('pairwise sessions', () => {
  it('messages keep flowing in both directions, and the pre-key header stops after the first reply', async () => {
    const p = await pair();
    const m0 = await p.aSend('a0');
    expect(decodePairwiseMessage(m0).ok && (decodePairwiseMessage(m0) as { value: { kind: string } }).value.kind).toBe('prekey');
    expect(await p.bReceive(m0)).toBe('a0');
    expect(await p.aReceive(await p.bSend('b0'))).toBe('b0');
    const m1 = await p.aSend('a1');
    expect((decodePairwiseMessage(m1) as { value: { kind: string } }).value.kind).toBe('ratchet');
    expect(await p.bReceive(m1)).toBe('a1');
  });

  it('a failed decryption leaves the record exactly as it was', async () => {
    const p = await pair();
    expect(await p.bReceive(await p.aSend('a0'))).toBe('a0');
    const before = p.b;
    const m = await p.aSend('a1');
    const bad = m.slice();
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 1;
    expect(await p.bReceive(bad)).toBe('bad_mac');
    expect(p.b).toBe(before);
    expect(await p.bReceive(m)).toBe('a1');
  });

  it(`keeps at most ${MAX_SKIPPED_KEYS} skipped keys, oldest evicted first`, async () => {
    const p = await pair();
    const messages: Bytes[] = [];
    for (let i = 0; i < MAX_SKIPPED_KEYS + 2; i++) messages.push(await p.aSend(`m${i}`));
    expect(await p.bReceive(messages[MAX_SKIPPED_KEYS + 1]!)).toBe(`m${MAX_SKIPPED_KEYS + 1}`);
    expect(p.b!.states[0]!.skipped.length).toBe(MAX_SKIPPED_KEYS);
    expect(await p.bReceive(messages[0]!)).toBe('duplicate'); // evicted
    expect(await p.bReceive(messages[1]!)).toBe('m1');
    expect(await p.bReceive(messages[1]!)).toBe('duplicate');
  }, 30_000);

  it(`accepts a jump of exactly ${MAX_FORWARD_JUMP} and refuses ${MAX_FORWARD_JUMP + 1}`, async () => {
    const p = await pair();
    expect(await p.bReceive(await p.aSend('first'))).toBe('first');
    const template = decodePairwiseMessage(await p.aSend('x'));
    if (!template.ok || template.value.kind !== 'prekey') throw new Error('expected a pre-key message');
    const inner = template.value.value.message;
    const at = (n: number) => encodeRatchetMessage({ header: { ...inner.header, n }, sealed: inner.sealed });
    // 1 + MAX_FORWARD_JUMP + 1 would skip MAX_FORWARD_JUMP + 1 keys: refused before deriving anything.
    expect(await p.bReceive(at(1 + MAX_FORWARD_JUMP + 1))).toBe('too_far_ahead');
    // Exactly MAX_FORWARD_JUMP skipped keys is allowed (it fails only at the AEAD, the header is forged).
    expect(await p.bReceive(at(1 + MAX_FORWARD_JUMP))).toBe('bad_mac');
  }, 30_000);

  it('both devices starting a session at once still read each other (every state is kept)', async () => {
    const aIdentity = await generateEcdhKeyPair();
    const aSpk = await generateEcdhKeyPair();
    const bIdentity = await generateEcdhKeyPair();
    const bSpk = await generateEcdhKeyPair();
    let a = (await startSession({ deviceId: A.deviceId, identity: aIdentity }, { userId: B.userId, deviceId: B.deviceId, identityKey: bIdentity.publicKey, signedPreKey: bSpk.publicKey, oneTimePreKey: null }))!;
    let b = (await startSession({ deviceId: B.deviceId, identity: bIdentity }, { userId: A.userId, deviceId: A.deviceId, identityKey: aIdentity.publicKey, signedPreKey: aSpk.publicKey, oneTimePreKey: null }))!;
    const fromA = await recordEncrypt(a, utf8Encode('from a'));
    a = fromA.record;
    const fromB = await recordEncrypt(b, utf8Encode('from b'));
    b = fromB.record;
    const none = async () => null;
    const rb = await decryptPairwise(b, { deviceId: B.deviceId, identity: bIdentity, signedPreKey: bSpk, oneTimePreKey: none }, A, fromA.message, async () => true);
    const ra = await decryptPairwise(a, { deviceId: A.deviceId, identity: aIdentity, signedPreKey: aSpk, oneTimePreKey: none }, B, fromB.message, async () => true);
    expect(rb.ok && ra.ok).toBe(true);
    if (!rb.ok || !ra.ok) return;
    a = ra.value.record;
    b = rb.value.record;
    // Each now sends with the state the other started; the other finds it among its states.
    const later = await recordEncrypt(a, utf8Encode('later'));
    const r = await decryptPairwise(b, { deviceId: B.deviceId, identity: bIdentity, signedPreKey: bSpk, oneTimePreKey: none }, A, later.message, async () => true);
    expect(r.ok && new TextDecoder().decode(r.value.plaintext)).toBe('later');
  });
});
