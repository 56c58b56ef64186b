import { uploadEncryptedBlob } from '../api/attachments';
import { ApiError } from '../api/client';
import { deleteMessage, editMessage, sendMessage } from '../api/messages';
import type { Message } from '../api/types';
import { encryptFile, encryptForChannel, rememberOwn } from './e2ee';
import type { AttachmentRef, MessagePayload } from './e2eeTypes';
import { timelines, toView } from './timeline';

function retryable(e: unknown): boolean {
  return !(e instanceof ApiError) || e.status >= 500 || e.status === 429;
}

// The same ciphertext and client_message_id on every attempt: a retry after a lost answer never duplicates.
async function withRetries<T>(f: () => Promise<T>): Promise<T> {
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await f();
    } catch (e) {
      last = e;
      if (!retryable(e)) break;
      await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
    }
  }
  throw last;
}

/** Encrypts files and text on this device, uploads ciphertext only, then posts the message. */
export async function sendEncrypted(channelId: string, text: string, files: File[], replyToId: string | null, deviceId: string): Promise<Message> {
  const refs: AttachmentRef[] = [];
  for (const f of files) {
    const { blob, ref } = await encryptFile(f);
    const uploaded = await withRetries(() => uploadEncryptedBlob(channelId, blob));
    refs.push({ ...ref, id: uploaded.id });
  }
  const payload: MessagePayload = refs.length > 0 ? { text, attachments: refs } : { text };
  const enc = await encryptForChannel(channelId, payload);
  if (enc.senderDeviceId !== deviceId) throw new Error('The crypto module answered for another device.');
  const clientMessageId = crypto.randomUUID();
  const msg = await withRetries(() =>
    sendMessage(channelId, {
      content: enc.content,
      protocol_version: enc.protocolVersion,
      sender_device_id: enc.senderDeviceId,
      client_message_id: clientMessageId,
      reply_to_id: replyToId,
      attachment_ids: refs.map((r) => r.id),
    }),
  );
  await rememberOwn(msg.id, msg.content, payload);
  timelines.addOwn({ ...toView(msg), plain: { ok: true, value: payload } });
  return msg;
}

export async function editEncrypted(channelId: string, messageId: string, text: string, keep: MessagePayload): Promise<void> {
  const payload: MessagePayload = keep.attachments !== undefined ? { text, attachments: keep.attachments } : { text };
  const enc = await encryptForChannel(channelId, payload);
  const msg = await withRetries(() => editMessage(messageId, enc.content));
  await rememberOwn(messageId, enc.content, payload);
  timelines.replaceOwn(messageId, channelId, enc.content, { ok: true, value: payload }, msg.edited_at ?? new Date().toISOString());
}

export async function removeMessage(channelId: string, messageId: string): Promise<void> {
  await deleteMessage(messageId);
  timelines.remove(channelId, messageId);
}
