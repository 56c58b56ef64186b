// Framing of the four message types (docs/crypto.md §3–4). Decoders take untrusted bytes and return a
// result; encoders take our own values and throw on wrong lengths.

import { assertLength, concat, readU32, u32, uuidToBytes, type Bytes } from './bytes';
import {
  CHAIN_ID_LENGTH,
  CHAIN_SIGNING_KEY_LENGTH,
  CHAIN_VERSION,
  GROUP_AAD_LABEL,
  ID_LENGTH,
  PUBLIC_KEY_LENGTH,
  RATCHET_HEADER_LENGTH,
  SIGNATURE_LENGTH,
  SYMMETRIC_KEY_LENGTH,
  TAG_LENGTH,
  TYPE_GROUP,
  TYPE_PREKEY,
  TYPE_RATCHET,
  TYPE_SENDER_KEY,
  LEGACY_CHAIN_VERSION,
  VERSION,
} from './labels';
import { fail, ok, type DecryptResult } from './result';

const prefix = (type: number): Bytes => new Uint8Array([VERSION, type]);
const chainPrefix = (type: number): Bytes => new Uint8Array([CHAIN_VERSION, type]);

function checkVersion(data: Bytes, version: number): DecryptResult<true> {
  if (data.length < 2) return fail('malformed');
  if (data[0] === version) return ok(true);
  // A chain of the previous layout (P-256 ECDSA signing key): known, and refused by name.
  return fail(version === CHAIN_VERSION && data[0] === LEGACY_CHAIN_VERSION ? 'legacy_protocol' : 'unsupported_version');
}

function checkPrefix(data: Bytes, type: number, version = VERSION): DecryptResult<true> {
  const v = checkVersion(data, version);
  if (!v.ok) return v;
  if (data[1] !== type) return fail('malformed');
  return ok(true);
}

// ---- pairwise ----

export interface RatchetHeader {
  readonly dh: Bytes;
  readonly pn: number;
  readonly n: number;
}

export function encodeHeader(h: RatchetHeader): Bytes {
  assertLength('ratchet key', h.dh, PUBLIC_KEY_LENGTH);
  return concat(h.dh, u32(h.pn), u32(h.n));
}

export interface RatchetMessage {
  readonly header: RatchetHeader;
  /** ciphertext ‖ tag */
  readonly sealed: Bytes;
}

/** The bytes before the ciphertext, which are also authenticated (AAD = AD ‖ these bytes). */
export function ratchetMessagePrefix(header: RatchetHeader): Bytes {
  return concat(prefix(TYPE_RATCHET), encodeHeader(header));
}

export function encodeRatchetMessage(m: RatchetMessage): Bytes {
  return concat(ratchetMessagePrefix(m.header), m.sealed);
}

export function decodeRatchetMessage(data: Bytes): DecryptResult<RatchetMessage> {
  const p = checkPrefix(data, TYPE_RATCHET);
  if (!p.ok) return p;
  if (data.length < 2 + RATCHET_HEADER_LENGTH + TAG_LENGTH) return fail('malformed');
  const dh = data.slice(2, 2 + PUBLIC_KEY_LENGTH);
  const pn = readU32(data, 2 + PUBLIC_KEY_LENGTH);
  const n = readU32(data, 2 + PUBLIC_KEY_LENGTH + 4);
  return ok({ header: { dh, pn, n }, sealed: data.slice(2 + RATCHET_HEADER_LENGTH) });
}

export interface PreKeyMessage {
  readonly identityKey: Bytes;
  readonly ephemeralKey: Bytes;
  readonly signedPreKey: Bytes;
  readonly oneTimePreKey: Bytes | null;
  readonly message: RatchetMessage;
}

