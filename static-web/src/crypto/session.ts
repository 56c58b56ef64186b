// Pairwise Double Ratchet over a SessionState value (docs/crypto.md §3; Signal's Double Ratchet with
// P-256). Every function returns a new state and leaves its input untouched: the caller stores the
// new state only once a message decrypted, so a failure changes nothing.

import { concat, equalBytes, type Bytes } from './bytes';
import { MAX_FORWARD_JUMP, MAX_SESSION_STATES, MAX_SKIPPED_KEYS, MESSAGE_KEYS_INFO } from './labels';
import { aesGcmOpen, aesGcmSeal, ecdh, generateEcdhKeyPair, type KeyPair } from './primitives';
import { kdfChain, kdfRoot, messageKeys } from './ratchet';
import { fail, ok, type DecryptFailureReason, type DecryptResult } from './result';
import { decodePairwiseMessage, encodePreKeyMessage, encodeRatchetMessage, ratchetMessagePrefix, type RatchetHeader, type RatchetMessage } from './wire';
import { x3dhInitiate, x3dhRespond } from './x3dh';

export interface SkippedMessageKey {
  readonly ratchetKey: Bytes;
  readonly n: number;
  readonly messageKey: Bytes;
}

/** What the initiator repeats in front of every message until the responder has answered. */
export interface PendingPreKey {
  readonly identityKey: Bytes;
  readonly ephemeralKey: Bytes;
  readonly signedPreKey: Bytes;
  readonly oneTimePreKey: Bytes | null;
}

export interface SessionState {
  readonly version: 1;
  /** AD of X3DH: IK_A ‖ IK_B ‖ device_A ‖ device_B. */
  readonly associatedData: Bytes;
  /** EK_A of the X3DH run that created this state; a pre-key message names its session by it. */
  readonly baseKey: Bytes;
  readonly rootKey: Bytes;
  readonly sendingRatchet: KeyPair;
  readonly sendingChainKey: Bytes | null;
  readonly sendingIndex: number;
  readonly previousSendingLength: number;
  readonly receivingRatchetKey: Bytes | null;
  readonly receivingChainKey: Bytes | null;
  readonly receivingIndex: number;
  /** Remote ratchet keys already replaced; a message under one with no skipped key is a duplicate. */
  readonly retiredRatchetKeys: readonly Bytes[];
  readonly skipped: readonly SkippedMessageKey[];
  readonly pendingPreKey: PendingPreKey | null;
}

/** All states of one device pair, the one to send with first (libsignal's current + previous states). */
export interface SessionRecord {
  readonly version: 1;
  readonly remoteUserId: string;
  readonly remoteDeviceId: string;
  readonly remoteIdentityKey: Bytes;
  readonly states: readonly SessionState[];
}

const RETIRED_KEYS_KEPT = 20;

export async function initiatorState(p: {
  sharedSecret: Bytes;
  associatedData: Bytes;
  remoteSignedPreKey: Bytes;
  pending: PendingPreKey;
}): Promise<SessionState> {
  const sendingRatchet = await generateEcdhKeyPair();
  const dh = await ecdh(sendingRatchet.privateKey, p.remoteSignedPreKey);
  if (!dh) throw new Error('initiatorState: signed pre-key must have been validated');
  const { rootKey, chainKey } = await kdfRoot(p.sharedSecret, dh);
  return {
    version: 1,
    associatedData: p.associatedData,
    baseKey: p.pending.ephemeralKey,
    rootKey,
    sendingRatchet,
    sendingChainKey: chainKey,
    sendingIndex: 0,
    previousSendingLength: 0,
    receivingRatchetKey: p.remoteSignedPreKey,
    receivingChainKey: null,
    receivingIndex: 0,
    retiredRatchetKeys: [],
    skipped: [],
    pendingPreKey: p.pending,
  };
}

export function responderState(p: { sharedSecret: Bytes; associatedData: Bytes; signedPreKey: KeyPair; baseKey: Bytes }): SessionState {
  return {
    version: 1,
    associatedData: p.associatedData,
    baseKey: p.baseKey,
    rootKey: p.sharedSecret,
    sendingRatchet: p.signedPreKey,
    sendingChainKey: null,
    sendingIndex: 0,
    previousSendingLength: 0,
    receivingRatchetKey: null,
    receivingChainKey: null,
    receivingIndex: 0,
    retiredRatchetKeys: [],
    skipped: [],
    pendingPreKey: null,
  };
}

