// The crypto module's public API (docs/crypto.md §8). The app supplies a KeyDirectory (HTTP) and a
// ProtocolStore (IndexedDB); this module never fetches, touches the DOM or logs key material.
// Base64 appears only here, at the edge with the app.

import { equalBytes, fromBase64, isUuid, toBase64, toHex, utf8Decode, utf8Encode, type Bytes } from './bytes';
import { openAttachment, sealAttachment } from './attachments';
import { generateDeviceKeys, generateOneTimePreKeys, isTrustworthyBundle, verifyPreKeySignature, type BundleKeys } from './keys';
import { ONE_TIME_PREKEYS, ONE_TIME_PREKEYS_LOW_WATER, PROTOCOL_VERSION, ROTATE_AFTER_MESSAGES, ROTATE_AFTER_SECONDS } from './labels';
import { isValidPublicKey } from './primitives';
import { KeyedQueue } from './queue';
import { EncryptionUnavailableError, fail, ok, type DecryptFailureReason, type DecryptResult } from './result';
import { safetyNumber as formatSafetyNumber, userDigest } from './safety';
import { distributionOf, distributionsFor, forgetKeysAhead, groupAccepted, groupDecryptBatch, groupEncrypt, receivedChainFrom, rotateOwnChain, type OwnChain, type ReceivedChain } from './senderKeys';
import { decryptPairwise, recordEncrypt, startSession, type SessionRecord } from './session';
import type { DeviceRecord, ProtocolStore, StoreChanges } from './stores';
import { decodeDistributions, decodeGroupMessage, encodeDistributions, type GroupContext, type GroupMessage } from './wire';

export type { DecryptFailureReason, DecryptResult, EncryptFailureReason } from './result';
export { DECRYPT_FAILURE_REASONS, EncryptionUnavailableError } from './result';
export type { ProtocolStore, StoreChanges, DeviceRecord, ContactRecord } from './stores';
export { MemoryProtocolStore } from './memoryStore';

// ---- the app's side: wire shapes (base64 strings as on the API) ----

export interface DeviceKeyUpload {
  readonly deviceId: string;
  readonly identityKey: string;
  readonly signingKey: string;
  readonly signedPreKey: string;
  readonly signedPreKeySignature: string;
  readonly oneTimePreKeys: readonly string[];
}

/** One device as GET /keys/{user_id}/devices lists it (claims nothing). */
export interface DeviceIdentity {
  readonly deviceId: string;
  readonly identityKey: string;
  readonly signingKey: string | null;
  readonly signedPreKey: string | null;
  readonly signedPreKeySignature: string | null;
}

/** GET /keys/channels/{channel_id}/devices: one member of the channel with its devices. */
export interface MemberDevices {
  readonly userId: string;
  readonly devices: readonly DeviceIdentity[];
}

/** GET /keys/{device_id}/bundle: one device's bundle with one claimed one-time pre-key if any was left. */
export interface PreKeyBundle {
  readonly deviceId: string;
  readonly identityKey: string;
  readonly signingKey: string | null;
  readonly signedPreKey: string;
  readonly signedPreKeySignature: string;
  readonly oneTimePreKey: string | null;
}

/** A sender-key envelope as the reading device receives it; the sender ids are what the server reports. */
export interface ReceivedEnvelope {
  readonly senderUserId: string | null;
  readonly senderDeviceId: string;
  readonly recipientDeviceId: string;
  /** base64 of the chain id */
  readonly senderKeyPublic: string;
  readonly envelope: string;
}

export interface RecipientEnvelope {
  readonly recipientDeviceId: string;
  readonly envelope: string;
}

/** What the module needs from the server; the app implements it over HTTP. */
export interface KeyDirectory {
  uploadDeviceKeys(upload: DeviceKeyUpload): Promise<void>;
  /** POST /keys/one-time; an empty list only asks. Returns how many the server holds for the device. */
  uploadOneTimeKeys(deviceId: string, keys: readonly string[]): Promise<number>;
  listDevices(userId: string): Promise<readonly DeviceIdentity[]>;
  /** Claims one one-time pre-key; null when the device has no bundle. */
  claimBundle(userId: string, deviceId: string): Promise<PreKeyBundle | null>;
  /** Every member of the channel with its devices, in one answer (what each send checks). */
  channelDevices(channelId: string): Promise<readonly MemberDevices[]>;
  /** Replaces every envelope this device distributed in the channel. */
  postSenderKeyEnvelopes(channelId: string, deviceId: string, chainId: string, envelopes: readonly RecipientEnvelope[]): Promise<void>;
  fetchSenderKeyEnvelopes(channelId: string, deviceId: string): Promise<readonly ReceivedEnvelope[]>;
}

