import { describe, expect, it } from 'vitest';
import type { Message, MessagePage } from '../api/types';
import type { Plain } from './e2ee';
import { TimelineStore } from './timelineStore';

const channel = '00000000-0000-4000-8000-00000000000c';

function message(id: string, second: number): Message {
  return {
    id,
    channel_id: channel,
    sender_id: '00000000-0000-4000-8000-00000000000a',
    sender_device_id: '00000000-0000-4000-8000-00000000000d',
    content: `cipher-${id}`,
    content_type: 'text',
    protocol_version: 3,
    reply_to_id: null,
    reply_to: null,
    attachments: [],
    edited_at: null,
    created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString(),
  };
}

// A server whose newest-page answers the test releases by hand, and a crypto module that "decrypts" to the ciphertext.
function fakes() {
  const pending: ((page: MessagePage) => void)[] = [];
  const store = new TimelineStore({
    fetchPage: () => new Promise<MessagePage>((resolve) => pending.push(resolve)),
    decrypt: async (ms) => ms.map((m): Plain => ({ ok: true, value: { text: m.content } })),
  });
  return { store, answer: (page: MessagePage) => pending.shift()!(page) };
}

const ids = (store: TimelineStore) => store.get(channel).messages.map((m) => m.id);

describe('TimelineStore', () => {
  it('a message that arrives by event while the first page is in flight is kept when the page predates it', async () => {
    const { store, answer } = fakes();
    const loading = store.loadLatest(channel);
    store.apply({ type: 'message.new', message: message('sent-meanwhile', 5) });
    answer({ messages: [], has_more: false });
    await loading;

    expect(store.get(channel).loaded).toBe(true);
    expect(ids(store)).toEqual(['sent-meanwhile']);
  });

  it('a re-fetch after reconnecting drops what was deleted meanwhile and keeps what arrived during it', async () => {
    const { store, answer } = fakes();
    const first = store.loadLatest(channel);
    answer({ messages: [message('kept', 1), message('deleted', 2)], has_more: false });
    await first;

    const again = store.loadLatest(channel);
    store.apply({ type: 'message.new', message: message('during', 9) });
    answer({ messages: [message('kept', 1)], has_more: false });
    await again;

    expect(ids(store)).toEqual(['kept', 'during']);
  });
});
