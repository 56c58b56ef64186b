// Turns a record into a SealedRecord and back. Uint8Arrays become {"$bytes": hex}, CryptoKeys stay
// structured-clone objects referenced by index; the JSON is sealed under the wrapping key with the
// record's slot (store name and key) as AAD, so a sealed value cannot be moved to another slot.

import { fromHex, toHex, utf8Decode, utf8Encode } from '../crypto/bytes';
import { wrapOpen, wrapSeal } from '../crypto/primitives';
import type { RecordStoreName, SealedRecord } from './schema';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function encode(value: unknown, keys: CryptoKey[]): Json {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return { $bytes: toHex(value) };
  if (typeof CryptoKey !== 'undefined' && value instanceof CryptoKey) {
    keys.push(value);
    return { $key: keys.length - 1 };
  }
  if (Array.isArray(value)) return value.map((v) => encode(v, keys));
  if (typeof value === 'object') {
    const out: { [k: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = encode(v, keys);
    return out;
  }
  if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
  throw new TypeError(`cannot store a ${typeof value}`);
}

function decode(value: Json, keys: CryptoKey[]): unknown {
  if (Array.isArray(value)) return value.map((v) => decode(v, keys));
  if (value !== null && typeof value === 'object') {
    if (typeof value['$bytes'] === 'string') return fromHex(value['$bytes']);
    if (typeof value['$key'] === 'number') {
      const key = keys[value['$key']];
      if (!key) throw new Error('sealed record refers to a missing key');
      return key;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = decode(v, keys);
    return out;
  }
  return value;
}

const aadFor = (store: RecordStoreName, key: string) => utf8Encode(`${store}\u0000${key}`);

export async function seal(wrappingKey: CryptoKey, store: RecordStoreName, key: string, record: unknown): Promise<SealedRecord> {
  const keys: CryptoKey[] = [];
  const json = JSON.stringify(encode(record, keys));
  return { keys, sealed: await wrapSeal(wrappingKey, utf8Encode(json), aadFor(store, key)) };
}

/**
 * Throws if the record does not open or has a layout newer than `current`: a store that cannot be read
 * is not silently treated as empty. null for a record of an earlier layout the protocol no longer uses.
 */
export async function unseal<T extends { version: number }>(wrappingKey: CryptoKey, store: RecordStoreName, key: string, sealed: SealedRecord, current: number): Promise<T | null> {
  const plain = await wrapOpen(wrappingKey, new Uint8Array(sealed.sealed), aadFor(store, key));
  const text = plain && utf8Decode(plain);
  if (!text) throw new Error(`stored ${store} record does not open`);
  const value = decode(JSON.parse(text) as Json, sealed.keys) as T;
  if (typeof value !== 'object' || value === null || !Number.isInteger(value.version) || value.version < 1 || value.version > current) {
    throw new Error(`stored ${store} record has an unknown version`);
  }
  return value.version === current ? value : null;
}