export function encodePreKeyMessage(m: PreKeyMessage): Bytes {
  assertLength('identity key', m.identityKey, PUBLIC_KEY_LENGTH);
  assertLength('ephemeral key', m.ephemeralKey, PUBLIC_KEY_LENGTH);
  assertLength('signed pre-key', m.signedPreKey, PUBLIC_KEY_LENGTH);
  const opk = m.oneTimePreKey ? [new Uint8Array([1]), m.oneTimePreKey] : [new Uint8Array([0])];
  if (m.oneTimePreKey) assertLength('one-time pre-key', m.oneTimePreKey, PUBLIC_KEY_LENGTH);
  return concat(prefix(TYPE_PREKEY), m.identityKey, m.ephemeralKey, m.signedPreKey, ...opk, encodeRatchetMessage(m.message));
}

export function decodePreKeyMessage(data: Bytes): DecryptResult<PreKeyMessage> {
  const p = checkPrefix(data, TYPE_PREKEY);
  if (!p.ok) return p;
  let at = 2;
  const take = (n: number): Bytes | null => {
    if (at + n > data.length) return null;
    const out = data.slice(at, at + n);
    at += n;
    return out;
  };
  const identityKey = take(PUBLIC_KEY_LENGTH);
  const ephemeralKey = take(PUBLIC_KEY_LENGTH);
  const signedPreKey = take(PUBLIC_KEY_LENGTH);
  const flags = take(1);
  if (!identityKey || !ephemeralKey || !signedPreKey || !flags) return fail('malformed');
  if ((flags[0] ?? 0) > 1) return fail('malformed');
  let oneTimePreKey: Bytes | null = null;
  if (flags[0] === 1) {
    oneTimePreKey = take(PUBLIC_KEY_LENGTH);
    if (!oneTimePreKey) return fail('malformed');
  }
  const inner = decodeRatchetMessage(data.slice(at));
  if (!inner.ok) return fail('malformed');
  return ok({ identityKey, ephemeralKey, signedPreKey, oneTimePreKey, message: inner.value });
}

export type PairwiseMessage = { readonly kind: 'prekey'; readonly value: PreKeyMessage } | { readonly kind: 'ratchet'; readonly value: RatchetMessage };

export function decodePairwiseMessage(data: Bytes): DecryptResult<PairwiseMessage> {
  if (data.length < 2) return fail('malformed');
  if (data[0] !== VERSION) return fail('unsupported_version');
  if (data[1] === TYPE_PREKEY) {
    const m = decodePreKeyMessage(data);
    return m.ok ? ok({ kind: 'prekey', value: m.value }) : m;
  }
  if (data[1] === TYPE_RATCHET) {
    const m = decodeRatchetMessage(data);
    return m.ok ? ok({ kind: 'ratchet', value: m.value }) : m;
  }
  return fail('malformed');
}

// ---- channel (group) messages ----

export interface GroupContext {
  readonly channelId: string;
  readonly senderUserId: string;
  readonly senderDeviceId: string;
}

export interface GroupMessage {
  readonly chainId: Bytes;
  readonly index: number;
  readonly sealed: Bytes;
  readonly signature: Bytes;
}

export function groupMessageHeader(chainId: Bytes, index: number): Bytes {
  assertLength('chain id', chainId, CHAIN_ID_LENGTH);
  return concat(chainPrefix(TYPE_GROUP), chainId, u32(index));
}

/**
 * AAD = GROUP_AAD_LABEL ‖ channel_id ‖ sender_device_id ‖ CHAIN_VERSION ‖ TYPE_GROUP ‖ chain_id ‖ u32 index.
 * Only ids that are the same on every server: channel and device ids survive federation, user ids do
 * not (a remote user is a local stub with its own id). The sender user is checked against the chain.
 */
export function groupAad(ctx: GroupContext, chainId: Bytes, index: number): Bytes {
  return concat(GROUP_AAD_LABEL, uuidToBytes(ctx.channelId), uuidToBytes(ctx.senderDeviceId), groupMessageHeader(chainId, index));
}

/** What the chain's signing key (Ed25519) signs: AAD ‖ ciphertext‖tag. */
export function groupSignatureInput(aad: Bytes, sealed: Bytes): Bytes {
  return concat(aad, sealed);
}

export function encodeGroupMessage(m: GroupMessage): Bytes {
  assertLength('signature', m.signature, SIGNATURE_LENGTH);
  return concat(groupMessageHeader(m.chainId, m.index), m.sealed, m.signature);
}

