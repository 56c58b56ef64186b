// The only module that calls crypto.subtle (and crypto.getRandomValues). Thin wrappers with the
// encodings of docs/crypto.md §1 fixed: 65-byte uncompressed P-256 points, 32-byte ECDH X coordinates,
// 64-byte P1363 signatures, 32-byte Ed25519 public keys and 64-byte signatures, AES-GCM ciphertext‖tag. Arguments from our own code are length-checked
// (a wrong length is a programming error and throws); untrusted bytes come back as null/false.

import { assertLength, concat, copy, fromHex, type Bytes } from './bytes';
import { CHAIN_SIGNING_KEY_LENGTH, NONCE_LENGTH, PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH, SYMMETRIC_KEY_LENGTH } from './labels';

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;
const P256 = 'P-256';
const ECDH: EcKeyImportParams = { name: 'ECDH', namedCurve: P256 };
const ECDSA: EcKeyImportParams = { name: 'ECDSA', namedCurve: P256 };
const ECDSA_SHA256: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

export interface KeyPair {
  /** Non-extractable. */
  readonly privateKey: CryptoKey;
  /** 65-byte uncompressed P-256 point, or the 32-byte Ed25519 public key of a chain signing key. */
  readonly publicKey: Bytes;
}

// ---- randomness (injectable for tests only) ----

/** A deterministic byte source used by tests and the vector generator; refused outside Vitest. */
export type TestRandomSource = (length: number) => Bytes;
let testRandom: TestRandomSource | null = null;

export function dangerousTestOnlyRandom(source: TestRandomSource | null): void {
  if (import.meta.env?.MODE !== 'test') throw new Error('dangerousTestOnlyRandom is only available under Vitest');
  testRandom = source;
}

export function randomBytes(length: number): Bytes {
  if (testRandom) {
    const out = testRandom(length);
    assertLength('test random', out, length);
    return out;
  }
  const out = new Uint8Array(length);
  globalThis.crypto.getRandomValues(out);
  return out;
}

// ---- hashing, MAC, KDF ----

export async function sha256(data: Bytes): Promise<Bytes> {
  return new Uint8Array(await subtle().digest('SHA-256', data));
}

export async function hmacSha256(key: Bytes, data: Bytes): Promise<Bytes> {
  assertLength('hmac key', key, SYMMETRIC_KEY_LENGTH);
  const k = await subtle().importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await subtle().sign('HMAC', k, data));
}

/** HMAC-SHA-256 of several messages under one key: one import, the MACs computed concurrently. */
export async function hmacSha256Many(key: Bytes, messages: readonly Bytes[]): Promise<Bytes[]> {
  assertLength('hmac key', key, SYMMETRIC_KEY_LENGTH);
  const k = await subtle().importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const macs = await Promise.all(messages.map((m) => subtle().sign('HMAC', k, m)));
  return macs.map((m) => new Uint8Array(m));
}

/** HKDF-SHA-256 (RFC 5869). */
export async function hkdfSha256(ikm: Bytes, salt: Bytes, info: Bytes, length: number): Promise<Bytes> {
  if (!Number.isInteger(length) || length <= 0 || length > 255 * 32) throw new RangeError('hkdf: bad length');
  const k = await subtle().importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  return new Uint8Array(await subtle().deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, k, length * 8));
}

// ---- AES-256-GCM ----

/** A message key imported once (non-extractable), so a key derived ahead of time costs one call to use. */
export type AesKey = CryptoKey;

export async function importAesKey(key: Bytes): Promise<AesKey> {
  assertLength('aes key', key, SYMMETRIC_KEY_LENGTH);
  return subtle().importKey('raw', key, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

export async function aesGcmSeal(key: Bytes | AesKey, nonce: Bytes, plaintext: Bytes, aad: Bytes): Promise<Bytes> {
  assertLength('aes nonce', nonce, NONCE_LENGTH);
  const k = key instanceof Uint8Array ? await importAesKey(key) : key;
  return new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad, tagLength: 128 }, k, plaintext));
}

/** null when the tag does not verify (Web Crypto rejects; callers map that to `bad_mac`). */
export async function aesGcmOpen(key: Bytes | AesKey, nonce: Bytes, sealed: Bytes, aad: Bytes): Promise<Bytes | null> {
  assertLength('aes nonce', nonce, NONCE_LENGTH);
  const k = key instanceof Uint8Array ? await importAesKey(key) : key;
  if (sealed.length < 16) return null;
  try {
    return new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad, tagLength: 128 }, k, sealed));
  } catch {
    return null;
  }
}

/** A non-extractable AES-GCM key for wrapping stored records (storage/ uses it; it never leaves the device). */
export async function generateWrappingKey(): Promise<CryptoKey> {
  return subtle().generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

export async function wrapSeal(key: CryptoKey, plaintext: Bytes, aad: Bytes): Promise<Bytes> {
  const nonce = randomBytes(NONCE_LENGTH);
  const sealed = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad }, key, plaintext));
  return concat(nonce, sealed);
}

