// Sender-key chains (docs/crypto.md §4): one chain per (channel, sending device); every message is
// sealed with a key from the symmetric ratchet and signed by the chain's signing key. Functions here are
// pure over state values: they return the next state and never mutate their input, so a failed
// decryption leaves the caller's state untouched (cf. libsignal group_cipher.rs).

import { equalBytes, toHex, type Bytes } from './bytes';
import { CHAIN_ID_LENGTH, GROUP_MESSAGE_KEYS_INFO, MAX_FORWARD_JUMP, MAX_PREVIOUS_CHAINS, MAX_SKIPPED_KEYS } from './labels';
import { aesGcmOpen, aesGcmSeal, ed25519Sign, ed25519Verify, generateChainSigningKeyPair, importAesKey, importChainVerifyKey, randomBytes, type AesKey, type KeyPair, type VerifyKey } from './primitives';
import { kdfChain, messageKeys } from './ratchet';
import { fail, ok, type DecryptResult } from './result';
import { encodeGroupMessage, groupAad, groupSignatureInput, type Distribution, type GroupContext, type GroupMessage } from './wire';

export interface ChainRecipient {
  readonly deviceId: string;
  readonly index: number;
  readonly chainKey: Bytes;
}

export interface PreviousChain {
  readonly chainId: Bytes;
  readonly signingKey: Bytes;
  readonly recipients: readonly ChainRecipient[];
}

/** The sending side of a chain, kept by the device that owns it. */
export interface OwnChain {
  /** 2: the signing key is Ed25519 (layout 1, P-256 ECDSA, is never read back: see storage/indexedDbStore.ts). */
  readonly version: 2;
  readonly channelId: string;
  readonly chainId: Bytes;
  /** Index of the next message to send. */
  readonly index: number;
  /** Chain key at `index`. */
  readonly chainKey: Bytes;
  /** Ed25519: non-extractable private key, 32-byte public key. */
  readonly signing: KeyPair;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  /** Devices that hold this chain, with the index and chain key they received it at. */
  readonly recipients: readonly ChainRecipient[];
  /**
   * Earlier chains of this channel (newest first, at most MAX_PREVIOUS_CHAINS). The server keeps one
   * envelope per (sender, recipient) device, so a new distribution also carries, for each recipient,
   * the earlier chains it had been given: a device offline across a rotation still reads them.
   */
  readonly previous: readonly PreviousChain[];
  /**
   * The pairwise-encrypted distributions, base64 as posted. The server keeps one set per (channel,
   * device) and a post replaces it, so every post repeats the earlier envelopes of this chain.
   */
  readonly envelopes: readonly { readonly recipientDeviceId: string; readonly envelope: string }[];
  /** false while `envelopes` has entries the server has not accepted yet (posted again before the next send). */
  readonly envelopesPosted: boolean;
  /** Set when a member or device left: the next send starts a new chain. */
  readonly rotationDue: boolean;
}

export interface SkippedKey {
  readonly index: number;
  readonly messageKey: Bytes;
}

/** The receiving side of a chain, as learned from a distribution (or, for the sender itself, at creation). */
export interface ReceivedChain {
  /** 2: signingKey is a 32-byte Ed25519 public key. */
  readonly version: 2;
  readonly chainId: Bytes;
  readonly channelId: string;
  readonly senderUserId: string;
  readonly senderDeviceId: string;
  /** The index this device received the chain at; anything earlier is `before_device_joined`. */
  readonly firstIndex: number;
  /** Index of the next message expected; chainKey is the chain key at this index. */
  readonly nextIndex: number;
  readonly chainKey: Bytes;
  readonly signingKey: Bytes;
  /** Keys of skipped indexes below nextIndex, oldest first, at most MAX_SKIPPED_KEYS. */
  readonly skipped: readonly SkippedKey[];
}