const GROUP_MIN_LENGTH = 2 + CHAIN_ID_LENGTH + 4 + TAG_LENGTH + SIGNATURE_LENGTH;

export function decodeGroupMessage(data: Bytes): DecryptResult<GroupMessage> {
  const p = checkPrefix(data, TYPE_GROUP, CHAIN_VERSION);
  if (!p.ok) return p;
  if (data.length < GROUP_MIN_LENGTH) return fail('malformed');
  const headerLength = 2 + CHAIN_ID_LENGTH + 4;
  return ok({
    chainId: data.slice(2, 2 + CHAIN_ID_LENGTH),
    index: readU32(data, 2 + CHAIN_ID_LENGTH),
    sealed: data.slice(headerLength, data.length - SIGNATURE_LENGTH),
    signature: data.slice(data.length - SIGNATURE_LENGTH),
  });
}

// ---- sender-key distribution (only ever the plaintext of a pairwise message) ----

export interface Distribution {
  readonly channelId: string;
  readonly chainId: Bytes;
  readonly index: number;
  readonly chainKey: Bytes;
  readonly signingKey: Bytes;
}

/** CHAIN_VERSION ‖ TYPE_SENDER_KEY ‖ channel_id ‖ chain_id ‖ u32 index ‖ CK ‖ Ed25519 SIGC_pub (32). */
export const DISTRIBUTION_LENGTH = 2 + ID_LENGTH + CHAIN_ID_LENGTH + 4 + SYMMETRIC_KEY_LENGTH + CHAIN_SIGNING_KEY_LENGTH;

export function encodeDistribution(d: Distribution): Bytes {
  assertLength('chain id', d.chainId, CHAIN_ID_LENGTH);
  assertLength('chain key', d.chainKey, SYMMETRIC_KEY_LENGTH);
  assertLength('signing key', d.signingKey, CHAIN_SIGNING_KEY_LENGTH);
  return concat(chainPrefix(TYPE_SENDER_KEY), uuidToBytes(d.channelId), d.chainId, u32(d.index), d.chainKey, d.signingKey);
}

function uuidFrom(data: Bytes): string {
  const h = Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function decodeDistribution(data: Bytes): DecryptResult<Distribution> {
  const p = checkPrefix(data, TYPE_SENDER_KEY, CHAIN_VERSION);
  if (!p.ok) return p;
  if (data.length !== DISTRIBUTION_LENGTH) return fail('malformed');
  let at = 2;
  const channelId = uuidFrom(data.slice(at, (at += ID_LENGTH)));
  const chainId = data.slice(at, (at += CHAIN_ID_LENGTH));
  const index = readU32(data, at);
  at += 4;
  const chainKey = data.slice(at, (at += SYMMETRIC_KEY_LENGTH));
  const signingKey = data.slice(at, (at += CHAIN_SIGNING_KEY_LENGTH));
  return ok({ channelId, chainId, index, chainKey, signingKey });
}

/**
 * A distribution envelope's plaintext: one or more items (the current chain first, then earlier chains
 * the recipient already held), all for one channel. A single item is exactly encodeDistribution.
 */
export function encodeDistributions(items: readonly Distribution[]): Bytes {
  if (items.length === 0) throw new Error('encodeDistributions: no item');
  return concat(...items.map(encodeDistribution));
}

export function decodeDistributions(data: Bytes): DecryptResult<Distribution[]> {
  const v = checkVersion(data, CHAIN_VERSION);
  if (!v.ok) return v;
  if (data.length % DISTRIBUTION_LENGTH !== 0) return fail('malformed');
  const items: Distribution[] = [];
  for (let at = 0; at < data.length; at += DISTRIBUTION_LENGTH) {
    const item = decodeDistribution(data.slice(at, at + DISTRIBUTION_LENGTH));
    if (!item.ok) return item;
    if (items.length > 0 && item.value.channelId !== items[0]!.channelId) return fail('malformed');
    items.push(item.value);
  }
  return ok(items);
}