function aadFor(state: SessionState, header: RatchetHeader): Bytes {
  return concat(state.associatedData, ratchetMessagePrefix(header));
}

/** Encrypts one pairwise message; the bytes are TYPE_PREKEY until the responder has answered. */
export async function sessionEncrypt(state: SessionState, plaintext: Bytes): Promise<{ state: SessionState; message: Bytes }> {
  if (!state.sendingChainKey) throw new Error('sessionEncrypt: a responder state sends only after it received');
  const { messageKey, nextChainKey } = await kdfChain(state.sendingChainKey);
  const header: RatchetHeader = { dh: state.sendingRatchet.publicKey, pn: state.previousSendingLength, n: state.sendingIndex };
  const { key, nonce } = await messageKeys(MESSAGE_KEYS_INFO, messageKey);
  const sealed = await aesGcmSeal(key, nonce, plaintext, aadFor(state, header));
  const inner: RatchetMessage = { header, sealed };
  const message = state.pendingPreKey ? encodePreKeyMessage({ ...state.pendingPreKey, message: inner }) : encodeRatchetMessage(inner);
  return { state: { ...state, sendingChainKey: nextChainKey, sendingIndex: state.sendingIndex + 1 }, message };
}

function capSkipped(skipped: SkippedMessageKey[]): SkippedMessageKey[] {
  return skipped.length > MAX_SKIPPED_KEYS ? skipped.slice(skipped.length - MAX_SKIPPED_KEYS) : skipped;
}

async function skipTo(
  chainKey: Bytes,
  from: number,
  until: number,
  ratchetKey: Bytes,
  skipped: SkippedMessageKey[],
): Promise<Bytes> {
  let ck = chainKey;
  for (let n = from; n < until; n++) {
    const step = await kdfChain(ck);
    skipped.push({ ratchetKey, n, messageKey: step.messageKey });
    ck = step.nextChainKey;
  }
  return ck;
}

/** Decrypts one pairwise message with one state. */
export async function sessionDecrypt(state: SessionState, m: RatchetMessage): Promise<DecryptResult<{ state: SessionState; plaintext: Bytes }>> {
  const { header } = m;
  const aad = aadFor(state, header);
  const open = async (messageKey: Bytes): Promise<Bytes | null> => {
    const { key, nonce } = await messageKeys(MESSAGE_KEYS_INFO, messageKey);
    return aesGcmOpen(key, nonce, m.sealed, aad);
  };

  const kept = state.skipped.find((s) => s.n === header.n && equalBytes(s.ratchetKey, header.dh));
  if (kept) {
    const plaintext = await open(kept.messageKey);
    if (!plaintext) return fail('bad_mac');
    return ok({ state: { ...state, skipped: state.skipped.filter((s) => s !== kept), pendingPreKey: null }, plaintext });
  }

  const skipped = [...state.skipped];
  let next: SessionState = state;
  if (state.receivingRatchetKey && state.receivingChainKey && equalBytes(state.receivingRatchetKey, header.dh)) {
    if (header.n < state.receivingIndex) return fail('duplicate');
  } else if (state.retiredRatchetKeys.some((k) => equalBytes(k, header.dh))) {
    return fail('duplicate');
  } else {
    // A new remote ratchet key: finish the current receiving chain up to pn, then a DH ratchet step.
    if (header.n > MAX_FORWARD_JUMP) return fail('too_far_ahead');
    let retired = state.retiredRatchetKeys;
    if (state.receivingRatchetKey && state.receivingChainKey) {
      if (header.pn < state.receivingIndex) return fail('malformed');
      if (header.pn - state.receivingIndex > MAX_FORWARD_JUMP) return fail('too_far_ahead');
      await skipTo(state.receivingChainKey, state.receivingIndex, header.pn, state.receivingRatchetKey, skipped);
      retired = [...retired, state.receivingRatchetKey].slice(-RETIRED_KEYS_KEPT);
    } else if (state.receivingRatchetKey) {
      retired = [...retired, state.receivingRatchetKey].slice(-RETIRED_KEYS_KEPT);
    }
    const dhReceive = await ecdh(state.sendingRatchet.privateKey, header.dh);
    if (!dhReceive) return fail('malformed');
    const receiving = await kdfRoot(state.rootKey, dhReceive);
    const sendingRatchet = await generateEcdhKeyPair();
    const dhSend = (await ecdh(sendingRatchet.privateKey, header.dh))!;
    const sending = await kdfRoot(receiving.rootKey, dhSend);
    next = {
      ...state,
      rootKey: sending.rootKey,
      sendingRatchet,
      sendingChainKey: sending.chainKey,
      sendingIndex: 0,
      previousSendingLength: state.sendingIndex,
      receivingRatchetKey: header.dh,
      receivingChainKey: receiving.chainKey,
      receivingIndex: 0,
      retiredRatchetKeys: retired,
    };
  }

  if (header.n - next.receivingIndex > MAX_FORWARD_JUMP) return fail('too_far_ahead');
  const chainKey = await skipTo(next.receivingChainKey!, next.receivingIndex, header.n, header.dh, skipped);
  const step = await kdfChain(chainKey);
  const plaintext = await open(step.messageKey);
  if (!plaintext) return fail('bad_mac');
  return ok({
    state: { ...next, receivingChainKey: step.nextChainKey, receivingIndex: header.n + 1, skipped: capSkipped(skipped), pendingPreKey: null },
    plaintext,
  });
}

