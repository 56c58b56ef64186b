import { api } from './client';
import type { AttachmentLink, AttachmentSnippet } from './types';

/** Uploads ciphertext only; the name and type the server sees say nothing about the file. */
export function uploadEncryptedBlob(channelId: string, blob: Uint8Array<ArrayBuffer>): Promise<AttachmentSnippet> {
  const form = new FormData();
  form.append('file', new Blob([blob], { type: 'application/octet-stream' }), 'blob');
  return api.request<AttachmentSnippet>('POST', `/api/v1/channels/${channelId}/attachments`, { form });
}

export const linkAttachment = (id: string) => api.request<AttachmentLink>('POST', `/api/v1/attachments/${id}/link`);

export async function downloadAttachment(id: string): Promise<Uint8Array<ArrayBuffer>> {
  const link = await linkAttachment(id);
  return api.download(link.url);
}