export interface AttachmentRef {
  readonly id: string;
  /** base64 AES-256 key */
  readonly key: string;
  /** base64 SHA-256 of the blob */
  readonly sha256: string;
  readonly name: string;
  readonly type: string;
  readonly size: number;
}

export interface MessagePayload {
  readonly text: string;
  readonly attachments?: readonly AttachmentRef[];
}

export interface IncomingMessage {
  readonly channelId: string;
  readonly senderUserId: string;
  readonly senderDeviceId: string | null;
  readonly content: string;
  readonly protocolVersion: number;
}

export interface EncryptedMessage {
  readonly content: string;
  readonly protocolVersion: 3;
  readonly senderDeviceId: string;
}

export interface SafetyNumberChanged {
  readonly userId: string;
}

export interface E2eeOptions {
  readonly userId: string;
  readonly deviceId: string;
  readonly directory: KeyDirectory;
  readonly store: ProtocolStore;
  /** Milliseconds since the epoch; injectable so tests can pass the 7-day rotation. */
  readonly now?: () => number;
}

interface Recipient {
  readonly userId: string;
  readonly device: DeviceIdentity;
  readonly identityKey: Bytes;
  /** The listing as verified (see listingOf). */
  readonly listing: string;
}

/** Everything a device listing says, as one string: equal strings are the same verified keys. */
function listingOf(d: DeviceIdentity): string {
  return `${d.deviceId}|${d.identityKey}|${d.signingKey}|${d.signedPreKey}|${d.signedPreKeySignature}`;
}

function parseAttachmentRef(v: unknown): AttachmentRef | null {
  if (typeof v !== 'object' || v === null) return null;
  const r = v as Record<string, unknown>;
  const strings = ['id', 'key', 'sha256', 'name', 'type'] as const;
  if (!strings.every((k) => typeof r[k] === 'string')) return null;
  if (typeof r['size'] !== 'number' || !Number.isInteger(r['size']) || (r['size'] as number) < 0) return null;
  return { id: r['id'] as string, key: r['key'] as string, sha256: r['sha256'] as string, name: r['name'] as string, type: r['type'] as string, size: r['size'] as number };
}

/** The decrypted plaintext is untrusted until it has this exact shape. */
export function parsePayload(plaintext: Bytes): MessagePayload | null {
  const text = utf8Decode(plaintext);
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v['text'] !== 'string') return null;
  if (v['attachments'] === undefined) return { text: v['text'] };
  if (!Array.isArray(v['attachments'])) return null;
  const attachments: AttachmentRef[] = [];
  for (const a of v['attachments']) {
    const ref = parseAttachmentRef(a);
    if (!ref) return null;
    attachments.push(ref);
  }
  return { text: v['text'], attachments };
}

/** The checks that need no state: protocol version, ids, encoding. */
function parseIncoming(m: IncomingMessage): DecryptResult<{ ctx: GroupContext; message: GroupMessage }> {
  if (m.protocolVersion !== PROTOCOL_VERSION) return fail('legacy_protocol');
  // Ids come from the server: anything but UUIDs is malformed input, not a programming error.
  if (!m.senderDeviceId || !isUuid(m.senderDeviceId) || !isUuid(m.channelId) || !isUuid(m.senderUserId)) return fail('malformed');
  const data = fromBase64(m.content);
  if (!data) return fail('malformed');
  const decoded = decodeGroupMessage(data);
  if (!decoded.ok) return decoded;
  return ok({ ctx: { channelId: m.channelId, senderUserId: m.senderUserId, senderDeviceId: m.senderDeviceId }, message: decoded.value });
}

/** The safety-number digest of a user's verified devices (docs/crypto.md §6). */
function digestOf(devices: readonly Recipient[]): Promise<Bytes> {
  return userDigest(devices.map((d) => ({ identityKey: d.identityKey, signingKey: b64(d.device.signingKey)! })));
}