/** The reason that explains a failure best when several states were tried. */
const REASON_RANK: DecryptFailureReason[] = ['duplicate', 'too_far_ahead', 'bad_mac', 'malformed'];

/** Tries every state of a record (current first); the state that decrypts becomes current. */
export async function recordDecrypt(record: SessionRecord, m: RatchetMessage): Promise<DecryptResult<{ record: SessionRecord; plaintext: Bytes }>> {
  const reasons: DecryptFailureReason[] = [];
  for (const [i, state] of record.states.entries()) {
    const r = await sessionDecrypt(state, m);
    if (r.ok) {
      const states = [r.value.state, ...record.states.filter((_, j) => j !== i)];
      return ok({ record: { ...record, states }, plaintext: r.value.plaintext });
    }
    reasons.push(r.reason);
  }
  if (reasons.length === 0) return fail('no_session');
  const best = REASON_RANK.find((reason) => reasons.includes(reason)) ?? reasons[0]!;
  return fail(best);
}

/** A new current state (a fresh X3DH run); older ones stay for late messages, up to MAX_SESSION_STATES. */
export function withState(record: SessionRecord, state: SessionState): SessionRecord {
  return { ...record, states: [state, ...record.states.filter((s) => !equalBytes(s.baseKey, state.baseKey))].slice(0, MAX_SESSION_STATES) };
}

export function stateWithBaseKey(record: SessionRecord, baseKey: Bytes): SessionState | null {
  return record.states.find((s) => equalBytes(s.baseKey, baseKey)) ?? null;
}

/** Decrypts with the one state a pre-key message names by its base key. */
export async function recordDecryptWithBaseKey(
  record: SessionRecord,
  baseKey: Bytes,
  m: RatchetMessage,
): Promise<DecryptResult<{ record: SessionRecord; plaintext: Bytes }>> {
  const state = stateWithBaseKey(record, baseKey);
  if (!state) return fail('no_session');
  const r = await sessionDecrypt(state, m);
  if (!r.ok) return r;
  return ok({ record: withState(record, r.value.state), plaintext: r.value.plaintext });
}

// ---- starting and answering sessions (X3DH + first ratchet state) ----

export interface OwnSessionKeys {
  readonly deviceId: string;
  readonly identity: KeyPair;
  readonly signedPreKey: KeyPair;
  /** Looks up a one-time pre-key private half by its public bytes. */
  readonly oneTimePreKey: (publicKey: Bytes) => Promise<KeyPair | null>;
}