export async function createOwnChain(channelId: string, now: number): Promise<OwnChain> {
  return {
    version: 2,
    channelId,
    chainId: randomBytes(CHAIN_ID_LENGTH),
    index: 0,
    chainKey: randomBytes(32),
    signing: await generateChainSigningKeyPair(),
    createdAt: now,
    recipients: [],
    previous: [],
    envelopes: [],
    envelopesPosted: true,
    rotationDue: false,
  };
}

/** A new chain that remembers the one it replaces (for recipients of both, see OwnChain.previous). */
export async function rotateOwnChain(old: OwnChain | null, channelId: string, now: number): Promise<OwnChain> {
  const fresh = await createOwnChain(channelId, now);
  if (!old) return fresh;
  const summary: PreviousChain = { chainId: old.chainId, signingKey: old.signing.publicKey, recipients: old.recipients };
  return { ...fresh, previous: [summary, ...old.previous].slice(0, MAX_PREVIOUS_CHAINS) };
}

/** What one recipient device gets: the current chain at its current index, then earlier chains it already held. */
export function distributionsFor(chain: OwnChain, deviceId: string): Distribution[] {
  const out = [distributionOf(chain)];
  for (const p of chain.previous) {
    const r = p.recipients.find((x) => x.deviceId === deviceId);
    if (r) out.push({ channelId: chain.channelId, chainId: p.chainId, index: r.index, chainKey: r.chainKey, signingKey: p.signingKey });
  }
  return out;
}

/** The chain at its current index: whoever receives it reads from there on, never before. */
export function distributionOf(chain: OwnChain): Distribution {
  return { channelId: chain.channelId, chainId: chain.chainId, index: chain.index, chainKey: chain.chainKey, signingKey: chain.signing.publicKey };
}

/** A received chain from a distribution; the sender ids come from the pairwise session, never from the payload. */
export function receivedChainFrom(d: Distribution, senderUserId: string, senderDeviceId: string): ReceivedChain {
  return {
    version: 2,
    chainId: d.chainId,
    channelId: d.channelId,
    senderUserId,
    senderDeviceId,
    firstIndex: d.index,
    nextIndex: d.index,
    chainKey: d.chainKey,
    signingKey: d.signingKey,
    skipped: [],
  };
}

// ---- message keys derived ahead of time ----
//
// KDF_CK, KEYS and the AES key import are six crypto.subtle calls; doing them after a send or a read,
// for the chain's next index, leaves AES-GCM and the signature (or its verification) on the path the
// user waits on. One entry per chain and side (sending, reading), for the next index only, replaced
// whenever the chain moves on, so no entry outlives the state it derives from (it holds nothing that
// chain state does not already derive); it is used only if its chain key equals the state's. Memory
// only, at most AHEAD_LIMIT entries, cleared at logout.
//
// The derivation starts in a later task, not at once: Chromium runs these calls synchronously on the
// calling thread, so started at once they would run in the microtasks of the send or read that
// scheduled them, before its caller resumes. Needed before that task ran (messages back to back), the
// entry is derived on demand instead; either way exactly once.

interface StepKeys {
  readonly index: number;
  readonly chainKey: Bytes;
  readonly messageKey: Bytes;
  readonly nextChainKey: Bytes;
  readonly aesKey: AesKey;
  readonly nonce: Bytes;
}

type Side = 'send' | 'read';
interface Ahead {
  readonly index: number;
  readonly chainKey: Bytes;
  /** Starts the derivation on the first call; every call returns the same promise. */
  readonly step: () => Promise<StepKeys | null>;
}
const AHEAD_LIMIT = 256;
const ahead = new Map<string, Ahead>();
const aheadId = (side: Side, chainId: Bytes) => `${side}:${toHex(chainId)}`;

async function deriveStep(index: number, chainKey: Bytes): Promise<StepKeys> {
  const { messageKey, nextChainKey } = await kdfChain(chainKey);
  const { key, nonce } = await messageKeys(GROUP_MESSAGE_KEYS_INFO, messageKey);
  return { index, chainKey, messageKey, nextChainKey, aesKey: await importAesKey(key), nonce };
}

