import { afterEach, describe, expect, it } from 'vitest';
import { bytesToUuid, fromBase64, fromHex, toBase64, toHex, uuidToBytes } from './bytes';
import { aesGcmOpen, aesGcmSeal, ecdh, ecdsaSign, ecdsaVerify, ed25519Sign, ed25519Verify, generateChainSigningKeyPair, generateEcdhKeyPair, generateSigningKeyPair, importChainVerifyKey, importPrivateScalar, randomBytes } from './primitives';
import { kdfChain } from './ratchet';
import { useRealRandom, useSeededRandom } from './testSupport';

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

  it('test randomness is deterministic while injected and real again afterwards', () => {
    useSeededRandom(1);
    const a = randomBytes(8);
    useSeededRandom(1);
    expect(randomBytes(8)).toEqual(a);
    useRealRandom();
    expect(randomBytes(8)).not.toEqual(a);
  });
});
