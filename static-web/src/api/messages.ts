import { api } from './client';
import type { Message, MessagePage } from './types';

export const PAGE_SIZE = 50;

export interface PageCursor {
  before: string;
  beforeId: string;
}

export function getMessages(channelId: string, cursor: PageCursor | null, limit = PAGE_SIZE): Promise<MessagePage> {
  const q = new URLSearchParams({ limit: String(limit) });
  if (cursor !== null) {
    q.set('before', cursor.before);
    q.set('before_id', cursor.beforeId);
  }
  return api.request<MessagePage>('GET', `/api/v1/channels/${channelId}/messages?${q.toString()}`);
}

export interface SendInput {
  content: string;
  protocol_version: 3;
  sender_device_id: string;
  client_message_id: string;
  reply_to_id: string | null;
  attachment_ids: string[];
}

export const sendMessage = (channelId: string, input: SendInput) =>
  api.request<Message>('POST', `/api/v1/channels/${channelId}/messages`, { json: { ...input, content_type: 'text' } });

export const editMessage = (messageId: string, content: string) =>
  api.request<Message>('PATCH', `/api/v1/channels/messages/${messageId}`, { json: { content } });

export const deleteMessage = (messageId: string) => api.request<void>('DELETE', `/api/v1/channels/messages/${messageId}`);