/** The keys at (chain, index) if they were derived ahead from this very chain key. */
async function heldAhead(side: Side, chainId: Bytes, index: number, chainKey: Bytes): Promise<StepKeys | null> {
  const held = ahead.get(aheadId(side, chainId));
  return held && held.index === index && equalBytes(held.chainKey, chainKey) ? held.step() : null;
}

/** The chain is now at (nextIndex, nextChainKey): its entry becomes that index's keys, derived in the background. */
function deriveAhead(side: Side, chainId: Bytes, nextIndex: number, nextChainKey: Bytes): void {
  const id = aheadId(side, chainId);
  const held = ahead.get(id);
  if (held && held.index === nextIndex && equalBytes(held.chainKey, nextChainKey)) return;
  ahead.delete(id);
  if (ahead.size >= AHEAD_LIMIT) ahead.delete(ahead.keys().next().value as string);
  // A failure here only means the keys are derived again when needed.
  let started: Promise<StepKeys | null> | null = null;
  const step = () => (started ??= deriveStep(nextIndex, nextChainKey).catch(() => null));
  ahead.set(id, { index: nextIndex, chainKey: nextChainKey, step });
  if (!deriveScheduled) {
    deriveScheduled = true;
    setTimeout(deriveEveryHeldStep, 0);
  }
}

/** Whether a task to derive the entries not started yet is pending (one for any number of entries). */
let deriveScheduled = false;
function deriveEveryHeldStep(): void {
  deriveScheduled = false;
  for (const held of ahead.values()) void held.step();
}

/** Logout: forgets every key derived ahead. */
export function forgetKeysAhead(): void {
  ahead.clear();
}

/** Test support: how many chains have keys derived ahead. */
export function chainsWithKeysAhead(): number {
  return ahead.size;
}

export async function groupEncrypt(chain: OwnChain, ctx: GroupContext, plaintext: Bytes): Promise<{ chain: OwnChain; message: Bytes }> {
  if (ctx.channelId !== chain.channelId) throw new Error('groupEncrypt: chain belongs to another channel');
  const step = (await heldAhead('send', chain.chainId, chain.index, chain.chainKey)) ?? (await deriveStep(chain.index, chain.chainKey));
  const aad = groupAad(ctx, chain.chainId, chain.index);
  const sealed = await aesGcmSeal(step.aesKey, step.nonce, plaintext, aad);
  const signature = await ed25519Sign(chain.signing.privateKey, groupSignatureInput(aad, sealed));
  const message = encodeGroupMessage({ chainId: chain.chainId, index: chain.index, sealed, signature });
  deriveAhead('send', chain.chainId, chain.index + 1, step.nextChainKey);
  return { chain: { ...chain, index: chain.index + 1, chainKey: step.nextChainKey }, message };
}

// Imported verification keys, by public key bytes: verifying 1,000 messages of one chain imports once.
const verifyKeys = new Map<string, VerifyKey>();
async function verifyKeyFor(raw: Bytes): Promise<VerifyKey | null> {
  const id = toHex(raw);
  const cached = verifyKeys.get(id);
  if (cached) return cached;
  const key = await importChainVerifyKey(raw);
  if (key) {
    if (verifyKeys.size >= 512) verifyKeys.delete(verifyKeys.keys().next().value as string);
    verifyKeys.set(id, key);
  }
  return key;
}

/** Keeps at most MAX_SKIPPED_KEYS, dropping the oldest first. */
function capSkipped(skipped: SkippedKey[]): SkippedKey[] {
  return skipped.length > MAX_SKIPPED_KEYS ? skipped.slice(skipped.length - MAX_SKIPPED_KEYS) : skipped;
}

interface KeyForIndex {
  /** Started, not awaited: in a batch the ratchet steps run in order while these run concurrently. */
  readonly keys: Promise<{ readonly aesKey: Bytes | AesKey; readonly nonce: Bytes }>;
  readonly next: ReceivedChain;
}

