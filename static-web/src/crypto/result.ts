// Typed outcomes. Decryption of untrusted input returns a result with a closed set of string codes
// (docs/crypto.md §7); encryption that cannot reach every device throws EncryptionUnavailableError.

export const DECRYPT_FAILURE_REASONS = [
  'malformed',
  'unsupported_version',
  'legacy_protocol',
  'no_session',
  'unknown_prekey',
  'untrusted_identity',
  'bad_mac',
  'duplicate',
  'too_far_ahead',
  'unknown_chain',
  'wrong_channel',
  'wrong_sender',
  'bad_signature',
  'before_device_joined',
  'not_a_recipient',
] as const;

export type DecryptFailureReason = (typeof DECRYPT_FAILURE_REASONS)[number];

export type DecryptResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: DecryptFailureReason };

export function ok<T>(value: T): DecryptResult<T> {
  return { ok: true, value };
}

export function fail<T>(reason: DecryptFailureReason): DecryptResult<T> {
  return { ok: false, reason };
}

export const ENCRYPT_FAILURE_REASONS = ['no_bundle', 'untrusted_identity', 'no_devices', 'not_a_member'] as const;
export type EncryptFailureReason = (typeof ENCRYPT_FAILURE_REASONS)[number];

/** Thrown when a message cannot be encrypted for every member device: the app shows it and posts nothing. */
export class EncryptionUnavailableError extends Error {
  override readonly name = 'EncryptionUnavailableError';
  constructor(
    readonly reason: EncryptFailureReason,
    readonly userId?: string,
    readonly deviceId?: string,
  ) {
    super(`cannot encrypt: ${reason}${deviceId ? ` (device ${deviceId})` : userId ? ` (user ${userId})` : ''}`);
  }
}
