// Safety numbers (docs/crypto.md §6): a per-user digest over the identity and signing keys of all its
// devices, shown as 30 digits per user, 60 in all. User ids are left out on purpose: a remote user's id
// differs between servers, its keys do not.

import { assertLength, compareBytes, concat, type Bytes } from './bytes';
import { PUBLIC_KEY_LENGTH, SAFETY_NUMBER_FORMAT, SAFETY_NUMBER_LABEL } from './labels';
import { sha256 } from './primitives';

export interface DeviceIdentityKeys {
  readonly identityKey: Bytes;
  readonly signingKey: Bytes;
}

export function userDigest(devices: readonly DeviceIdentityKeys[]): Promise<Bytes> {
  const entries = devices.map((d) => {
    assertLength('identity key', d.identityKey, PUBLIC_KEY_LENGTH);
    assertLength('signing key', d.signingKey, PUBLIC_KEY_LENGTH);
    return concat(d.identityKey, d.signingKey);
  });
  entries.sort(compareBytes);
  return sha256(concat(SAFETY_NUMBER_LABEL, new Uint8Array([SAFETY_NUMBER_FORMAT]), ...entries));
}

/** Six 5-byte big-endian integers from the first 30 bytes, each mod 100000 as 5 digits. */
export function digitsOf(digest: Bytes): string {
  assertLength('digest', digest, 32);
  let out = '';
  for (let i = 0; i < 30; i += 5) {
    let value = 0;
    for (let j = 0; j < 5; j++) value = value * 256 + (digest[i + j] ?? 0);
    out += String(value % 100000).padStart(5, '0');
  }
  return out;
}

/** 60 digits in 12 groups of 5, the two users' halves in ascending order (both sides show the same). */
export function safetyNumber(digestA: Bytes, digestB: Bytes): string {
  const halves = [digitsOf(digestA), digitsOf(digestB)].sort();
  const digits = halves.join('');
  return digits.match(/.{5}/g)!.join(' ');
}
