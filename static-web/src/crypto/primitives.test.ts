import { afterEach, describe, expect, it } from 'vitest';
import { bytesToUuid, fromBase64, fromHex, toBase64, toHex, u32, utf8Decode, utf8Encode, uuidToBytes } from './bytes';
import { aesGcmOpen, aesGcmSeal, ecdh, ecdsaSign, ecdsaVerify, ed25519Sign, ed25519Verify, generateChainSigningKeyPair, generateEcdhKeyPair, generateSigningKeyPair, importChainVerifyKey, importEd25519Seed, importPrivateScalar, isSmallOrderEd25519, ORDER_8_Y, randomBytes } from './primitives';
import { kdfChain } from './ratchet';
import { useRealRandom, useSeededRandom } from './testSupport';

/** A signature of the Ed25519 key of seed 07×32 over 01 02 03 whose R is the identity (see the split-view test). */
const FORGED_WITH_IDENTITY_R =
  '01000000000000000000000000000000000000000000000000000000000000009cec47435813c70a6c8f9e2fe0119474a3c30d8581c31a4afca25cd333c6020e';

afterEach(() => useRealRandom());

describe('bytes', () => {
  it('base64 is strict: padding required, no other alphabet, canonical trailing bits', () => {
    expect(toBase64(fromHex('68656c6c6f'))).toBe('aGVsbG8=');
    expect(toHex(fromBase64('aGVsbG8=')!)).toBe('68656c6c6f');
    expect(fromBase64('aGVsbG8')).toBeNull();
    expect(fromBase64('aGVsbG9=')).toBeNull();
    expect(fromBase64('aGVs-G8=')).toBeNull();
    expect(toBase64(new Uint8Array(0))).toBe('');
  });

  it('base64 and hex agree with Node\'s codecs on every length and refuse every other form', () => {
    for (let length = 0; length < 70; length++) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 151 + length * 7) & 255);
      const b64 = Buffer.from(data).toString('base64');
      expect(toBase64(data)).toBe(b64);
      expect(fromBase64(b64)).toEqual(data);
      expect(toHex(data)).toBe(Buffer.from(data).toString('hex'));
      expect(fromHex(Buffer.from(data).toString('hex').toUpperCase())).toEqual(data);
    }
    // Non-zero unused bits with one and with two padding characters; padding inside; non-ASCII; no padding.
    for (const bad of ['aGVsbG9=', 'aGF=', 'aA==aGVs', 'aGVs\u00e9G8=', 'aGVsbG8', '====', 'a===']) expect(fromBase64(bad)).toBeNull();
    expect(fromBase64('aGE=')).toEqual(fromHex('6861'));
    expect(() => fromHex('0g')).toThrow(TypeError);
  });

  it('UTF-8 decoding is strict, and a refused input does not affect the next one', () => {
    expect(utf8Decode(new Uint8Array([0x68, 0xc3]))).toBeNull(); // truncated sequence
    expect(utf8Decode(new Uint8Array([0xc3, 0xa9]))).toBe('\u00e9');
    expect(utf8Decode(new Uint8Array([0xff]))).toBeNull();
    expect(utf8Decode(utf8Encode('d3 \u2713'))).toBe('d3 \u2713');
    expect(toHex(u32(0xfedcba98))).toBe('fedcba98');
    expect(() => u32(2 ** 32)).toThrow(RangeError);
  });

  it('a UUID is its 16 bytes in string order (RFC 4122), both ways', () => {
    const id = '0a11ce00-0000-4000-8000-0000000000d1';
    expect(toHex(uuidToBytes(id))).toBe('0a11ce000000400080000000000000d1');
    expect(bytesToUuid(uuidToBytes(id))).toBe(id);
    expect(() => uuidToBytes('not-a-uuid')).toThrow(TypeError);
  });
});

