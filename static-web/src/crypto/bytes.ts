// Byte helpers. Every byte string in crypto/ is a Uint8Array<ArrayBuffer>, never a string or ArrayBuffer.

export type Bytes = Uint8Array<ArrayBuffer>;

export function bytes(length: number): Bytes {
  return new Uint8Array(length);
}

export function concat(...parts: readonly Uint8Array[]): Bytes {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A copy that owns its own ArrayBuffer (subarray views share the parent's buffer). */
export function copy(source: Uint8Array): Bytes {
  return new Uint8Array(source);
}

// Lookup tables: ids and keys are hex- and base64-coded on every message (map keys, AAD, the wire),
// and per-character string work showed up in the browser profile of a message round trip.
const HEX_OF_BYTE = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** The value of an ASCII character in `alphabet`, -1 for any other character. */
function decodeTable(alphabet: string, caseInsensitive = false): Int8Array {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) {
    table[alphabet.charCodeAt(i)] = i;
    if (caseInsensitive) table[alphabet.toUpperCase().charCodeAt(i)] = i;
  }
  return table;
}
const HEX_VALUE = decodeTable('0123456789abcdef', true);

export function toHex(data: Uint8Array): string {
  let out = '';
  for (let i = 0; i < data.length; i++) out += HEX_OF_BYTE[data[i]!]!;
  return out;
}

export function fromHex(hex: string): Bytes {
  if (hex.length % 2 !== 0) throw new TypeError('fromHex: not an even-length hex string');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = HEX_VALUE[hex.charCodeAt(2 * i)] ?? -1;
    const lo = HEX_VALUE[hex.charCodeAt(2 * i + 1)] ?? -1;
    if (hi < 0 || lo < 0) throw new TypeError('fromHex: not an even-length hex string');
    out[i] = (hi << 4) | lo;
  }
  return out;
}

// Stateless when used without { stream: true }, so one instance of each serves every call.
const UTF8_ENCODER = new TextEncoder();
const UTF8_STRICT_DECODER = new TextDecoder('utf-8', { fatal: true });

export function utf8Encode(text: string): Bytes {
  return UTF8_ENCODER.encode(text) as Bytes;
}

/** Strict UTF-8 decoding: invalid sequences are malformed input, not replacement characters. */
export function utf8Decode(data: Uint8Array): string | null {
  try {
    return UTF8_STRICT_DECODER.decode(data);
  } catch {
    return null;
  }
}

export function u32(value: number): Bytes {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError('u32: out of range');
  return new Uint8Array([value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255]);
}

export function readU32(data: Uint8Array, offset: number): number {
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(offset, false);
}

/** Compares without an early exit, so timing does not reveal where two secrets differ. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return constantTimeEqual(a, b);
}

/** Compares bytewise (shorter prefix first); used to sort keys for safety numbers. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Throws for a programming error (a wrong length from our own code), never for untrusted input. */
export function assertLength(name: string, data: Uint8Array, length: number): void {
  if (!(data instanceof Uint8Array)) throw new TypeError(`${name}: expected Uint8Array`);
  if (data.length !== length) throw new RangeError(`${name}: expected ${length} bytes, got ${data.length}`);
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/** A UUID as its 16 bytes in RFC 4122 order: the hex digits of the string form, in order. */
export function uuidToBytes(id: string): Bytes {
  if (!isUuid(id)) throw new TypeError('uuidToBytes: not a UUID');
  const out = new Uint8Array(16);
  for (let i = 0, c = 0; i < 16; i++, c += 2) {
    if (c === 8 || c === 13 || c === 18 || c === 23) c++;
    out[i] = (HEX_VALUE[id.charCodeAt(c)]! << 4) | HEX_VALUE[id.charCodeAt(c + 1)]!;
  }
  return out;
}

export function bytesToUuid(data: Uint8Array): string {
  assertLength('uuid', data, 16);
  const h = toHex(data);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_VALUE = decodeTable(B64);

/** Standard base64 with padding, as on the wire. */
export function toBase64(data: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < data.length; i += 3) {
    const n = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
  }
  const rest = data.length - i;
  if (rest === 1) {
    const n = data[i]! << 16;
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const n = (data[i]! << 16) | (data[i + 1]! << 8);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + '=';
  }
  return out;
}

/** Strict decoding of padded standard base64; null for anything else (untrusted input). */
export function fromBase64(text: string): Bytes | null {
  if (text.length % 4 !== 0) return null;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const digits = text.length - padding;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let n = 0;
  let o = 0;
  for (let i = 0; i < digits; i++) {
    const v = B64_VALUE[text.charCodeAt(i)] ?? -1;
    if (v < 0) return null; // '=' too: padding only at the end
    n = (n << 6) | v;
    if ((i & 3) === 3) {
      out[o++] = (n >> 16) & 255;
      out[o++] = (n >> 8) & 255;
      out[o++] = n & 255;
      n = 0;
    }
  }
  // The last group: its unused low bits must be zero, or two strings would decode to the same bytes.
  if (padding === 2) {
    if ((n & 15) !== 0) return null;
    out[o] = n >> 4;
  } else if (padding === 1) {
    if ((n & 3) !== 0) return null;
    out[o] = n >> 10;
    out[o + 1] = (n >> 2) & 255;
  }
  return out;
}