/** The message key for `index` and the chain after it, or why there is none (checked in order). */
async function deriveFor(chain: ReceivedChain, index: number): Promise<DecryptResult<KeyForIndex>> {
  if (index < chain.firstIndex) return fail('before_device_joined');
  if (index < chain.nextIndex) {
    const found = chain.skipped.find((s) => s.index === index);
    if (!found) return fail('duplicate');
    const keys = messageKeys(GROUP_MESSAGE_KEYS_INFO, found.messageKey).then((k) => ({ aesKey: k.key, nonce: k.nonce }));
    return ok({ keys, next: { ...chain, skipped: chain.skipped.filter((s) => s.index !== index) } });
  }
  if (index - chain.nextIndex > MAX_FORWARD_JUMP) return fail('too_far_ahead');
  const skipped = [...chain.skipped];
  let chainKey = chain.chainKey;
  for (let i = chain.nextIndex; i < index; i++) {
    const step = await kdfChain(chainKey);
    skipped.push({ index: i, messageKey: step.messageKey });
    chainKey = step.nextChainKey;
  }
  const prepared = await heldAhead('read', chain.chainId, index, chainKey);
  const step = prepared ?? (await kdfChain(chainKey));
  const keys = prepared ? Promise.resolve(prepared) : messageKeys(GROUP_MESSAGE_KEYS_INFO, step.messageKey).then((k) => ({ aesKey: k.key, nonce: k.nonce }));
  return ok({ keys, next: { ...chain, nextIndex: index + 1, chainKey: step.nextChainKey, skipped: capSkipped(skipped) } });
}

async function openWith(keys: KeyForIndex['keys'], ctx: GroupContext, m: GroupMessage): Promise<Bytes | null> {
  const { aesKey, nonce } = await keys;
  return aesGcmOpen(aesKey, nonce, m.sealed, groupAad(ctx, m.chainId, m.index));
}

/**
 * The checks of docs/crypto.md §4 that need no signature: the chain must be the message's (found by
 * the caller from chain_id, else `unknown_chain`), channel and sender must match.
 */
function groupCheckChain(chain: ReceivedChain | null, ctx: GroupContext, m: GroupMessage): DecryptResult<ReceivedChain> {
  if (!chain || !equalBytes(chain.chainId, m.chainId)) return fail('unknown_chain');
  if (chain.channelId !== ctx.channelId) return fail('wrong_channel');
  if (chain.senderUserId !== ctx.senderUserId || chain.senderDeviceId !== ctx.senderDeviceId) return fail('wrong_sender');
  return ok(chain);
}

/**
 * Chain, channel, sender and signature: they depend only on the chain's fixed fields, so messages of
 * one chain can be verified concurrently, and concurrently with their decryption.
 */
export async function groupVerify(chain: ReceivedChain | null, ctx: GroupContext, m: GroupMessage): Promise<DecryptResult<true>> {
  const checked = groupCheckChain(chain, ctx, m);
  if (!checked.ok) return checked;
  const verifyKey = await verifyKeyFor(checked.value.signingKey);
  const aad = groupAad(ctx, m.chainId, m.index);
  if (!verifyKey || !(await ed25519Verify(verifyKey, m.signature, groupSignatureInput(aad, m.sealed)))) return fail('bad_signature');
  return ok(true);
}

/**
 * The remaining checks, in order (join point, duplicate, reach, AEAD). Pure: it returns the next chain
 * and changes nothing. Its plaintext must not be released unless groupVerify accepted the message, and
 * the returned chain is stored only then (see groupDecrypt and E2ee.decryptMessage).
 */
export async function groupOpen(chain: ReceivedChain, ctx: GroupContext, m: GroupMessage): Promise<DecryptResult<{ chain: ReceivedChain; plaintext: Bytes }>> {
  const d = await deriveFor(chain, m.index);
  if (!d.ok) return d;
  const plaintext = await openWith(d.value.keys, ctx, m);
  if (!plaintext) return fail('bad_mac');
  return ok({ chain: d.value.next, plaintext });
}

