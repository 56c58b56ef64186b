// The app's one crypto call site: opens the module after sign-in, encrypts before every send,
// decrypts what arrives, and wipes everything at logout. Nothing is ever posted unencrypted.
import { keyDirectory } from '../api/keys';
import type { DecryptFailureReason, DecryptResult, E2eeApi, EncryptFailureReason, MessagePayload, PlaintextCache } from './e2eeTypes';

// The crypto module (src/crypto/index.ts) and its IndexedDB store (src/storage/indexedDbStore.ts)
// are imported dynamically: their own chunks, loaded after sign-in, so the sign-in screen stays small.

/** Why the app refused to send (nothing was posted); components/DecryptionFailure.tsx words it. */
export type SendRefusal = EncryptFailureReason | 'crypto_unavailable' | 'encryption_failed';

export class SendRefusedError extends Error {
  constructor(readonly reason: SendRefusal) {
    super(`send refused: ${reason}`);
    this.name = 'SendRefusedError';
  }
}

function refusalOf(e: unknown): SendRefusal {
  if (e instanceof Error && e.name === 'EncryptionUnavailableError' && 'reason' in e) {
    const reason = (e as { reason: unknown }).reason;
    if (reason === 'no_bundle' || reason === 'untrusted_identity' || reason === 'no_devices' || reason === 'not_a_member') return reason;
  }
  return 'encryption_failed';
}

/** A decrypted (or undecryptable) message body, as the UI shows it. */
export type Plain = { ok: true; value: MessagePayload } | { ok: false; reason: DecryptFailureReason | 'crypto_unavailable' };

let current: E2eeApi | null = null;
let cache: PlaintextCache | null = null;
let opening: Promise<E2eeApi | null> | null = null;
// Results by message id and ciphertext, so a re-fetch after reconnect never decrypts twice
// (a consumed message key would answer `duplicate`). Memory only; logout clears it.
const decrypted = new Map<string, { content: string; result: Plain }>();

export function startE2ee(userId: string, deviceId: string): Promise<E2eeApi | null> {
  opening ??= (async () => {
    const [crypto, storage] = await Promise.all([import('../crypto/index'), import('../storage/indexedDbStore')]);
    const store = await storage.IndexedDbProtocolStore.open(deviceId);
    const e2ee = await crypto.E2ee.open({ userId, deviceId, directory: keyDirectory, store });
    await e2ee.ensureDeviceKeys();
    cache = store;
    current = e2ee;
    return e2ee;
  })();
  return opening;
}

async function ready(): Promise<E2eeApi | null> {
  return current ?? (opening === null ? null : opening);
}

export async function encryptForChannel(channelId: string, payload: MessagePayload) {
  const e2ee = await ready();
  if (e2ee === null) throw new SendRefusedError('crypto_unavailable');
  try {
    return await e2ee.encryptMessage(channelId, payload);
  } catch (e) {
    throw new SendRefusedError(refusalOf(e));
  }
}

export async function encryptFile(file: File) {
  const e2ee = await ready();
  if (e2ee === null) throw new SendRefusedError('crypto_unavailable');
  const bytes = new Uint8Array(await file.arrayBuffer());
  return e2ee.encryptAttachment(bytes, file.name, file.type === '' ? 'application/octet-stream' : file.type);
}

/** A message as the timeline holds it, to be decrypted. */
export interface EncryptedBody {
  id: string;
  channelId: string;
  senderUserId: string | null;
  senderDeviceId: string | null;
  content: string;
  protocolVersion: number;
}

/**
 * Decrypts a page (history, catch-up) in one call to the module: it verifies the signatures concurrently
 * and stores the chains once, before returning. Already-decrypted messages come from the caches.
 */