function b64(text: string | null | undefined): Bytes | null {
  return typeof text === 'string' ? fromBase64(text) : null;
}

export class E2ee {
  private readonly queue = new KeyedQueue();
  private readonly listeners = new Set<(e: SafetyNumberChanged) => void>();
  private readonly now: () => number;
  /**
   * Device listings whose pre-key signature already verified, with their decoded identity key (public
   * data; saves an ECDSA verify and the base64 decoding per device per send).
   */
  private readonly verifiedListings = new Map<string, Bytes>();
  /**
   * Per user, the safety-number digest of the device listings last seen and whether it equalled the
   * contact record then: a send to an unchanged user hashes nothing and reads no contact. Any change of
   * the listings (a device added, removed or re-keyed) computes and compares again.
   */
  private readonly digests = new Map<string, { readonly listings: string; readonly digest: Bytes; known: boolean }>();
  /** Safety-number changes already reported through `on('safety_number_changed')`. */
  private readonly reported = new Set<string>();

  private constructor(
    readonly userId: string,
    readonly deviceId: string,
    private readonly directory: KeyDirectory,
    private readonly store: ProtocolStore,
    now: (() => number) | undefined,
  ) {
    this.now = now ?? (() => Date.now());
  }

  static async open(o: E2eeOptions): Promise<E2ee> {
    const device = await o.store.getDevice();
    if (device && (device.userId !== o.userId || device.deviceId !== o.deviceId)) {
      throw new Error('E2ee.open: the store belongs to another device');
    }
    return new E2ee(o.userId, o.deviceId, o.directory, o.store, o.now);
  }