describe('primitives', () => {
  it('AES-GCM open returns null for a changed tag, ciphertext or AAD', async () => {
    const key = new Uint8Array(32).fill(7);
    const nonce = new Uint8Array(12).fill(9);
    const aad = new Uint8Array([1, 2, 3]);
    const sealed = await aesGcmSeal(key, nonce, new Uint8Array([42]), aad);
    expect(await aesGcmOpen(key, nonce, sealed, aad)).toEqual(new Uint8Array([42]));
    const tampered = sealed.slice();
    tampered[sealed.length - 1] = (tampered[sealed.length - 1] ?? 0) ^ 1;
    expect(await aesGcmOpen(key, nonce, tampered, aad)).toBeNull();
    expect(await aesGcmOpen(key, nonce, sealed, new Uint8Array([1, 2, 4]))).toBeNull();
  });

  it('a wrong key length from our own code throws (programming error)', async () => {
    await expect(aesGcmSeal(new Uint8Array(16), new Uint8Array(12), new Uint8Array(1), new Uint8Array(0))).rejects.toThrow(RangeError);
  });

  it('ECDH gives DH1 of the reference implementation from its test scalars, and null for a point off the curve', async () => {
    const ikA = await importPrivateScalar(fromHex('5d1e3b2aff7f3330f3aa7381cfd26c458874986ff847a44277ca8ffcc6aeb1cb'), 'ecdh');
    const spkB = await importPrivateScalar(fromHex('620521262311f8480f8b433393798a3bb68da6d11582f3b38c44b0acd9205960'), 'ecdh');
    expect(toBase64(ikA.publicKey)).toBe('BBiPrnlnFKUjzokNpTQHsSujt66VyS0SmKo77+K7tnTiDMuIZdxMj+5moiPw9mlWzBvk+Jbl1kz1GY9NmdbUjRQ=');
    expect(toHex((await ecdh(ikA.privateKey, spkB.publicKey))!)).toBe('5168c34a2bae417862d27c2933b0ba4c3ad5b96fa275d0aa1698aadecaef47d7');
    const offCurve = new Uint8Array(65).fill(1);
    offCurve[0] = 4;
    expect(await ecdh(ikA.privateKey, offCurve)).toBeNull();
  });

  it('the chain step from 32 zero bytes matches the values of the reference implementation (MK_1, CK_1)', async () => {
    const r = await kdfChain(new Uint8Array(32));
    expect(toHex(r.messageKey)).toBe('3d7afb663124ecbf2c953f863d4fc8796eeb2d372b64aad58697ec5264649cdb');
    expect(toHex(r.nextChainKey)).toBe('4ee7be0c7872360ca67414608081e9bd60fd580a7bbd209701d2a5a0b4316d0d');
  });

  it('generated private keys are not extractable', async () => {
    const pair = await generateEcdhKeyPair();
    const signing = await generateSigningKeyPair();
    expect(pair.privateKey.extractable).toBe(false);
    expect(signing.privateKey.extractable).toBe(false);
    expect(pair.publicKey.length).toBe(65);
  });

  it('ECDSA signatures are 64-byte P1363 and verify only over the signed bytes', async () => {
    const k = await generateSigningKeyPair();
    const sig = await ecdsaSign(k.privateKey, new Uint8Array([1]));
    expect(sig.length).toBe(64);
    expect(await ecdsaVerify(k.publicKey, sig, new Uint8Array([1]))).toBe(true);
    expect(await ecdsaVerify(k.publicKey, sig, new Uint8Array([2]))).toBe(false);
    expect(await ecdsaVerify(k.publicKey, sig.slice(1), new Uint8Array([1]))).toBe(false);
  });

  it('chain signing keys are Ed25519: non-extractable, 32-byte public key, deterministic 64-byte signatures', async () => {
    const k = await generateChainSigningKeyPair();
    expect(k.privateKey.extractable).toBe(false);
    expect(k.privateKey.algorithm.name).toBe('Ed25519');
    expect(k.publicKey.length).toBe(32);
    const sig = await ed25519Sign(k.privateKey, new Uint8Array([1]));
    expect(sig.length).toBe(64);
    expect(await ed25519Sign(k.privateKey, new Uint8Array([1]))).toEqual(sig);
    const verifyKey = (await importChainVerifyKey(k.publicKey))!;
    expect(await ed25519Verify(verifyKey, sig, new Uint8Array([1]))).toBe(true);
    expect(await ed25519Verify(verifyKey, sig, new Uint8Array([2]))).toBe(false);
    expect(await ed25519Verify(verifyKey, sig.slice(1), new Uint8Array([1]))).toBe(false);
    expect(await importChainVerifyKey(new Uint8Array(65))).toBeNull();
  });

  // Edwards25519 in BigInt, only to check the small-order constants and to forge what a malicious sender could.
  const P = 2n ** 255n - 19n;
  const L = 2n ** 252n + 27742317777372353535851937790883648493n;
  const mod = (a: bigint, m = P): bigint => ((a % m) + m) % m;
  const pow = (b: bigint, e: bigint): bigint => {
    let r = 1n;
    for (b = mod(b); e > 0n; e >>= 1n, b = mod(b * b)) if (e & 1n) r = mod(r * b);
    return r;
  };
  const inv = (a: bigint): bigint => pow(a, P - 2n);
  const D = mod(-121665n * inv(121666n));
  type Point = readonly [bigint, bigint];
  const add = ([x1, y1]: Point, [x2, y2]: Point): Point => {
    const t = mod(D * x1 * x2 * y1 * y2);
    return [mod((x1 * y2 + y1 * x2) * inv(1n + t)), mod((y1 * y2 + x1 * x2) * inv(1n - t))];
  };
  const times = (n: number, q: Point): Point => Array.from({ length: n - 1 }).reduce<Point>((acc) => add(acc, q), q);
  const xFor = (y: bigint): bigint => {
    const x2 = mod((y * y - 1n) * inv(D * y * y + 1n));
    let x = pow(x2, (P + 3n) / 8n);
    if (mod(x * x) !== x2) x = mod(x * pow(2n, (P - 1n) / 4n));
    expect(mod(x * x)).toBe(x2);
    return x;
  };
  const le = (n: bigint): Uint8Array<ArrayBuffer> => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));
  const fromLe = (b: Uint8Array): bigint => b.reduceRight((acc, byte) => (acc << 8n) | BigInt(byte), 0n);

  it('the small-order y values are those of the points of order 1, 2, 4 and 8', () => {
    const identity: Point = [0n, 1n];
    const order8: Point = [xFor(ORDER_8_Y), ORDER_8_Y];
    expect(times(8, order8)).toEqual(identity);
    expect(times(4, order8)).not.toEqual(identity);
    expect(times(4, [xFor(0n), 0n])).toEqual(identity);
    expect(times(2, [0n, P - 1n])).toEqual(identity);
    for (const y of [0n, 1n, P - 1n, ORDER_8_Y, P - ORDER_8_Y, P, P + 1n]) {
      const encoded = le(y);
      expect(isSmallOrderEd25519(encoded)).toBe(true);
      encoded[31] = (encoded[31] ?? 0) | 0x80;
      expect(isSmallOrderEd25519(encoded)).toBe(true);
    }
    for (const y of [2n, P - 2n, P + 2n, ORDER_8_Y + 1n]) expect(isSmallOrderEd25519(le(y))).toBe(false);
  });

  it('split view: signatures Web Crypto accepts but libsodium (the C# client) refuses are refused here too', async () => {
    const message = new Uint8Array([1, 2, 3]);
    const identity = le(1n);
    const raw = async (publicKey: Uint8Array<ArrayBuffer>, signature: Uint8Array<ArrayBuffer>): Promise<boolean> =>
      crypto.subtle.verify('Ed25519', await crypto.subtle.importKey('raw', publicKey, 'Ed25519', true, ['verify']), signature, message);

    // A small-order public key: (R = identity, S = 0) verifies for every message.
    const anyMessage = new Uint8Array(64);
    anyMessage.set(identity);
    expect(await raw(identity, anyMessage)).toBe(true);
    expect(await importChainVerifyKey(identity)).toBeNull();

    // A genuine key whose owner signs with R = identity: S = h·a, where h = SHA-512(R ‖ A ‖ M).
    const seed = new Uint8Array(32).fill(7);
    const pair = await importEd25519Seed(seed);
    const expanded = new Uint8Array(await crypto.subtle.digest('SHA-512', seed)).slice(0, 32);
    expanded[0] = (expanded[0] ?? 0) & 248;
    expanded[31] = ((expanded[31] ?? 0) & 127) | 64;
    const h = fromLe(new Uint8Array(await crypto.subtle.digest('SHA-512', new Uint8Array([...identity, ...pair.publicKey, ...message]))));
    const forged = new Uint8Array(64);
    forged.set(identity);
    forged.set(le(mod(mod(h, L) * fromLe(expanded), L)), 32);
    expect(await raw(new Uint8Array(pair.publicKey), forged)).toBe(true);
    expect(await ed25519Verify((await importChainVerifyKey(pair.publicKey))!, forged, message)).toBe(false);
    // PrimitivesTests.Chain_signatures_with_a_small_order_key_or_R_are_refused_as_by_the_web_client checks the same bytes in C#.
    expect(toHex(forged)).toBe(FORGED_WITH_IDENTITY_R);
  });

  it('test randomness is deterministic while injected and real again afterwards', () => {
    useSeededRandom(1);
    const a = randomBytes(8);
    useSeededRandom(1);
    expect(randomBytes(8)).toEqual(a);
    useRealRandom();
    expect(randomBytes(8)).not.toEqual(a);
  });
});
