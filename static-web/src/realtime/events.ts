import type { Channel, Message } from '../api/types';

/** Server → client events on the SignalR target `event`, or several at once on `events` (docs/realtime.md). */
export type ServerEvent =
  | { type: 'message.new'; message: Message }
  | { type: 'message.edit'; message: { id: string; channel_id: string; content: string; edited_at: string } }
  | { type: 'message.delete'; message_id: string; channel_id: string }
  | { type: 'typing.start' | 'typing.stop'; user_id: string; channel_id: string }
  | { type: 'channel.new'; channel: Channel }
  | { type: 'keys.low_otp'; device_id: string; remaining: number }
  | { type: 'sender_key.new'; channel_id: string; device_id: string };

const known = new Set(['message.new', 'message.edit', 'message.delete', 'typing.start', 'typing.stop', 'channel.new', 'keys.low_otp', 'sender_key.new']);

/** Accepts only objects with a known `type`; anything else is dropped. */
export function parseEvent(raw: unknown): ServerEvent | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const type = (raw as { type?: unknown }).type;
  if (typeof type !== 'string' || !known.has(type)) return null;
  return raw as ServerEvent;
}

/** The events of an `events` message (an array, in order), each as `parseEvent` takes it; anything else is none. */
export function parseEvents(raw: unknown): ServerEvent[] {
  if (!Array.isArray(raw)) return [];
  return raw.map(parseEvent).filter((e): e is ServerEvent => e !== null);
}