export async function decryptBodies(ms: readonly EncryptedBody[]): Promise<Plain[]> {
  const results = new Array<Plain>(ms.length);
  const e2ee = await ready();
  const todo: number[] = [];
  const stored = await Promise.all(ms.map((m) => (decrypted.has(m.id) ? undefined : cache?.cacheGet(m.id).catch(() => undefined))));
  for (const [i, m] of ms.entries()) {
    const cached = decrypted.get(m.id);
    if (cached !== undefined && cached.content === m.content) {
      results[i] = cached.result;
      continue;
    }
    const sealed = stored[i];
    if (isCachedPlain(sealed) && sealed.content === m.content) {
      results[i] = { ok: true, value: sealed.payload };
      decrypted.set(m.id, { content: m.content, result: results[i] });
      continue;
    }
    if (e2ee === null) results[i] = { ok: false, reason: 'crypto_unavailable' };
    else if (m.senderUserId === null) results[i] = { ok: false, reason: 'wrong_sender' };
    else todo.push(i);
    if (results[i] !== undefined) decrypted.set(m.id, { content: m.content, result: results[i] });
  }
  if (e2ee === null || todo.length === 0) return results;
  const opened: DecryptResult<MessagePayload>[] = await e2ee.decryptMessages(
    todo.map((i) => {
      const m = ms[i]!;
      return { channelId: m.channelId, senderUserId: m.senderUserId!, senderDeviceId: m.senderDeviceId, content: m.content, protocolVersion: m.protocolVersion };
    }),
  );
  const puts: Promise<void>[] = [];
  for (const [k, i] of todo.entries()) {
    const m = ms[i]!;
    const r = opened[k]!;
    results[i] = r;
    // A message key is used once: what decrypted is kept (sealed in IndexedDB) so a reload shows it again.
    if (r.ok && cache) puts.push(cache.cachePut(m.id, { content: m.content, payload: r.value }).catch(() => undefined));
    decrypted.set(m.id, { content: m.content, result: r });
  }
  await Promise.all(puts);
  return results;
}

interface CachedPlain {
  content: string;
  payload: MessagePayload;
}

function isCachedPlain(v: unknown): v is CachedPlain {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as { content?: unknown; payload?: unknown };
  return typeof c.content === 'string' && typeof c.payload === 'object' && c.payload !== null && typeof (c.payload as { text?: unknown }).text === 'string';
}

/** Our own sends are known in clear already: remember them (sealed) so they are never decrypted. */
export async function rememberOwn(id: string, content: string, payload: MessagePayload): Promise<void> {
  decrypted.set(id, { content, result: { ok: true, value: payload } });
  await cache?.cachePut(id, { content, payload }).catch(() => undefined);
}

export async function decryptFile(blob: Uint8Array<ArrayBuffer>, ref: Parameters<E2eeApi['decryptAttachment']>[1]) {
  const e2ee = await ready();
  if (e2ee === null) return { ok: false as const, reason: 'crypto_unavailable' as const };
  return e2ee.decryptAttachment(blob, ref);
}

/** keys.low_otp for this device: top the one-time pre-keys up again. */
export async function replenishKeys(): Promise<void> {
  const e2ee = await ready();
  await e2ee?.ensureDeviceKeys();
}

export async function membersChanged(channelId: string): Promise<void> {
  const e2ee = await ready();
  await e2ee?.membersChanged(channelId);
}

export async function safetyNumber(userId: string) {
  const e2ee = await ready();
  if (e2ee === null) return null;
  return e2ee.safetyNumber(userId);
}

export async function acceptSafetyNumber(userId: string): Promise<void> {
  const e2ee = await ready();
  await e2ee?.acceptSafetyNumber(userId);
}

export function onSafetyNumberChanged(listener: (userId: string) => void): () => void {
  if (current === null) return () => undefined;
  return current.on('safety_number_changed', (e) => listener(e.userId));
}

/** Logout: the module wipes keys, sessions and chains; then every IndexedDB database of this origin goes. */
export async function wipeLocalSecrets(): Promise<void> {
  const e2ee = await ready().catch(() => null);
  try {
    await e2ee?.wipe();
  } finally {
    current = null;
    cache = null;
    opening = null;
    decrypted.clear();
    const dbs = typeof indexedDB.databases === 'function' ? await indexedDB.databases() : [];
    await Promise.all(
      dbs.map(
        (db) =>
          new Promise<void>((resolve) => {
            if (db.name === undefined) return resolve();
            const req = indexedDB.deleteDatabase(db.name);
            req.onsuccess = () => resolve();
            req.onerror = () => resolve();
            req.onblocked = () => resolve();
          }),
      ),
    );
  }
}