/**
 * Called once a message opened by groupOpen was accepted and `kept` is the chain state being stored:
 * the keys of its next index are derived ahead (replacing any held for an earlier index).
 */
export function groupAccepted(kept: ReceivedChain): void {
  deriveAhead('read', kept.chainId, kept.nextIndex, kept.chainKey);
}

/**
 * Every check of docs/crypto.md §4 with the same outcome as running them in order: the signature is
 * verified while the message is decrypted, and a plaintext is returned only when both succeeded (a bad
 * signature reports `bad_signature` whatever the decryption found). Pure: the caller stores the chain.
 */
export async function groupDecrypt(
  chain: ReceivedChain | null,
  ctx: GroupContext,
  m: GroupMessage,
): Promise<DecryptResult<{ chain: ReceivedChain; plaintext: Bytes }>> {
  const checked = groupCheckChain(chain, ctx, m);
  if (!checked.ok) return checked;
  const [verified, opened] = await Promise.all([groupVerify(checked.value, ctx, m), groupOpen(checked.value, ctx, m)]);
  if (!verified.ok) return verified;
  if (opened.ok) groupAccepted(opened.value.chain);
  return opened;
}

export interface BatchMessage {
  readonly ctx: GroupContext;
  readonly message: GroupMessage;
}

/**
 * Messages of one chain, in the given order, with exactly the outcome of groupDecrypt on each in turn
 * (a success, which `accept` may still refuse, advances the chain; any failure leaves it as it was).
 * Fast path: the ratchet steps run in order assuming every message is accepted; each message's
 * signature check and AEAD open start as the ratchet reaches it and run while it moves on (Chromium
 * computes each Web Crypto call on the calling thread and resolves it in a microtask: started all at
 * once, a thousand verifications would run before the ratchet's next step). If a message that moved
 * the chain then fails, the batch is redone one message at a time with the signature results already
 * known. Pure: the caller stores the chain.
 */
export async function groupDecryptBatch<T>(
  chain: ReceivedChain,
  batch: readonly BatchMessage[],
  accept: (plaintext: Bytes) => DecryptResult<T>,
): Promise<{ chain: ReceivedChain; results: DecryptResult<T>[]; advanced: boolean }> {
  const verified: Promise<DecryptResult<true>>[] = [];
  let state = chain;
  const outcomes: Promise<DecryptResult<T>>[] = [];
  const moved: number[] = [];
  for (const [i, b] of batch.entries()) {
    const check = groupCheckChain(chain, b.ctx, b.message);
    const v = check.ok ? groupVerify(chain, b.ctx, b.message) : Promise.resolve(fail<true>(check.reason));
    verified.push(v);
    if (!check.ok) {
      outcomes.push(Promise.resolve(fail(check.reason)));
      continue;
    }
    const d = await deriveFor(state, b.message.index);
    if (!d.ok) {
      outcomes.push(v.then((x) => (x.ok ? fail(d.reason) : fail(x.reason))));
      continue;
    }
    state = d.value.next;
    moved.push(i);
    const opened = openWith(d.value.keys, b.ctx, b.message);
    outcomes.push(Promise.all([v, opened]).then(([x, plaintext]) => (!x.ok ? fail(x.reason) : !plaintext ? fail('bad_mac') : accept(plaintext))));
  }
  const results = await Promise.all(outcomes);
  if (moved.every((i) => results[i]!.ok)) return { chain: state, results, advanced: moved.length > 0 };

  state = chain;
  let advanced = false;
  for (const [i, b] of batch.entries()) {
    const v = await verified[i]!;
    if (!v.ok) {
      results[i] = fail(v.reason);
      continue;
    }
    const o = await groupOpen(state, b.ctx, b.message);
    const r = o.ok ? accept(o.value.plaintext) : fail<T>(o.reason);
    results[i] = r;
    if (o.ok && r.ok) {
      state = o.value.chain;
      advanced = true;
    }
  }
  return { chain: state, results, advanced };
}
