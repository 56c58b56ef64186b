// Device keys (docs/crypto.md §2): identity (ECDH), signing (ECDSA), a signed pre-key whose signature
// also binds the identity key to the signing key, and one-time pre-keys.

import { concat, type Bytes } from './bytes';
import { SPK_SIGNATURE_LABEL } from './labels';
import { ecdsaSign, ecdsaVerify, generateEcdhKeyPair, generateSigningKeyPair, isValidPublicKey, type KeyPair } from './primitives';

export interface DeviceKeys {
  readonly identity: KeyPair;
  readonly signing: KeyPair;
  readonly signedPreKey: KeyPair;
  readonly signedPreKeySignature: Bytes;
}

/** A bundle as bytes, after base64 decoding at the edge; not yet trusted. */
export interface BundleKeys {
  readonly userId: string;
  readonly deviceId: string;
  readonly identityKey: Bytes;
  readonly signingKey: Bytes;
  readonly signedPreKey: Bytes;
  readonly signedPreKeySignature: Bytes;
  readonly oneTimePreKey: Bytes | null;
}

export function preKeySignatureInput(identityKey: Bytes, signedPreKey: Bytes): Bytes {
  return concat(SPK_SIGNATURE_LABEL, identityKey, signedPreKey);
}

export function signPreKey(signing: KeyPair, identityKey: Bytes, signedPreKey: Bytes): Promise<Bytes> {
  return ecdsaSign(signing.privateKey, preKeySignatureInput(identityKey, signedPreKey));
}

export function verifyPreKeySignature(signingKey: Bytes, identityKey: Bytes, signedPreKey: Bytes, signature: Bytes): Promise<boolean> {
  return ecdsaVerify(signingKey, signature, preKeySignatureInput(identityKey, signedPreKey));
}

export async function generateDeviceKeys(): Promise<DeviceKeys> {
  const identity = await generateEcdhKeyPair();
  const signing = await generateSigningKeyPair();
  const signedPreKey = await generateEcdhKeyPair();
  const signedPreKeySignature = await signPreKey(signing, identity.publicKey, signedPreKey.publicKey);
  return { identity, signing, signedPreKey, signedPreKeySignature };
}

export async function generateOneTimePreKeys(count: number): Promise<KeyPair[]> {
  const keys: KeyPair[] = [];
  for (let i = 0; i < count; i++) keys.push(await generateEcdhKeyPair());
  return keys;
}

/**
 * A bundle is usable only if every key is a valid point and the signing key signed IK ‖ SPK; anything
 * else is `untrusted_identity` and no session is started (reference weakness 4).
 */
export async function isTrustworthyBundle(bundle: BundleKeys): Promise<boolean> {
  const points = [bundle.identityKey, bundle.signingKey, bundle.signedPreKey];
  if (bundle.oneTimePreKey) points.push(bundle.oneTimePreKey);
  for (const point of points) if (!(await isValidPublicKey(point))) return false;
  return verifyPreKeySignature(bundle.signingKey, bundle.identityKey, bundle.signedPreKey, bundle.signedPreKeySignature);
}