  on(event: 'safety_number_changed', listener: (e: SafetyNumberChanged) => void): () => void {
    if (event !== 'safety_number_changed') throw new Error(`unknown event ${String(event)}`);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- device keys ----

  /** Creates and uploads this device's keys once; tops one-time pre-keys up to 100 when fewer than 20 remain. */
  ensureDeviceKeys(): Promise<void> {
    return this.queue.run('device', async () => {
      let device = await this.store.getDevice();
      if (!device) {
        const keys = await generateDeviceKeys();
        device = { version: 1, userId: this.userId, deviceId: this.deviceId, ...keys, uploaded: false };
        await this.store.commit({ device });
      }
      if (!device.uploaded) {
        await this.directory.uploadDeviceKeys({
          deviceId: this.deviceId,
          identityKey: toBase64(device.identity.publicKey),
          signingKey: toBase64(device.signing.publicKey),
          signedPreKey: toBase64(device.signedPreKey.publicKey),
          signedPreKeySignature: toBase64(device.signedPreKeySignature),
          oneTimePreKeys: [],
        });
        device = { ...device, uploaded: true };
        await this.store.commit({ device });
      }
      const count = await this.directory.uploadOneTimeKeys(this.deviceId, []);
      if (count < ONE_TIME_PREKEYS_LOW_WATER) {
        const fresh = await generateOneTimePreKeys(ONE_TIME_PREKEYS - count);
        // Private halves are stored before the public halves are published: a claimed key always has its private key.
        await this.store.commit({ putOneTimePreKeys: fresh });
        await this.directory.uploadOneTimeKeys(this.deviceId, fresh.map((k) => toBase64(k.publicKey)));
      }
    });
  }

  private async requireDevice(): Promise<DeviceRecord> {
    const device = await this.store.getDevice();
    if (!device || !device.uploaded) throw new Error('E2ee: call ensureDeviceKeys() first');
    return device;
  }

  // ---- directory reads, verified ----

  /** A user's devices as the server lists them now, verified (verifyListed). */
  private async verifiedDevices(userId: string): Promise<{ devices: Recipient[]; untrusted: DeviceIdentity[] }> {
    return this.verifyListed(userId, await this.directory.listDevices(userId));
  }

  /** The listed devices whose signing key signed IK ‖ SPK; any other device makes the user untrusted. */
  private async verifyListed(userId: string, listed: readonly DeviceIdentity[]): Promise<{ devices: Recipient[]; untrusted: DeviceIdentity[] }> {
    const devices: Recipient[] = [];
    const untrusted: DeviceIdentity[] = [];
    for (const device of listed) {
      const listing = listingOf(device);
      const identityKey = this.verifiedListings.get(listing) ?? (await this.verifyListing(device));
      if (identityKey && this.verifiedListings.size < 10_000) this.verifiedListings.set(listing, identityKey);
      if (identityKey) devices.push({ userId, device, identityKey, listing });
      else untrusted.push(device);
    }
    return { devices, untrusted };
  }

  /** The device's identity key if its signing key signed IK ‖ SPK, else null. */
  private async verifyListing(device: DeviceIdentity): Promise<Bytes | null> {
    const ik = b64(device.identityKey);
    const sig = b64(device.signingKey);
    const spk = b64(device.signedPreKey);
    const spkSig = b64(device.signedPreKeySignature);
    return ik && sig && spk && spkSig && (await isValidPublicKey(ik)) && (await verifyPreKeySignature(sig, ik, spk, spkSig)) ? ik : null;
  }

  // ---- pairwise sessions ----

  /** Encrypts key material for one device, starting a session from a claimed bundle when there is none. */
  private encryptPairwise(recipient: Recipient, plaintext: Bytes): Promise<{ record: SessionRecord; message: Bytes }> {
    return this.queue.run(`session:${recipient.device.deviceId}`, async () => {
      const device = await this.requireDevice();
      let record = await this.store.getSession(recipient.device.deviceId);
      if (record && !equalBytes(record.remoteIdentityKey, recipient.identityKey)) {
        throw new EncryptionUnavailableError('untrusted_identity', recipient.userId, recipient.device.deviceId);
      }
      if (!record || record.states.length === 0) {
        const bundle = await this.directory.claimBundle(recipient.userId, recipient.device.deviceId);
        if (!bundle) throw new EncryptionUnavailableError('no_bundle', recipient.userId, recipient.device.deviceId);
        const keys = this.bundleKeys(recipient.userId, bundle);
        if (!keys || !equalBytes(keys.identityKey, recipient.identityKey) || !(await isTrustworthyBundle(keys))) {
          throw new EncryptionUnavailableError('untrusted_identity', recipient.userId, recipient.device.deviceId);
        }
        record = await startSession({ deviceId: this.deviceId, identity: device.identity }, keys);
        if (!record) throw new EncryptionUnavailableError('untrusted_identity', recipient.userId, recipient.device.deviceId);
      }
      const { record: next, message } = await recordEncrypt(record, plaintext);
      // Stored before the message leaves: a message key is never used twice, even after a crash.
      await this.store.commit({ putSessions: [next] });
      return { record: next, message };
    });
  }

  private bundleKeys(userId: string, b: PreKeyBundle): BundleKeys | null {
    const identityKey = b64(b.identityKey);
    const signingKey = b64(b.signingKey);
    const signedPreKey = b64(b.signedPreKey);
    const signedPreKeySignature = b64(b.signedPreKeySignature);
    const oneTimePreKey = b.oneTimePreKey === null ? null : b64(b.oneTimePreKey);
    if (!identityKey || !signingKey || !signedPreKey || !signedPreKeySignature || (b.oneTimePreKey !== null && !oneTimePreKey)) return null;
    return { userId, deviceId: b.deviceId, identityKey, signingKey, signedPreKey, signedPreKeySignature, oneTimePreKey };
  }

  /**
   * Decrypts a pairwise message from (senderUserId, senderDeviceId). Returns the plaintext and the
   * changes to commit; nothing is stored here, so the caller commits together with what it derives.
   */
  private async decryptPairwise(senderUserId: string, senderDeviceId: string, data: Bytes): Promise<DecryptResult<{ plaintext: Bytes; changes: StoreChanges }>> {
    const device = await this.requireDevice();
    const record = await this.store.getSession(senderDeviceId);
    const r = await decryptPairwise(
      record,
      { deviceId: this.deviceId, identity: device.identity, signedPreKey: device.signedPreKey, oneTimePreKey: (k) => this.store.getOneTimePreKey(k) },
      { userId: senderUserId, deviceId: senderDeviceId },
      data,
      // A first contact: the initiator's identity key must be the one its user publishes for that device.
      async (identityKey) => {
        const { devices } = await this.verifiedDevices(senderUserId);
        const listed = devices.find((d) => d.device.deviceId === senderDeviceId);
        return !!listed && equalBytes(listed.identityKey, identityKey);
      },
    );
    if (!r.ok) return r;
    const changes: StoreChanges = { putSessions: [r.value.record], ...(r.value.usedOneTimePreKey ? { deleteOneTimePreKeys: [r.value.usedOneTimePreKey] } : {}) };
    return ok({ plaintext: r.value.plaintext, changes });
  }

  // ---- sender-key distributions ----

  /** Reads the envelopes addressed to this device in a channel; returns the reason of each one refused. */
  syncSenderKeys(channelId: string): Promise<DecryptFailureReason[]> {
    return this.queue.run(`envelopes:${channelId}`, async () => {
      const reasons: DecryptFailureReason[] = [];
      for (const envelope of await this.directory.fetchSenderKeyEnvelopes(channelId, this.deviceId)) {
        const r = await this.receiveEnvelope(channelId, envelope);
        if (!r.ok) reasons.push(r.reason);
      }
      return reasons;
    });
  }

  private async receiveEnvelope(channelId: string, e: ReceivedEnvelope): Promise<DecryptResult<true>> {
    if (e.recipientDeviceId !== this.deviceId) return fail('not_a_recipient');
    const chainId = b64(e.senderKeyPublic);
    const data = b64(e.envelope);
    if (!chainId || !data || !e.senderUserId || !isUuid(e.senderUserId) || !isUuid(e.senderDeviceId)) return fail('malformed');
    // The server repeats earlier envelopes with every post; a chain already held is not read again.
    if (await this.store.getReceivedChain(chainId)) return ok(true);
    const senderUserId = e.senderUserId;
    return this.queue.run(`session:${e.senderDeviceId}`, async () => {
      const r = await this.decryptPairwise(senderUserId, e.senderDeviceId, data);
      if (!r.ok) return r;
      const d = decodeDistributions(r.value.plaintext);
      if (!d.ok) return d;
      const [current, ...earlier] = d.value;
      if (current!.channelId !== channelId) return fail('wrong_channel');
      if (!equalBytes(current!.chainId, chainId)) return fail('malformed');
      const chains = [receivedChainFrom(current!, senderUserId, e.senderDeviceId)];
      for (const item of earlier) {
        if (!(await this.store.getReceivedChain(item.chainId))) chains.push(receivedChainFrom(item, senderUserId, e.senderDeviceId));
      }
      await this.store.commit({ ...r.value.changes, putReceivedChains: chains });
      return ok(true);
    });
  }

  // ---- channel messages ----

  /** Someone left or was removed: the next message starts a new chain that only the remaining devices get. */
  membersChanged(channelId: string): Promise<void> {
    return this.queue.run(`own:${channelId}`, async () => {
      const chain = await this.store.getOwnChain(channelId);
      if (chain) await this.store.commit({ putOwnChains: [{ ...chain, rotationDue: true }] });
    });
  }

  /**
   * Encrypts for every device of every member, or throws EncryptionUnavailableError and posts nothing
   * (never a plaintext fallback). Chain state is stored before the content is returned.
   */
  encryptMessage(channelId: string, payload: MessagePayload): Promise<EncryptedMessage> {
    return this.queue.run(`own:${channelId}`, async () => {
      await this.requireDevice();
      const members = await this.directory.channelDevices(channelId);
      if (!members.some((m) => m.userId === this.userId)) throw new EncryptionUnavailableError('not_a_member', this.userId);
      const recipients: Recipient[] = [];
      for (const { userId, devices: listed } of members) {
        const { devices, untrusted } = await this.verifyListed(userId, listed);
        if (untrusted.length > 0) throw new EncryptionUnavailableError('untrusted_identity', userId, untrusted[0]!.deviceId);
        if (userId !== this.userId) {
          if (devices.length === 0) throw new EncryptionUnavailableError('no_devices', userId);
          await this.noticeSafetyNumber(userId, devices);
        }
        recipients.push(...devices.filter((d) => d.device.deviceId !== this.deviceId));
      }

      let chain = await this.store.getOwnChain(channelId);
      const now = this.now();
      const present = new Set(recipients.map((r) => r.device.deviceId));
      const rotate =
        !chain ||
        chain.rotationDue ||
        chain.index >= ROTATE_AFTER_MESSAGES ||
        now - chain.createdAt >= ROTATE_AFTER_SECONDS * 1000 ||
        chain.recipients.some((r) => !present.has(r.deviceId));
      const changes: { putOwnChains?: OwnChain[]; putReceivedChains?: ReceivedChain[] } = {};
      if (rotate || !chain) {
        chain = await rotateOwnChain(chain, channelId, now);
        // The sender reads its own messages like any member, from index 0.
        changes.putReceivedChains = [receivedChainFrom(distributionOf(chain), this.userId, this.deviceId)];
      }

      const newcomers = recipients.filter((r) => !chain!.recipients.some((x) => x.deviceId === r.device.deviceId));
      if (newcomers.length > 0) {
        const envelopes = [...chain.envelopes];
        for (const r of newcomers) {
          const { message } = await this.encryptPairwise(r, encodeDistributions(distributionsFor(chain, r.device.deviceId)));
          envelopes.push({ recipientDeviceId: r.device.deviceId, envelope: toBase64(message) });
        }
        const added = newcomers.map((r) => ({ deviceId: r.device.deviceId, index: chain!.index, chainKey: chain!.chainKey }));
        chain = { ...chain, envelopes, envelopesPosted: false, recipients: [...chain.recipients, ...added] };
      }
      if (!chain.envelopesPosted) {
        await this.store.commit({ ...changes, putOwnChains: [chain] });
        delete changes.putReceivedChains;
        await this.directory.postSenderKeyEnvelopes(channelId, this.deviceId, toBase64(chain.chainId), chain.envelopes);
        chain = { ...chain, envelopesPosted: true };
      }

      const plaintext = utf8Encode(JSON.stringify(payload.attachments ? { text: payload.text, attachments: payload.attachments } : { text: payload.text }));
      const r = await groupEncrypt(chain, { channelId, senderUserId: this.userId, senderDeviceId: this.deviceId }, plaintext);
      await this.store.commit({ ...changes, putOwnChains: [r.chain] });
      return { content: toBase64(r.message), protocolVersion: PROTOCOL_VERSION, senderDeviceId: this.deviceId };
    });
  }

  /**
   * Decrypts a channel message. On failure returns the reason and stores nothing; on success the
   * advanced chain is stored before the payload is returned.
   */
  async decryptMessage(m: IncomingMessage): Promise<DecryptResult<MessagePayload>> {
    return (await this.decryptMessages([m]))[0]!;
  }

  /**
   * Decrypts a page of channel messages (history, catch-up), each with the outcome decryptMessage would
   * give it if called in this order. The ratchet steps of each chain run in the given order while the
   * signatures and AEAD opens run alongside (groupDecryptBatch); the chains are stored once, in one
   * commit, before anything is returned.
   */
  async decryptMessages(ms: readonly IncomingMessage[]): Promise<DecryptResult<MessagePayload>[]> {
    const results = new Array<DecryptResult<MessagePayload>>(ms.length);
    const byChain = new Map<string, { chainId: Bytes; channelId: string; at: number[]; batch: { ctx: GroupContext; message: GroupMessage }[] }>();
    for (const [at, m] of ms.entries()) {
      const parsed = parseIncoming(m);
      if (!parsed.ok) {
        results[at] = parsed;
        continue;
      }
      const id = toHex(parsed.value.message.chainId);
      const group = byChain.get(id) ?? { chainId: parsed.value.message.chainId, channelId: m.channelId, at: [], batch: [] };
      group.at.push(at);
      group.batch.push(parsed.value);
      byChain.set(id, group);
    }
    const work = [...byChain];
    const queues = work.map(([id]) => `chain:${id}`).sort();
    return this.inQueues(queues, async () => {
      // A chain not held yet: the channel's envelopes are fetched (once per channel) before giving up.
      const held = await Promise.all(work.map(([, g]) => this.store.getReceivedChain(g.chainId)));
      const toSync = new Set(work.flatMap(([, g], k) => (held[k] ? [] : [g.channelId])));
      for (const channelId of toSync) await this.syncSenderKeys(channelId);
      const opened = await Promise.all(
        work.map(async ([, g], k) => {
          const current = held[k] ?? (await this.store.getReceivedChain(g.chainId));
          if (!current) return { results: g.batch.map(() => fail<MessagePayload>('unknown_chain')), chain: null };
          const r = await groupDecryptBatch<MessagePayload>(current, g.batch, (plaintext) => {
            const payload = parsePayload(plaintext);
            return payload ? ok(payload) : fail('malformed');
          });
          return { results: r.results, chain: r.advanced ? r.chain : null };
        }),
      );
      const chains = opened.flatMap((o) => (o.chain ? [o.chain] : []));
      if (chains.length > 0) await this.store.commit({ putReceivedChains: chains });
      for (const chain of chains) groupAccepted(chain);
      for (const [k, [, g]] of work.entries()) g.at.forEach((at, j) => (results[at] = opened[k]!.results[j]!));
      return results;
    });
  }

  /** Runs `operation` holding every queue of `keys` (taken in sorted order, so two batches never deadlock). */
  private inQueues<T>(keys: readonly string[], operation: () => Promise<T>): Promise<T> {
    const [first, ...rest] = keys;
    return first === undefined ? operation() : this.queue.run(first, () => this.inQueues(rest, operation));
  }

  // ---- safety numbers ----

  private async noticeSafetyNumber(userId: string, devices: readonly Recipient[]): Promise<boolean> {
    const listings = devices.map((d) => d.listing).join('\n');
    const seen = this.digests.get(userId);
    if (seen?.known && seen.listings === listings) return false;
    const digest = seen?.listings === listings ? seen.digest : await digestOf(devices);
    if (!seen && this.digests.size >= 10_000) this.digests.clear();
    const entry = { listings, digest, known: false };
    this.digests.set(userId, entry);
    const known = await this.store.getContact(userId);
    if (!known) {
      await this.store.commit({ putContacts: [{ version: 1, userId, digest }] });
      entry.known = true;
      return false;
    }
    entry.known = equalBytes(known.digest, digest);
    if (entry.known) return false;
    // Reported once per new digest (not at every send), and again if it changes once more.
    const notice = `${userId}|${toHex(digest)}`;
    if (!this.reported.has(notice)) {
      this.reported.add(notice);
      for (const listener of this.listeners) listener({ userId });
    }
    return true;
  }

  private async trustedDevices(userId: string): Promise<Recipient[]> {
    const { devices, untrusted } = await this.verifiedDevices(userId);
    if (untrusted.length > 0) throw new EncryptionUnavailableError('untrusted_identity', userId, untrusted[0]!.deviceId);
    return devices;
  }

  /** 60 digits over both users' devices; `changed` while a new digest has not been accepted. */
  async safetyNumber(userId: string): Promise<{ digits: string; changed: boolean }> {
    const mine = await digestOf(await this.trustedDevices(this.userId));
    const devices = await this.trustedDevices(userId);
    const theirs = await digestOf(devices);
    const changed = userId === this.userId ? false : await this.noticeSafetyNumber(userId, devices);
    return { digits: formatSafetyNumber(mine, theirs), changed };
  }

  async acceptSafetyNumber(userId: string): Promise<void> {
    const devices = await this.trustedDevices(userId);
    const digest = await digestOf(devices);
    await this.store.commit({ putContacts: [{ version: 1, userId, digest }] });
    this.digests.set(userId, { listings: devices.map((d) => d.listing).join('\n'), digest, known: true });
  }

  // ---- attachments ----

  async encryptAttachment(bytes: Bytes, name: string, type: string): Promise<{ blob: Bytes; ref: Omit<AttachmentRef, 'id'> }> {
    const sealed = await sealAttachment(bytes);
    return { blob: sealed.blob, ref: { key: toBase64(sealed.key), sha256: toBase64(sealed.sha256), name, type, size: bytes.length } };
  }

  async decryptAttachment(blob: Bytes, ref: AttachmentRef): Promise<DecryptResult<Bytes>> {
    const key = fromBase64(ref.key);
    const hash = fromBase64(ref.sha256);
    if (!key || !hash) return fail('malformed');
    return openAttachment(blob, key, hash);
  }

  /** Logout: every key, session, chain and contact digest is deleted. */
  async wipe(): Promise<void> {
    forgetKeysAhead();
    this.digests.clear();
    await this.store.wipe();
  }
}
