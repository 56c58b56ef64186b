// Attachments (docs/crypto.md §5): a fresh key and nonce per file; the server stores only the blob.
// The key, the blob's SHA-256 and the filename travel inside the encrypted message.

import { constantTimeEqual, concat, type Bytes } from './bytes';
import { ATTACHMENT_AAD, NONCE_LENGTH, SYMMETRIC_KEY_LENGTH, TAG_LENGTH } from './labels';
import { aesGcmOpen, aesGcmSeal, randomBytes, sha256 } from './primitives';
import { fail, ok, type DecryptResult } from './result';

export interface SealedAttachment {
  readonly blob: Bytes;
  readonly key: Bytes;
  readonly sha256: Bytes;
}

export function sealAttachment(data: Bytes): Promise<SealedAttachment> {
  return sealAttachmentWith(randomBytes(SYMMETRIC_KEY_LENGTH), randomBytes(NONCE_LENGTH), data);
}

/** blob = nonce ‖ AES-GCM(key, nonce, data, aad = ATTACHMENT_AAD); exported for the vectors. */
export async function sealAttachmentWith(key: Bytes, nonce: Bytes, data: Bytes): Promise<SealedAttachment> {
  const blob = concat(nonce, await aesGcmSeal(key, nonce, data, ATTACHMENT_AAD));
  return { blob, key, sha256: await sha256(blob) };
}

/** The hash is checked before decrypting, so a swapped blob is refused even under the right key. */
export async function openAttachment(blob: Bytes, key: Bytes, expectedSha256: Bytes): Promise<DecryptResult<Bytes>> {
  if (key.length !== SYMMETRIC_KEY_LENGTH || blob.length < NONCE_LENGTH + TAG_LENGTH) return fail('malformed');
  if (!constantTimeEqual(await sha256(blob), expectedSha256)) return fail('bad_mac');
  const plaintext = await aesGcmOpen(key, blob.slice(0, NONCE_LENGTH), blob.slice(NONCE_LENGTH), ATTACHMENT_AAD);
  return plaintext ? ok(plaintext) : fail('bad_mac');
}