export async function wrapOpen(key: CryptoKey, blob: Bytes, aad: Bytes): Promise<Bytes | null> {
  if (blob.length < NONCE_LENGTH + 16) return null;
  try {
    const nonce = blob.slice(0, NONCE_LENGTH);
    return new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad }, key, blob.slice(NONCE_LENGTH)));
  } catch {
    return null;
  }
}

// ---- P-256 keys ----

// PKCS#8 PrivateKeyInfo for a P-256 key holding only the scalar (ECPrivateKey without the optional
// public key); Web Crypto cannot import a raw private scalar, and both Node and Chromium derive the point.
const PKCS8_P256_PREFIX = fromHex('3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420');

export function pkcs8FromScalar(d: Bytes): Bytes {
  assertLength('private scalar', d, 32);
  return concat(PKCS8_P256_PREFIX, d);
}

function base64UrlToBytes(text: string): Bytes {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * Imports a private scalar (vectors and tests only) as a non-extractable key pair; the public point is
 * read back through a short-lived extractable import.
 */
export async function importPrivateScalar(d: Bytes, use: 'ecdh' | 'ecdsa'): Promise<KeyPair> {
  const pkcs8 = pkcs8FromScalar(d);
  const algorithm = use === 'ecdh' ? ECDH : ECDSA;
  const usages: KeyUsage[] = use === 'ecdh' ? ['deriveBits'] : ['sign'];
  const probe = await subtle().importKey('pkcs8', pkcs8, algorithm, true, usages);
  const jwk = await subtle().exportKey('jwk', probe);
  if (!jwk.x || !jwk.y) throw new Error('importPrivateScalar: no public point');
  const publicKey = concat(new Uint8Array([0x04]), base64UrlToBytes(jwk.x), base64UrlToBytes(jwk.y));
  const privateKey = await subtle().importKey('pkcs8', pkcs8, algorithm, false, usages);
  return { privateKey, publicKey };
}

/** The first 32 bytes under test randomness: a vector's key pair comes from the injected bytes. */
function testScalar(): Bytes | null {
  if (!testRandom) return null;
  const d = randomBytes(32);
  d[0] = (d[0] ?? 0) & 0x7f;
  if ((d[0] ?? 0) === 0) d[0] = 1;
  return d;
}

// Under test randomness a key pair comes from the injected bytes (top bit cleared so the scalar is
// below the group order), which is what makes vectors reproducible.
async function generatePair(use: 'ecdh' | 'ecdsa'): Promise<KeyPair> {
  const d = testScalar();
  if (d) return importPrivateScalar(d, use);
  const pair =
    use === 'ecdh'
      ? await subtle().generateKey(ECDH, false, ['deriveBits'])
      : await subtle().generateKey(ECDSA, false, ['sign', 'verify']);
  const publicKey = new Uint8Array(await subtle().exportKey('raw', pair.publicKey));
  return { privateKey: pair.privateKey, publicKey };
}

export function generateEcdhKeyPair(): Promise<KeyPair> {
  return generatePair('ecdh');
}

export function generateSigningKeyPair(): Promise<KeyPair> {
  return generatePair('ecdsa');
}

async function importPublic(raw: Bytes, algorithm: EcKeyImportParams, usages: KeyUsage[]): Promise<CryptoKey | null> {
  if (raw.length !== PUBLIC_KEY_LENGTH || raw[0] !== 0x04) return null;
  try {
    return await subtle().importKey('raw', raw, algorithm, true, usages);
  } catch {
    return null; // not a point on the curve
  }
}

/** true when the bytes are a valid uncompressed P-256 point. */
export async function isValidPublicKey(raw: Bytes): Promise<boolean> {
  return (await importPublic(raw, ECDH, [])) !== null;
}

/** ECDH: the 32-byte X coordinate; null when the peer's public key is not a valid point. */
export async function ecdh(privateKey: CryptoKey, peerPublic: Bytes): Promise<Bytes | null> {
  const peer = await importPublic(peerPublic, ECDH, []);
  if (!peer) return null;
  return new Uint8Array(await subtle().deriveBits({ name: 'ECDH', public: peer }, privateKey, 256));
}

export async function ecdsaSign(privateKey: CryptoKey, data: Bytes): Promise<Bytes> {
  return new Uint8Array(await subtle().sign(ECDSA_SHA256, privateKey, data));
}

export type VerifyKey = CryptoKey;

/** Imports a signing public key once, for repeated verification; null if it is not a valid point. */
export function importVerifyKey(raw: Bytes): Promise<VerifyKey | null> {
  return importPublic(raw, ECDSA, ['verify']);
}

export async function ecdsaVerify(publicKey: Bytes | VerifyKey, signature: Bytes, data: Bytes): Promise<boolean> {
  if (signature.length !== SIGNATURE_LENGTH) return false;
  const key = publicKey instanceof Uint8Array ? await importVerifyKey(publicKey) : publicKey;
  if (!key) return false;
  try {
    return await subtle().verify(ECDSA_SHA256, key, signature, data);
  } catch {
    return false;
  }
}


// ---- Ed25519 (the signing key of a sender-key chain, docs/crypto.md §4) ----
//
// Every channel message is signed and verified once per reader; Ed25519 costs about half of ECDSA P-256
// in Chromium and Node, and its signatures are deterministic (vectors pin them). Device signing keys
// stay P-256 ECDSA (they sign pre-keys, rarely).

const ED25519 = 'Ed25519';

// PKCS#8 OneAsymmetricKey for Ed25519 (RFC 8410): the 32-byte seed is the private key.
const PKCS8_ED25519_PREFIX = fromHex('302e020100300506032b657004220420');

export function pkcs8FromEd25519Seed(seed: Bytes): Bytes {
  assertLength('ed25519 seed', seed, 32);
  return concat(PKCS8_ED25519_PREFIX, seed);
}

/** Imports an Ed25519 seed (vectors and tests only) as a non-extractable key pair; the public key is read back from a short-lived extractable import. */
export async function importEd25519Seed(seed: Bytes): Promise<KeyPair> {
  const pkcs8 = pkcs8FromEd25519Seed(seed);
  const probe = await subtle().importKey('pkcs8', pkcs8, ED25519, true, ['sign']);
  const jwk = await subtle().exportKey('jwk', probe);
  if (!jwk.x) throw new Error('importEd25519Seed: no public key');
  const privateKey = await subtle().importKey('pkcs8', pkcs8, ED25519, false, ['sign']);
  return { privateKey, publicKey: base64UrlToBytes(jwk.x) };
}

/** A chain signing key pair: non-extractable private key, 32-byte public key. */
export async function generateChainSigningKeyPair(): Promise<KeyPair> {
  const seed = testScalar();
  if (seed) return importEd25519Seed(seed);
  const pair = (await subtle().generateKey(ED25519, false, ['sign', 'verify'])) as CryptoKeyPair;
  return { privateKey: pair.privateKey, publicKey: new Uint8Array(await subtle().exportKey('raw', pair.publicKey)) };
}

export async function ed25519Sign(privateKey: CryptoKey, data: Bytes): Promise<Bytes> {
  return new Uint8Array(await subtle().sign(ED25519, privateKey, data));
}

// Points both clients must refuse alike. libsodium (NSec, the C# client) refuses a public key that is
// not canonical or of small order, and a signature whose R is of small order; Chromium's and Node's
// Ed25519 accept them. A sender who chose such a key or R (S = h·a makes R the identity) could
// otherwise show its messages to web members and hide them from C# members, or the reverse.
const FIELD_P = 2n ** 255n - 19n;

/** y of the points of order 8 (the other is FIELD_P minus it); with 0, 1 and p − 1 every small-order y. */
export const ORDER_8_Y = 2707385501144840649318225287225658788936804267575313519463743609750303402022n;

const SMALL_ORDER_Y = new Set([0n, 1n, FIELD_P - 1n, ORDER_8_Y, FIELD_P - ORDER_8_Y]);

/** The encoded y coordinate (little-endian, sign bit of x cleared), not reduced. */
function encodedY(point: Bytes): bigint {
  let y = 0n;
  for (let i = 31; i >= 0; i--) y = (y << 8n) | BigInt(i === 31 ? (point[i] ?? 0) & 0x7f : (point[i] ?? 0));
  return y;
}

/** Whether a 32-byte point encoding denotes a point of small order, in any sign and either spelling of y (as libsodium). */
export function isSmallOrderEd25519(point: Bytes): boolean {
  const y = encodedY(point);
  return SMALL_ORDER_Y.has(y >= FIELD_P ? y - FIELD_P : y);
}

/** Imports a chain's public key once, for repeated verification; null if it is not 32 bytes, not canonical, of small order (or not importable). */
export async function importChainVerifyKey(raw: Bytes): Promise<VerifyKey | null> {
  if (raw.length !== CHAIN_SIGNING_KEY_LENGTH || encodedY(raw) >= FIELD_P || isSmallOrderEd25519(raw)) return null;
  try {
    return await subtle().importKey('raw', raw, ED25519, true, ['verify']);
  } catch {
    return null;
  }
}

export async function ed25519Verify(key: VerifyKey, signature: Bytes, data: Bytes): Promise<boolean> {
  if (signature.length !== SIGNATURE_LENGTH || isSmallOrderEd25519(signature.subarray(0, 32))) return false;
  try {
    return await subtle().verify(ED25519, key, signature, data);
  } catch {
    return false;
  }
}
