// Sender-key chains (docs/crypto.md §4): one chain per (channel, sending device); every message is
// sealed with a key from the symmetric ratchet and signed by the chain's signing key. Functions here are
// pure over state values: they return the next state and never mutate their input, so a failed
// decryption leaves the caller's state untouched (cf. libsignal group_cipher.rs).

import { equalBytes, toHex, type Bytes } from './bytes';
import { CHAIN_ID_LENGTH, GROUP_MESSAGE_KEYS_INFO, MAX_FORWARD_JUMP, MAX_SKIPPED_KEYS } from './labels';
import { aesGcmOpen, aesGcmSeal, ecdsaSign, ecdsaVerify, generateSigningKeyPair, importVerifyKey, randomBytes, type KeyPair, type VerifyKey } from './primitives';
import { kdfChain, messageKeys } from './ratchet';
import { fail, ok, type DecryptResult } from './result';
import { encodeGroupMessage, groupAad, groupSignatureInput, type Distribution, type GroupContext, type GroupMessage } from './wire';

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
  /** Device ids that hold this chain (got a distribution). */
  readonly distributedTo: readonly string[];
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
    distributedTo: [],
    envelopes: [],
    envelopesPosted: true,
    rotationDue: false,
  };
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

/**
 * The checks of docs/crypto.md §4, in order, after decoding: the chain must be the message's (found by
 * the caller from chain_id, else `unknown_chain`), channel and sender must match, the signature must
 * verify, the index must be at or after the join point, unused, and within reach.
 */
export async function groupDecrypt(
  chain: ReceivedChain | null,
  ctx: GroupContext,
  m: GroupMessage,
): Promise<DecryptResult<{ chain: ReceivedChain; plaintext: Bytes }>> {
  if (!chain || !equalBytes(chain.chainId, m.chainId)) return fail('unknown_chain');
  if (chain.channelId !== ctx.channelId) return fail('wrong_channel');
  if (chain.senderUserId !== ctx.senderUserId || chain.senderDeviceId !== ctx.senderDeviceId) return fail('wrong_sender');
  const aad = groupAad(ctx, m.chainId, m.index);
  const verifyKey = await verifyKeyFor(chain.signingKey);
  if (!verifyKey || !(await ecdsaVerify(verifyKey, m.signature, groupSignatureInput(aad, m.sealed)))) return fail('bad_signature');
  if (m.index < chain.firstIndex) return fail('before_device_joined');

  let messageKey: Bytes;
  let next: ReceivedChain;
  if (m.index < chain.nextIndex) {
    const found = chain.skipped.find((s) => s.index === m.index);
    if (!found) return fail('duplicate');
    messageKey = found.messageKey;
    next = { ...chain, skipped: chain.skipped.filter((s) => s.index !== m.index) };
  } else {
    if (m.index - chain.nextIndex > MAX_FORWARD_JUMP) return fail('too_far_ahead');
    const skipped = [...chain.skipped];
    let chainKey = chain.chainKey;
    for (let i = chain.nextIndex; i < m.index; i++) {
      const step = await kdfChain(chainKey);
      skipped.push({ index: i, messageKey: step.messageKey });
      chainKey = step.nextChainKey;
    }
    const step = await kdfChain(chainKey);
    messageKey = step.messageKey;
    next = { ...chain, nextIndex: m.index + 1, chainKey: step.nextChainKey, skipped: capSkipped(skipped) };
  }
  const { key, nonce } = await messageKeys(GROUP_MESSAGE_KEYS_INFO, messageKey);
  const plaintext = await aesGcmOpen(key, nonce, m.sealed, aad);
  if (!plaintext) return fail('bad_mac');
  return ok({ chain: next, plaintext });
}