/** Starts a session as initiator from a bundle the caller has verified (keys.isTrustworthyBundle). */
export async function startSession(
  own: { deviceId: string; identity: KeyPair },
  bundle: { userId: string; deviceId: string; identityKey: Bytes; signedPreKey: Bytes; oneTimePreKey: Bytes | null },
): Promise<SessionRecord | null> {
  const ephemeral = await generateEcdhKeyPair();
  const x = await x3dhInitiate({
    identity: own.identity,
    ephemeral,
    deviceId: own.deviceId,
    remoteIdentityKey: bundle.identityKey,
    remoteSignedPreKey: bundle.signedPreKey,
    remoteOneTimePreKey: bundle.oneTimePreKey,
    remoteDeviceId: bundle.deviceId,
  });
  if (!x) return null;
  const state = await initiatorState({
    sharedSecret: x.sharedSecret,
    associatedData: x.associatedData,
    remoteSignedPreKey: bundle.signedPreKey,
    pending: { identityKey: own.identity.publicKey, ephemeralKey: ephemeral.publicKey, signedPreKey: bundle.signedPreKey, oneTimePreKey: bundle.oneTimePreKey },
  });
  return { version: 1, remoteUserId: bundle.userId, remoteDeviceId: bundle.deviceId, remoteIdentityKey: bundle.identityKey, states: [state] };
}

/** Encrypts with the current state of a record. */
export async function recordEncrypt(record: SessionRecord, plaintext: Bytes): Promise<{ record: SessionRecord; message: Bytes }> {
  const [current, ...older] = record.states;
  if (!current) throw new Error('recordEncrypt: empty session record');
  const r = await sessionEncrypt(current, plaintext);
  return { record: { ...record, states: [r.state, ...older] }, message: r.message };
}

export interface PairwiseDecrypted {
  readonly record: SessionRecord;
  readonly plaintext: Bytes;
  /** The one-time pre-key this message consumed; the caller deletes it with the new record. */
  readonly usedOneTimePreKey: Bytes | null;
}

/**
 * Decrypts a pairwise message (either type) from one remote device. `firstContact` is asked whether
 * an initiator identity key is acceptable when there is no record yet (the caller checks the directory).
 * Pure: nothing is stored; the caller stores `record` (and deletes the used one-time pre-key) on success.
 */
export async function decryptPairwise(
  record: SessionRecord | null,
  own: OwnSessionKeys,
  sender: { userId: string; deviceId: string },
  data: Bytes,
  firstContact: (identityKey: Bytes) => Promise<boolean>,
): Promise<DecryptResult<PairwiseDecrypted>> {
  const decoded = decodePairwiseMessage(data);
  if (!decoded.ok) return decoded;
  if (decoded.value.kind === 'ratchet') {
    if (!record) return fail('no_session');
    const r = await recordDecrypt(record, decoded.value.value);
    return r.ok ? ok({ ...r.value, usedOneTimePreKey: null }) : r;
  }
  const pre = decoded.value.value;
  if (record && !equalBytes(record.remoteIdentityKey, pre.identityKey)) return fail('untrusted_identity');
  if (record && stateWithBaseKey(record, pre.ephemeralKey)) {
    const r = await recordDecryptWithBaseKey(record, pre.ephemeralKey, pre.message);
    return r.ok ? ok({ ...r.value, usedOneTimePreKey: null }) : r;
  }
  if (!equalBytes(pre.signedPreKey, own.signedPreKey.publicKey)) return fail('unknown_prekey');
  const oneTimePreKey = pre.oneTimePreKey ? await own.oneTimePreKey(pre.oneTimePreKey) : null;
  if (pre.oneTimePreKey && !oneTimePreKey) return fail('unknown_prekey');
  if (!record && !(await firstContact(pre.identityKey))) return fail('untrusted_identity');
  const x = await x3dhRespond({
    identity: own.identity,
    signedPreKey: own.signedPreKey,
    oneTimePreKey,
    deviceId: own.deviceId,
    remoteIdentityKey: pre.identityKey,
    remoteEphemeralKey: pre.ephemeralKey,
    remoteDeviceId: sender.deviceId,
  });
  if (!x) return fail('malformed');
  const state = responderState({ sharedSecret: x.sharedSecret, associatedData: x.associatedData, signedPreKey: own.signedPreKey, baseKey: pre.ephemeralKey });
  const r = await sessionDecrypt(state, pre.message);
  if (!r.ok) return r;
  const base: SessionRecord = record ?? { version: 1, remoteUserId: sender.userId, remoteDeviceId: sender.deviceId, remoteIdentityKey: pre.identityKey, states: [] };
  return ok({ record: withState(base, r.value.state), plaintext: r.value.plaintext, usedOneTimePreKey: pre.oneTimePreKey });
}
