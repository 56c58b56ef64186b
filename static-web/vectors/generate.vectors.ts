/// <reference types="node" />
// Generates tests/vectors/*.json from the TypeScript implementation. Deterministic except ECDSA
// signatures of device keys (Web Crypto signs with a random nonce): such a signature is generated once,
// and checkers verify it rather than compare it. Ed25519 chain signatures are deterministic and compared
// byte for byte. Run only through `npm run vectors -- --overwrite`.

import { writeFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { concat, fromHex, toHex, u32, utf8Encode, uuidToBytes, type Bytes } from '../src/crypto/bytes';
import * as L from '../src/crypto/labels';
import { aesGcmSeal, ecdh, ecdsaSign, ed25519Sign, hkdfSha256, hmacSha256, pkcs8FromEd25519Seed, pkcs8FromScalar } from '../src/crypto/primitives';
import { kdfChain, kdfRoot, messageKeys } from '../src/crypto/ratchet';
import { preKeySignatureInput, signPreKey } from '../src/crypto/keys';
import { x3dhInitiate } from '../src/crypto/x3dh';
import { groupEncrypt, type OwnChain } from '../src/crypto/senderKeys';
import { encodeGroupMessage, groupAad, groupSignatureInput, type GroupContext } from '../src/crypto/wire';
import { IDS, namedKey, scalarFor, type NamedKey } from '../src/crypto/testSupport';
import { importPrivateScalar } from '../src/crypto/primitives';
import { GENERATED_BY, type VectorEntry, type VectorFile } from './format';
import { moreVectorFiles } from './generateMore';

const OUT = new URL('../../tests/vectors/', import.meta.url);

export class Builder {
  readonly tests: VectorEntry[] = [];
  add(entry: Omit<VectorEntry, 'tcId'>): void {
    this.tests.push({ tcId: this.tests.length + 1, ...entry } as VectorEntry);
  }
}

export function write(name: string, description: string, b: Builder, notes?: string[]): void {
  const file: VectorFile = { description, generatedBy: GENERATED_BY, ...(notes ? { notes } : {}), numberOfTests: b.tests.length, tests: b.tests };
  writeFileSync(new URL(`${name}.json`, OUT), JSON.stringify(file, null, 2) + '\n');
}

export const hex = toHex;

export function keyJson(k: NamedKey): { d: string; pkcs8: string; public: string } {
  return { d: hex(k.d), pkcs8: hex(pkcs8FromScalar(k.d)), public: hex(k.pair.publicKey) };
}

/** A chain signing key (Ed25519): the 32-byte seed, its PKCS#8 (RFC 8410) and the 32-byte public key. */
export function chainKeyJson(k: NamedKey): { seed: string; pkcs8: string; public: string } {
  return { seed: hex(k.d), pkcs8: hex(pkcs8FromEd25519Seed(k.d)), public: hex(k.pair.publicKey) };
}

const text = (s: string): Bytes => utf8Encode(s);

function labels(): void {
  const b = new Builder();
  const bytesLabels: [string, Bytes][] = [
    ['SPK_SIGNATURE_LABEL', L.SPK_SIGNATURE_LABEL],
    ['X3DH_INFO', L.X3DH_INFO],
    ['ROOT_INFO', L.ROOT_INFO],
    ['MESSAGE_KEYS_INFO', L.MESSAGE_KEYS_INFO],
    ['GROUP_MESSAGE_KEYS_INFO', L.GROUP_MESSAGE_KEYS_INFO],
    ['GROUP_AAD_LABEL', L.GROUP_AAD_LABEL],
    ['ATTACHMENT_AAD', L.ATTACHMENT_AAD],
    ['SAFETY_NUMBER_LABEL', L.SAFETY_NUMBER_LABEL],
  ];
  for (const [name, value] of bytesLabels)
    b.add({ comment: `label ${name} as UTF-8`, operation: 'label_bytes', name, text: new TextDecoder().decode(value), hex: hex(value), result: 'valid' });
  const ints: [string, number][] = [
    ['VERSION', L.VERSION],
    ['CHAIN_VERSION', L.CHAIN_VERSION],
    ['LEGACY_CHAIN_VERSION', L.LEGACY_CHAIN_VERSION],
    ['PROTOCOL_VERSION', L.PROTOCOL_VERSION],
    ['TYPE_PREKEY', L.TYPE_PREKEY],
    ['TYPE_RATCHET', L.TYPE_RATCHET],
    ['TYPE_GROUP', L.TYPE_GROUP],
    ['TYPE_SENDER_KEY', L.TYPE_SENDER_KEY],
    ['SAFETY_NUMBER_FORMAT', L.SAFETY_NUMBER_FORMAT],
    ['CHAIN_MESSAGE_SEED', L.CHAIN_MESSAGE_SEED],
    ['CHAIN_NEXT_SEED', L.CHAIN_NEXT_SEED],
    ['MAX_SKIPPED_KEYS', L.MAX_SKIPPED_KEYS],
    ['MAX_FORWARD_JUMP', L.MAX_FORWARD_JUMP],
    ['ONE_TIME_PREKEYS', L.ONE_TIME_PREKEYS],
    ['ONE_TIME_PREKEYS_LOW_WATER', L.ONE_TIME_PREKEYS_LOW_WATER],
    ['ROTATE_AFTER_MESSAGES', L.ROTATE_AFTER_MESSAGES],
    ['ROTATE_AFTER_SECONDS', L.ROTATE_AFTER_SECONDS],
    ['PUBLIC_KEY_LENGTH', L.PUBLIC_KEY_LENGTH],
    ['SIGNATURE_LENGTH', L.SIGNATURE_LENGTH],
    ['CHAIN_SIGNING_KEY_LENGTH', L.CHAIN_SIGNING_KEY_LENGTH],
    ['SYMMETRIC_KEY_LENGTH', L.SYMMETRIC_KEY_LENGTH],
    ['NONCE_LENGTH', L.NONCE_LENGTH],
    ['TAG_LENGTH', L.TAG_LENGTH],
    ['ID_LENGTH', L.ID_LENGTH],
    ['CHAIN_ID_LENGTH', L.CHAIN_ID_LENGTH],
    ['RATCHET_HEADER_LENGTH', L.RATCHET_HEADER_LENGTH],
    ['MAX_SESSION_STATES', L.MAX_SESSION_STATES],
    ['MAX_PREVIOUS_CHAINS', L.MAX_PREVIOUS_CHAINS],
  ];
  for (const [name, value] of ints) b.add({ comment: `constant ${name}`, operation: 'constant', name, value, result: 'valid' });
  write('labels', 'Every protocol constant of docs/crypto.md §1: labels as UTF-8 hex, integers as values', b);
}

async function kdf(): Promise<void> {
  const b = new Builder();
  // RFC 5869 A.1 and A.3: external truth for HKDF-SHA-256.
  b.add({
    comment: 'RFC 5869 test case 1',
    operation: 'hkdf_sha256',
    ikm: '0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b',
    salt: '000102030405060708090a0b0c',
    info: 'f0f1f2f3f4f5f6f7f8f9',
    length: 42,
    okm: '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    result: 'valid',
  });
  b.add({
    comment: 'RFC 5869 test case 3 (empty salt and info)',
    operation: 'hkdf_sha256',
    ikm: '0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b',
    salt: '',
    info: '',
    length: 42,
    okm: '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
    result: 'valid',
  });
  for (const [i, key] of [new Uint8Array(32), await scalarFor('hmac key')].entries()) {
    const data = text('D3Chat hmac input');
    b.add({ comment: `HMAC-SHA-256 ${i}`, operation: 'hmac_sha256', key: hex(key), data: hex(data), mac: hex(await hmacSha256(key, data)), result: 'valid' });
  }
  // KDF_CK steps from CK = 32 zero bytes and from a named chain key.
  for (const [name, start] of [['zero', new Uint8Array(32)], ['named', await scalarFor('chain key')]] as const) {
    let ck: Bytes = start;
    for (let step = 0; step < 3; step++) {
      const { messageKey, nextChainKey } = await kdfChain(ck);
      b.add({ comment: `KDF_CK from the ${name} chain, step ${step}`, operation: 'kdf_chain', chainKey: hex(ck), messageKey: hex(messageKey), nextChainKey: hex(nextChainKey), result: 'valid' });
      ck = nextChainKey;
    }
  }
  for (let i = 0; i < 2; i++) {
    const rk = await scalarFor(`root key ${i}`);
    const dh = await scalarFor(`dh output ${i}`);
    const out = await kdfRoot(rk, dh);
    b.add({ comment: `KDF_RK ${i}`, operation: 'kdf_root', rootKey: hex(rk), dhOutput: hex(dh), nextRootKey: hex(out.rootKey), chainKey: hex(out.chainKey), result: 'valid' });
  }
  for (const [infoName, info] of [['MESSAGE_KEYS_INFO', L.MESSAGE_KEYS_INFO], ['GROUP_MESSAGE_KEYS_INFO', L.GROUP_MESSAGE_KEYS_INFO]] as const) {
    const mk = await scalarFor(`message key ${infoName}`);
    const out = await messageKeys(info, mk);
    b.add({ comment: `KEYS(${infoName}, mk)`, operation: 'message_keys', info: infoName, messageKey: hex(mk), aesKey: hex(out.key), nonce: hex(out.nonce), result: 'valid' });
  }
  write('kdf', 'HKDF-SHA-256, HMAC-SHA-256, KDF_CK, KDF_RK and KEYS of docs/crypto.md §1 and §3', b);
}

// The reference spec's §10 scalars (A = initiator, B = responder), so DH1..DH4 can be compared with its table.
const REF = {
  ikA: '5d1e3b2aff7f3330f3aa7381cfd26c458874986ff847a44277ca8ffcc6aeb1cb',
  ekA: 'a93f80c8be9a36ab25ad5e5d00f01e29b2208ce8655429c8990341b9c07eac00',
  ikB: '689e955ac72b0325c1c80f847cdfc6c86459b0314228b6ad4e9661c89aff4189',
  spkB: '620521262311f8480f8b433393798a3bb68da6d11582f3b38c44b0acd9205960',
  opkB: 'bc4b5e447df91cfd0e8e76f01bbaf34b606ef2b8876fdf0b678bbf43e3aa3bf2',
};

async function fromScalar(dHex: string): Promise<NamedKey> {
  const d = fromHex(dHex);
  return { d, pair: await importPrivateScalar(d, 'ecdh') };
}

async function x3dh(): Promise<void> {
  const b = new Builder();
  const sets: [string, NamedKey, NamedKey, NamedKey, NamedKey, NamedKey][] = [
    ['reference §10 scalars', await fromScalar(REF.ikA), await fromScalar(REF.ekA), await fromScalar(REF.ikB), await fromScalar(REF.spkB), await fromScalar(REF.opkB)],
    ['named scalars', await namedKey('x3dh IK_A', 'ecdh'), await namedKey('x3dh EK_A', 'ecdh'), await namedKey('x3dh IK_B', 'ecdh'), await namedKey('x3dh SPK_B', 'ecdh'), await namedKey('x3dh OPK_B', 'ecdh')],
  ];
  for (const [name, ikA, ekA, ikB, spkB, opkB] of sets) {
    for (const withOpk of [false, true]) {
      const r = await x3dhInitiate({
        identity: ikA.pair,
        ephemeral: ekA.pair,
        deviceId: IDS.aliceDevice,
        remoteIdentityKey: ikB.pair.publicKey,
        remoteSignedPreKey: spkB.pair.publicKey,
        remoteOneTimePreKey: withOpk ? opkB.pair.publicKey : null,
        remoteDeviceId: IDS.bobDevice,
      });
      if (!r) throw new Error('x3dh failed');
      const dh = async (k: NamedKey, p: Bytes): Promise<string> => hex((await ecdh(k.pair.privateKey, p))!);
      b.add({
        comment: `X3DH with ${withOpk ? '4' : '3'} DH, ${name}`,
        operation: 'x3dh',
        initiatorDeviceId: IDS.aliceDevice,
        responderDeviceId: IDS.bobDevice,
        initiatorIdentity: keyJson(ikA),
        initiatorEphemeral: keyJson(ekA),
        responderIdentity: keyJson(ikB),
        responderSignedPreKey: keyJson(spkB),
        responderOneTimePreKey: withOpk ? keyJson(opkB) : null,
        dh1: await dh(ikA, spkB.pair.publicKey),
        dh2: await dh(ekA, ikB.pair.publicKey),
        dh3: await dh(ekA, spkB.pair.publicKey),
        dh4: withOpk ? await dh(ekA, opkB.pair.publicKey) : null,
        sharedSecret: hex(r.sharedSecret),
        associatedData: hex(r.associatedData),
        result: 'valid',
      });
    }
  }
  // A responder key that is not on the curve: no session (the bundle is refused as untrusted).
  const [, ikA, ekA, ikB] = sets[1]!;
  const offCurve = concat(new Uint8Array([0x04]), new Uint8Array(64).fill(0x01));
  b.add({
    comment: 'signed pre-key not a point on P-256: refused',
    operation: 'x3dh',
    initiatorDeviceId: IDS.aliceDevice,
    responderDeviceId: IDS.bobDevice,
    initiatorIdentity: keyJson(ikA),
    initiatorEphemeral: keyJson(ekA),
    responderIdentity: keyJson(ikB),
    responderSignedPreKey: { d: null, pkcs8: null, public: hex(offCurve) },
    responderOneTimePreKey: null,
    result: 'invalid',
    reason: 'untrusted_identity',
  });
  write('x3dh', 'X3DH of docs/crypto.md §3 (initiator A, responder B); private keys as the scalar d, PKCS#8 (scalar only) and the public point', b);
}

async function signatures(): Promise<void> {
  const b = new Builder();
  const sig = await namedKey('device signing key', 'ecdsa');
  const other = await namedKey('another signing key', 'ecdsa');
  const ik = await namedKey('device identity key', 'ecdh');
  const spk = await namedKey('device signed pre-key', 'ecdh');
  const signature = await signPreKey(sig.pair, ik.pair.publicKey, spk.pair.publicKey);
  const base = {
    operation: 'spk_signature',
    signingKey: hex(sig.pair.publicKey),
    signingPrivate: keyJson(sig),
    identityKey: hex(ik.pair.publicKey),
    signedPreKey: hex(spk.pair.publicKey),
    signedInput: hex(preKeySignatureInput(ik.pair.publicKey, spk.pair.publicKey)),
  };
  b.add({ comment: 'valid signature over SPK_SIGNATURE_LABEL ‖ IK ‖ SPK', ...base, signature: hex(signature), result: 'valid' });
  const flipped = signature.slice();
  flipped[10] = (flipped[10] ?? 0) ^ 0x01;
  b.add({ comment: 'one bit of r flipped', ...base, signature: hex(flipped), result: 'invalid', reason: 'untrusted_identity' });
  const flippedS = signature.slice();
  flippedS[63] = (flippedS[63] ?? 0) ^ 0x80;
  b.add({ comment: 'one bit of s flipped', ...base, signature: hex(flippedS), result: 'invalid', reason: 'untrusted_identity' });
  b.add({ comment: 'truncated to 63 bytes', ...base, signature: hex(signature.slice(0, 63)), result: 'invalid', reason: 'untrusted_identity' });
  b.add({ comment: 'DER instead of P1363 is not accepted', ...base, signature: hex(concat(new Uint8Array([0x30, 0x44, 0x02, 0x20]), signature.slice(0, 32), new Uint8Array([0x02, 0x20]), signature.slice(32))), result: 'invalid', reason: 'untrusted_identity' });
  b.add({ comment: 'identity key replaced (the signature binds IK to the signing key)', ...base, identityKey: hex(other.pair.publicKey), signedInput: hex(preKeySignatureInput(other.pair.publicKey, spk.pair.publicKey)), signature: hex(signature), result: 'invalid', reason: 'untrusted_identity' });
  b.add({ comment: 'signed pre-key replaced', ...base, signedPreKey: hex(ik.pair.publicKey), signedInput: hex(preKeySignatureInput(ik.pair.publicKey, ik.pair.publicKey)), signature: hex(signature), result: 'invalid', reason: 'untrusted_identity' });
  b.add({ comment: 'verified under another signing key', ...base, signingKey: hex(other.pair.publicKey), signature: hex(signature), result: 'invalid', reason: 'untrusted_identity' });
  b.add({ comment: 'signature over the SPK alone (the reference form) is refused', ...base, signature: hex(await ecdsaSign(sig.pair.privateKey, spk.pair.publicKey)), result: 'invalid', reason: 'untrusted_identity' });
  b.add({ comment: 'all-zero signature', ...base, signature: hex(new Uint8Array(64)), result: 'invalid', reason: 'untrusted_identity' });

  // Chain signing keys (Ed25519, RFC 8032): deterministic, so checkers sign again and compare.
  const chain = await namedKey('chain signing key', 'ed25519');
  const otherChain = await namedKey('another chain signing key', 'ed25519');
  for (const [comment, data] of [['empty input', new Uint8Array(0)], ['a group message signature input', text('D3Chat chain signature input')]] as [string, Bytes][]) {
    const chainBase = { operation: 'chain_signature', signingKey: hex(chain.pair.publicKey), signingPrivate: chainKeyJson(chain), data: hex(data) };
    const good = await ed25519Sign(chain.pair.privateKey, data);
    b.add({ comment: `Ed25519 over ${comment}`, ...chainBase, signature: hex(good), result: 'valid' });
    if (data.length === 0) continue;
    const r = good.slice();
    r[3] = (r[3] ?? 0) ^ 0x01;
    b.add({ comment: 'Ed25519: one bit of R flipped', ...chainBase, signature: hex(r), result: 'invalid', reason: 'bad_signature' });
    const sBit = good.slice();
    sBit[40] = (sBit[40] ?? 0) ^ 0x01;
    b.add({ comment: 'Ed25519: one bit of S flipped', ...chainBase, signature: hex(sBit), result: 'invalid', reason: 'bad_signature' });
    b.add({ comment: 'Ed25519: verified under another chain key', ...chainBase, signingKey: hex(otherChain.pair.publicKey), signature: hex(good), result: 'invalid', reason: 'bad_signature' });
    b.add({ comment: 'Ed25519: truncated to 63 bytes', ...chainBase, signature: hex(good.slice(0, 63)), result: 'invalid', reason: 'bad_signature' });
  }
  write('signatures', 'Signatures: signed pre-keys (docs/crypto.md §2, ECDSA P-256 SHA-256, 64-byte P1363, over SPK_SIGNATURE_LABEL ‖ IK_pub ‖ SPK_pub) and chain signing keys (§4, Ed25519, 32-byte public keys, 64-byte signatures)', b, [
    'spk_signature: ECDSA signatures are randomized: checkers verify `signature` under `signingKey` and must not compare a fresh signature with it.',
    'chain_signature: Ed25519 is deterministic: a valid entry is signed again from signingPrivate.seed and compared byte for byte; every entry is verified under signingKey.',
  ]);
}

async function senderKeyChain(): Promise<void> {
  const b = new Builder();
  for (const [name, start] of [['zero', new Uint8Array(32)], ['named', await scalarFor('sender chain CK_0')]] as const) {
    let ck: Bytes = start;
    for (let index = 0; index <= 5; index++) {
      const { messageKey, nextChainKey } = await kdfChain(ck);
      const keys = await messageKeys(L.GROUP_MESSAGE_KEYS_INFO, messageKey);
      b.add({ comment: `${name} chain, index ${index}`, operation: 'sender_chain_step', index, chainKey: hex(ck), messageKey: hex(messageKey), aesKey: hex(keys.key), nonce: hex(keys.nonce), nextChainKey: hex(nextChainKey), result: 'valid' });
      ck = nextChainKey;
    }
  }
  // A long jump: CK_2000 from CK_0 (what a receiver derives at the MAX_FORWARD_JUMP limit).
  const start = await scalarFor('sender chain CK_0');
  let ck: Bytes = start;
  for (let i = 0; i < L.MAX_FORWARD_JUMP; i++) ck = (await kdfChain(ck)).nextChainKey;
  const step = await kdfChain(ck);
  b.add({ comment: `named chain, index ${L.MAX_FORWARD_JUMP} derived from CK_0`, operation: 'sender_chain_jump', fromIndex: 0, chainKey: hex(start), index: L.MAX_FORWARD_JUMP, chainKeyAtIndex: hex(ck), messageKey: hex(step.messageKey), result: 'valid' });
  write('sender_key_chain', 'Sender-key chain (docs/crypto.md §4): mk_i, CK_{i+1} = KDF_CK(CK_i); KEYS(GROUP_MESSAGE_KEYS_INFO, mk_i)', b);
}

async function groupMessages(): Promise<void> {
  const b = new Builder();
  const signing = await namedKey('group chain signing key', 'ed25519');
  const chainId = (await scalarFor('group chain id')).slice(0, 16);
  const ck0 = await scalarFor('group chain CK_0');
  const ctx: GroupContext = { channelId: IDS.channel, senderUserId: IDS.aliceUser, senderDeviceId: IDS.aliceDevice };
  let chain: OwnChain = { version: 2, channelId: IDS.channel, chainId, index: 0, chainKey: ck0, signing: signing.pair, createdAt: 0, recipients: [], previous: [], envelopes: [], envelopesPosted: true, rotationDue: false };
  const sent: { index: number; chainKey: Bytes; plaintext: Bytes; message: Bytes }[] = [];
  for (const body of ['{"text":"hello group"}', '{"text":"second"}', '{"text":""}', '{"text":"héllo ✓","attachments":[]}']) {
    const before = chain;
    const plaintext = text(body);
    const r = await groupEncrypt(chain, ctx, plaintext);
    chain = r.chain;
    sent.push({ index: before.index, chainKey: before.chainKey, plaintext, message: r.message });
  }
  const receiver = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
    chainId: hex(chainId),
    channelId: IDS.channel,
    senderUserId: IDS.aliceUser,
    senderDeviceId: IDS.aliceDevice,
    firstIndex: 0,
    nextIndex: 0,
    chainKey: hex(ck0),
    signingKey: hex(signing.pair.publicKey),
    skipped: [],
    ...over,
  });
  const msgCtx = (over: Partial<GroupContext> = {}): Record<string, unknown> => ({ ...ctx, ...over });

  // Encrypt: deterministic, the Ed25519 signature included.
  for (const s of sent) {
    const aad = groupAad(ctx, chainId, s.index);
    const { messageKey } = await kdfChain(s.chainKey);
    const keys = await messageKeys(L.GROUP_MESSAGE_KEYS_INFO, messageKey);
    const sealed = await aesGcmSeal(keys.key, keys.nonce, s.plaintext, aad);
    b.add({
      comment: `encrypt index ${s.index}`,
      operation: 'group_encrypt',
      context: msgCtx(),
      chainId: hex(chainId),
      index: s.index,
      chainKey: hex(s.chainKey),
      signingKey: hex(signing.pair.publicKey),
      signingPrivate: chainKeyJson(signing),
      plaintext: hex(s.plaintext),
      aad: hex(aad),
      header: hex(concat(new Uint8Array([L.CHAIN_VERSION, L.TYPE_GROUP]), chainId, u32(s.index))),
      sealed: hex(sealed),
      message: hex(s.message),
      result: 'valid',
    });
  }

  const dec = (comment: string, message: Bytes, rx: Record<string, unknown>, c: Record<string, unknown>, outcome: { plaintext: Bytes } | { reason: string }): void => {
    b.add({
      comment,
      operation: 'group_decrypt',
      receiver: rx,
      context: c,
      message: hex(message),
      ...('plaintext' in outcome ? { plaintext: hex(outcome.plaintext), result: 'valid' } : { result: 'invalid', reason: outcome.reason }),
    });
  };
  const [m0, m1, m2, m3] = sent as [typeof sent[0], typeof sent[0], typeof sent[0], typeof sent[0]];
  dec('in order, first message', m0.message, receiver(), msgCtx(), { plaintext: m0.plaintext });
  dec('skip ahead to index 3 from next index 0', m3.message, receiver(), msgCtx(), { plaintext: m3.plaintext });
  const skippedAfter3 = [];
  for (const s of [m0, m1, m2]) skippedAfter3.push({ index: s.index, messageKey: hex((await kdfChain(s.chainKey)).messageKey) });
  dec('late message from the skipped-key store (state after index 3 arrived first)', m1.message, receiver({ nextIndex: 4, chainKey: hex(chain.chainKey), skipped: skippedAfter3 }), msgCtx(), { plaintext: m1.plaintext });
  dec('joined at index 2 (distribution at index 2), reads index 2', m2.message, receiver({ firstIndex: 2, nextIndex: 2, chainKey: hex(m2.chainKey) }), msgCtx(), { plaintext: m2.plaintext });
  dec('joined at index 2, index 1 is before it', m1.message, receiver({ firstIndex: 2, nextIndex: 2, chainKey: hex(m2.chainKey) }), msgCtx(), { reason: 'before_device_joined' });
  dec('already consumed, no skipped key', m0.message, receiver({ nextIndex: 1, chainKey: hex(m1.chainKey) }), msgCtx(), { reason: 'duplicate' });
  dec('another chain id', m0.message, receiver({ chainId: hex(new Uint8Array(16)) }), msgCtx(), { reason: 'unknown_chain' });
  dec('replayed into another channel', m0.message, receiver(), msgCtx({ channelId: IDS.otherChannel }), { reason: 'wrong_channel' });
  dec('server swapped sender_device_id', m0.message, receiver(), msgCtx({ senderDeviceId: IDS.aliceDevice2 }), { reason: 'wrong_sender' });
  dec('server swapped the sender user', m0.message, receiver(), msgCtx({ senderUserId: IDS.bobUser }), { reason: 'wrong_sender' });
  const badSig = m0.message.slice();
  badSig[badSig.length - 1] = (badSig[badSig.length - 1] ?? 0) ^ 0x01;
  dec('signature bit flipped', badSig, receiver(), msgCtx(), { reason: 'bad_signature' });
  const badCt = m0.message.slice();
  badCt[30] = (badCt[30] ?? 0) ^ 0x01;
  dec('ciphertext bit flipped (the signature covers it)', badCt, receiver(), msgCtx(), { reason: 'bad_signature' });
  const otherSigner = await namedKey('not the chain signing key', 'ed25519');
  dec('signed by another key', m0.message, receiver({ signingKey: hex(otherSigner.pair.publicKey) }), msgCtx(), { reason: 'bad_signature' });
  // Correctly signed, but sealed under the key of index 1 while the header says index 0: only the AEAD catches it.
  {
    const aad = groupAad(ctx, chainId, 0);
    const { messageKey } = await kdfChain(m1.chainKey);
    const keys = await messageKeys(L.GROUP_MESSAGE_KEYS_INFO, messageKey);
    const sealed = await aesGcmSeal(keys.key, keys.nonce, m0.plaintext, aad);
    const signature = await ed25519Sign(signing.pair.privateKey, groupSignatureInput(aad, sealed));
    dec('signed, but sealed under another message key', encodeGroupMessage({ chainId, index: 0, sealed, signature }), receiver(), msgCtx(), { reason: 'bad_mac' });
  }
  {
    const far = L.MAX_FORWARD_JUMP + 1;
    const aad = groupAad(ctx, chainId, far);
    const sealed = new Uint8Array(32);
    const signature = await ed25519Sign(signing.pair.privateKey, groupSignatureInput(aad, sealed));
    dec(`index ${far} from next index 0 (jump over MAX_FORWARD_JUMP)`, encodeGroupMessage({ chainId, index: far, sealed, signature }), receiver(), msgCtx(), { reason: 'too_far_ahead' });
  }
  const v2 = m0.message.slice();
  v2[0] = 0x02;
  dec('reference version byte 0x02', v2, receiver(), msgCtx(), { reason: 'unsupported_version' });
  const v3 = m0.message.slice();
  v3[0] = L.LEGACY_CHAIN_VERSION;
  dec('version byte 0x03 of P-256 ECDSA chains', v3, receiver(), msgCtx(), { reason: 'legacy_protocol' });
  dec('truncated below the minimum length', m0.message.slice(0, 60), receiver(), msgCtx(), { reason: 'malformed' });
  const wrongType = m0.message.slice();
  wrongType[1] = L.TYPE_SENDER_KEY;
  dec('type byte is not TYPE_GROUP', wrongType, receiver(), msgCtx(), { reason: 'malformed' });
  write('group_message', 'Channel messages (docs/crypto.md §4): encrypt (deterministic, Ed25519 signature included) and decrypt with every check and its reason', b, [
    'group_encrypt: compare aad, header, sealed and the whole message exactly (the last 64 bytes are the Ed25519 signature by signingPrivate.seed over aad ‖ sealed).',
    'group_decrypt: `receiver` is the stored chain state: chainKey is the chain key at nextIndex; skipped lists kept message keys of earlier indexes.',
    'The message `context` is what the server reports: channel id, sender user id, sender_device_id.',
  ]);
}

const overwrite = process.env['D3CHAT_VECTORS_OVERWRITE'] === '1';

describe.runIf(overwrite)('vector generation', () => {
  it('writes tests/vectors/*.json', async () => {
    labels();
    await kdf();
    await x3dh();
    await signatures();
    await senderKeyChain();
    await groupMessages();
    await moreVectorFiles();
  }, 120_000);
});
