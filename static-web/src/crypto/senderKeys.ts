// Sender-key chains (docs/crypto.md §4): one chain per (channel, sending device); every message is
// sealed with a key from the symmetric ratchet and signed by the chain's signing key. Functions here are
// pure over state values: they return the next state and never mutate their input, so a failed
// decryption leaves the caller's state untouched (cf. libsignal group_cipher.rs).

import { equalBytes, toHex, type Bytes } from './bytes';
import { CHAIN_ID_LENGTH, GROUP_MESSAGE_KEYS_INFO, MAX_FORWARD_JUMP, MAX_PREVIOUS_CHAINS, MAX_SKIPPED_KEYS } from './labels';
import { aesGcmOpen, aesGcmSeal, ecdsaSign, ecdsaVerify, generateSigningKeyPair, importVerifyKey, randomBytes, type KeyPair, type VerifyKey } from './primitives';
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
  readonly version: 1;
  readonly channelId: string;
  readonly chainId: Bytes;
  /** Index of the next message to send. */
  readonly index: number;
  /** Chain key at `index`. */
  readonly chainKey: Bytes;
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
  readonly version: 1;
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
    version: 1,
    channelId,
    chainId: randomBytes(CHAIN_ID_LENGTH),
    index: 0,
    chainKey: randomBytes(32),
    signing: await generateSigningKeyPair(),
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
    version: 1,
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

export async function groupEncrypt(chain: OwnChain, ctx: GroupContext, plaintext: Bytes): Promise<{ chain: OwnChain; message: Bytes }> {
  if (ctx.channelId !== chain.channelId) throw new Error('groupEncrypt: chain belongs to another channel');
  const { messageKey, nextChainKey } = await kdfChain(chain.chainKey);
  const { key, nonce } = await messageKeys(GROUP_MESSAGE_KEYS_INFO, messageKey);
  const aad = groupAad(ctx, chain.chainId, chain.index);
  const sealed = await aesGcmSeal(key, nonce, plaintext, aad);
  const signature = await ecdsaSign(chain.signing.privateKey, groupSignatureInput(aad, sealed));
  const message = encodeGroupMessage({ chainId: chain.chainId, index: chain.index, sealed, signature });
  return { chain: { ...chain, index: chain.index + 1, chainKey: nextChainKey }, message };
}

// Imported verification keys, by public key bytes: verifying 1,000 messages of one chain imports once.
const verifyKeys = new Map<string, VerifyKey>();
async function verifyKeyFor(raw: Bytes): Promise<VerifyKey | null> {
  const id = toHex(raw);
  const cached = verifyKeys.get(id);
  if (cached) return cached;
  const key = await importVerifyKey(raw);
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

/** The message key for `index` and the chain after it, or why there is none (checks after the signature, in order). */
async function deriveFor(chain: ReceivedChain, index: number): Promise<DecryptResult<{ messageKey: Bytes; next: ReceivedChain }>> {
  if (index < chain.firstIndex) return fail('before_device_joined');
  if (index < chain.nextIndex) {
    const found = chain.skipped.find((s) => s.index === index);
    if (!found) return fail('duplicate');
    return ok({ messageKey: found.messageKey, next: { ...chain, skipped: chain.skipped.filter((s) => s.index !== index) } });
  }
  if (index - chain.nextIndex > MAX_FORWARD_JUMP) return fail('too_far_ahead');
  const skipped = [...chain.skipped];
  let chainKey = chain.chainKey;
  for (let i = chain.nextIndex; i < index; i++) {
    const step = await kdfChain(chainKey);
    skipped.push({ index: i, messageKey: step.messageKey });
    chainKey = step.nextChainKey;
  }
  const step = await kdfChain(chainKey);
  return ok({ messageKey: step.messageKey, next: { ...chain, nextIndex: index + 1, chainKey: step.nextChainKey, skipped: capSkipped(skipped) } });
}

/**
 * The checks of docs/crypto.md §4 that depend only on the chain's fixed fields: the chain must be the
 * message's (found by the caller from chain_id, else `unknown_chain`), channel and sender must match,
 * the signature must verify. Needs no chain state, so messages of one chain can be verified concurrently.
 */
export async function groupVerify(chain: ReceivedChain | null, ctx: GroupContext, m: GroupMessage): Promise<DecryptResult<true>> {
  if (!chain || !equalBytes(chain.chainId, m.chainId)) return fail('unknown_chain');
  if (chain.channelId !== ctx.channelId) return fail('wrong_channel');
  if (chain.senderUserId !== ctx.senderUserId || chain.senderDeviceId !== ctx.senderDeviceId) return fail('wrong_sender');
  const verifyKey = await verifyKeyFor(chain.signingKey);
  const aad = groupAad(ctx, m.chainId, m.index);
  if (!verifyKey || !(await ecdsaVerify(verifyKey, m.signature, groupSignatureInput(aad, m.sealed)))) return fail('bad_signature');
  return ok(true);
}

/** The remaining checks, in order (join point, duplicate, reach, AEAD) for a message groupVerify accepted. */
export async function groupOpen(chain: ReceivedChain, ctx: GroupContext, m: GroupMessage): Promise<DecryptResult<{ chain: ReceivedChain; plaintext: Bytes }>> {
  const d = await deriveFor(chain, m.index);
  if (!d.ok) return d;
  const { key, nonce } = await messageKeys(GROUP_MESSAGE_KEYS_INFO, d.value.messageKey);
  const plaintext = await aesGcmOpen(key, nonce, m.sealed, groupAad(ctx, m.chainId, m.index));
  if (!plaintext) return fail('bad_mac');
  return ok({ chain: d.value.next, plaintext });
}

/** Every check of docs/crypto.md §4, in order. Pure: the caller stores the returned chain. */
export async function groupDecrypt(
  chain: ReceivedChain | null,
  ctx: GroupContext,
  m: GroupMessage,
): Promise<DecryptResult<{ chain: ReceivedChain; plaintext: Bytes }>> {
  const v = await groupVerify(chain, ctx, m);
  if (!v.ok) return v;
  return groupOpen(chain!, ctx, m);
}
