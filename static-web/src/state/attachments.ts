import { useQuery } from '@tanstack/react-query';
import { downloadAttachment } from '../api/attachments';
import type { AttachmentRef } from './e2eeTypes';
import { decryptFile } from './e2ee';

/** Downloads the ciphertext blob, checks and decrypts it, and hands back an object URL (revoked on logout with the cache). */
export function useDecryptedAttachment(ref: AttachmentRef) {
  return useQuery({
    queryKey: ['attachment', ref.id, ref.sha256],
    staleTime: Infinity,
    gcTime: 10 * 60_000,
    queryFn: async () => {
      const blob = await downloadAttachment(ref.id);
      const r = await decryptFile(blob, ref);
      if (!r.ok) return { ok: false as const, reason: r.reason };
      return { ok: true as const, url: URL.createObjectURL(new Blob([r.value], { type: ref.type })) };
    },
  });
}
