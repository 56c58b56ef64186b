// X3DH (docs/crypto.md §3): SK = HKDF(0xFF×32 ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4]), AD = IK_A ‖ IK_B ‖ device_A ‖ device_B.
// The initiator A must have verified B's bundle first (keys.isTrustworthyBundle).

import { concat, uuidToBytes, type Bytes } from './bytes';
import { X3DH_INFO } from './labels';
import { ecdh, hkdfSha256, type KeyPair } from './primitives';

const ZERO_SALT = new Uint8Array(32);
const DISCONTINUITY = new Uint8Array(32).fill(0xff);

export interface X3dhResult {
  readonly sharedSecret: Bytes;
  readonly associatedData: Bytes;
}

export function associatedData(initiatorIdentity: Bytes, responderIdentity: Bytes, initiatorDeviceId: string, responderDeviceId: string): Bytes {
  return concat(initiatorIdentity, responderIdentity, uuidToBytes(initiatorDeviceId), uuidToBytes(responderDeviceId));
}

async function deriveSecret(dhs: (Bytes | null)[]): Promise<Bytes | null> {
  if (dhs.some((dh) => dh === null)) return null;
  return hkdfSha256(concat(DISCONTINUITY, ...(dhs as Bytes[])), ZERO_SALT, X3DH_INFO, 32);
}

export interface InitiatorInput {
  readonly identity: KeyPair;
  readonly ephemeral: KeyPair;
  readonly deviceId: string;
  readonly remoteIdentityKey: Bytes;
  readonly remoteSignedPreKey: Bytes;
  readonly remoteOneTimePreKey: Bytes | null;
  readonly remoteDeviceId: string;
}

/** null when a remote key is not a valid point. */
export async function x3dhInitiate(i: InitiatorInput): Promise<X3dhResult | null> {
  const dhs = [
    await ecdh(i.identity.privateKey, i.remoteSignedPreKey),
    await ecdh(i.ephemeral.privateKey, i.remoteIdentityKey),
    await ecdh(i.ephemeral.privateKey, i.remoteSignedPreKey),
  ];
  if (i.remoteOneTimePreKey) dhs.push(await ecdh(i.ephemeral.privateKey, i.remoteOneTimePreKey));
  const sharedSecret = await deriveSecret(dhs);
  if (!sharedSecret) return null;
  return { sharedSecret, associatedData: associatedData(i.identity.publicKey, i.remoteIdentityKey, i.deviceId, i.remoteDeviceId) };
}

export interface ResponderInput {
  readonly identity: KeyPair;
  readonly signedPreKey: KeyPair;
  readonly oneTimePreKey: KeyPair | null;
  readonly deviceId: string;
  readonly remoteIdentityKey: Bytes;
  readonly remoteEphemeralKey: Bytes;
  readonly remoteDeviceId: string;
}

export async function x3dhRespond(r: ResponderInput): Promise<X3dhResult | null> {
  const dhs = [
    await ecdh(r.signedPreKey.privateKey, r.remoteIdentityKey),
    await ecdh(r.identity.privateKey, r.remoteEphemeralKey),
    await ecdh(r.signedPreKey.privateKey, r.remoteEphemeralKey),
  ];
  if (r.oneTimePreKey) dhs.push(await ecdh(r.oneTimePreKey.privateKey, r.remoteEphemeralKey));
  const sharedSecret = await deriveSecret(dhs);
  if (!sharedSecret) return null;
  return { sharedSecret, associatedData: associatedData(r.remoteIdentityKey, r.identity.publicKey, r.remoteDeviceId, r.deviceId) };
}
