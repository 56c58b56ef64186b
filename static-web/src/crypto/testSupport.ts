// Deterministic inputs for tests and the vector generator only (never imported by index.ts).

import { fromHex, utf8Encode, type Bytes } from './bytes';
import { dangerousTestOnlyRandom, importEd25519Seed, importPrivateScalar, sha256, type KeyPair, type TestRandomSource } from './primitives';

/** mulberry32: a small seeded generator; determinism, not quality, is the point here. */
export function seededRandom(seed: number): TestRandomSource {
  let state = seed >>> 0;
  return (length: number): Bytes => {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
    }
    return out;
  };
}

export function useSeededRandom(seed: number): void {
  dangerousTestOnlyRandom(seededRandom(seed));
}

export function useRealRandom(): void {
  dangerousTestOnlyRandom(null);
}

/** A private scalar from a name: SHA-256("D3Chat vector " + name) with the top bit cleared (below the order). */
export async function scalarFor(name: string): Promise<Bytes> {
  const d = await sha256(utf8Encode(`D3Chat vector ${name}`));
  d[0] = (d[0] ?? 0) & 0x7f;
  return d;
}

export interface NamedKey {
  readonly d: Bytes;
  readonly pair: KeyPair;
}

/** A named key pair: P-256 for ECDH or ECDSA (d is the scalar), Ed25519 for a chain signing key (d is the seed). */
export async function namedKey(name: string, use: 'ecdh' | 'ecdsa' | 'ed25519'): Promise<NamedKey> {
  const d = await scalarFor(name);
  return { d, pair: use === 'ed25519' ? await importEd25519Seed(d) : await importPrivateScalar(d, use) };
}

export async function keyFromScalarHex(hex: string, use: 'ecdh' | 'ecdsa'): Promise<KeyPair> {
  return importPrivateScalar(fromHex(hex), use);
}

export const IDS = {
  aliceUser: '0a11ce00-0000-4000-8000-000000000001',
  aliceDevice: '0a11ce00-0000-4000-8000-0000000000d1',
  aliceDevice2: '0a11ce00-0000-4000-8000-0000000000d2',
  bobUser: '00000b0b-0000-4000-8000-000000000002',
  bobDevice: '00000b0b-0000-4000-8000-0000000000d1',
  carolUser: '0000ca01-0000-4000-8000-000000000003',
  carolDevice: '0000ca01-0000-4000-8000-0000000000d1',
  channel: 'c4a77e10-0000-4000-8000-00000000c001',
  otherChannel: 'c4a77e10-0000-4000-8000-00000000c002',
} as const;
