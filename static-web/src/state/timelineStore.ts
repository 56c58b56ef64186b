// The timeline model with its sources passed in (timeline.ts wires the API and the crypto module), so
// tests run it over hand-written fakes without a browser.
import type { getMessages } from '../api/messages';
import type { AttachmentSnippet, Message } from '../api/types';
import type { ServerEvent } from '../realtime/events';
import type { decryptBodies, Plain } from './e2ee';
import { mergeById, mergeNewestPage, removeById } from './merge';

/** A message as the UI shows it: server metadata plus the decrypted body (null while decrypting). */
export interface ViewMessage {
  id: string;
  channelId: string;
  senderId: string | null;
  senderDeviceId: string | null;
  createdAt: string;
  editedAt: string | null;
  replyToId: string | null;
  attachments: AttachmentSnippet[];
  content: string;
  protocolVersion: number;
  plain: Plain | null;
}

export interface Timeline {
  messages: ViewMessage[];
  hasMore: boolean;
  loaded: boolean;
  loadingOlder: boolean;
  error: string | null;
}

const EMPTY: Timeline = { messages: [], hasMore: false, loaded: false, loadingOlder: false, error: null };

export function toView(m: Message): ViewMessage {
  return {
    id: m.id,
    channelId: m.channel_id,
    senderId: m.sender_id,
    senderDeviceId: m.sender_device_id,
    createdAt: m.created_at,
    editedAt: m.edited_at,
    replyToId: m.reply_to_id,
    attachments: m.attachments,
    content: m.content,
    protocolVersion: m.protocol_version,
    plain: null,
  };
}

// The same ciphertext keeps its decrypted body; an edit (new ciphertext) replaces it.
const preferDecrypted = (old: ViewMessage, incoming: ViewMessage): ViewMessage =>
  old.content === incoming.content ? { ...incoming, plain: old.plain ?? incoming.plain } : incoming;

/** Where a timeline's pages and plaintexts come from: the API and the crypto module, or a test's fakes. */
export interface TimelineSources {
  fetchPage: typeof getMessages;
  decrypt: typeof decryptBodies;
}

/**
 * Per-channel message timelines: HTTP pages and realtime events merged by id, decrypted in
 * arrival order, one decryption at a time per channel.
 */
export class TimelineStore {
  private readonly timelines = new Map<string, Timeline>();
  private readonly listeners = new Set<() => void>();
  private readonly decryptQueues = new Map<string, Promise<void>>();
  /** Per channel, one set per newest-page fetch in flight: the ids of messages that arrived by event meanwhile. */
  private readonly arrivingDuringFetch = new Map<string, Set<Set<string>>>();

  constructor(private readonly sources: TimelineSources) {}

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  get = (channelId: string): Timeline => this.timelines.get(channelId) ?? EMPTY;

  loadedChannels(): string[] {
    return [...this.timelines.keys()];
  }

  private set(channelId: string, t: Timeline): void {
    this.timelines.set(channelId, t);
    for (const l of this.listeners) l();
  }

  private update(channelId: string, f: (t: Timeline) => Timeline): void {
    this.set(channelId, f(this.get(channelId)));
  }

  /**
   * Newest page; also the re-fetch after every reconnect (merged, deletions while away applied). The
   * timeline exists from the start, so a message that arrives by event while the page is in flight
   * is kept: the page may have been read before it was stored.
   */
  async loadLatest(channelId: string): Promise<void> {
    const arrived = new Set<string>();
    const fetches = this.arrivingDuringFetch.get(channelId) ?? new Set<Set<string>>();
    this.arrivingDuringFetch.set(channelId, fetches.add(arrived));
    if (!this.timelines.has(channelId)) this.set(channelId, EMPTY);
    try {
      const page = await this.sources.fetchPage(channelId, null);
      const views = page.messages.map(toView);
      this.update(channelId, (t) => ({
        ...t,
        loaded: true,
        error: null,
        hasMore: t.loaded ? t.hasMore || page.has_more : page.has_more,
        messages: mergeNewestPage(t.messages, views, page.has_more, preferDecrypted, arrived),
      }));
      this.decrypt(channelId, views);
    } catch (e) {
      this.update(channelId, (t) => ({ ...t, loaded: true, error: e instanceof Error ? e.message : String(e) }));
    } finally {
      fetches.delete(arrived);
    }
  }

  async loadOlder(channelId: string): Promise<void> {
    const t = this.get(channelId);
    const oldest = t.messages[0];
    if (!t.hasMore || t.loadingOlder || oldest === undefined) return;
    this.set(channelId, { ...t, loadingOlder: true });
    try {
      const page = await this.sources.fetchPage(channelId, { before: oldest.createdAt, beforeId: oldest.id });
      const views = page.messages.map(toView);
      this.update(channelId, (cur) => ({
        ...cur,
        loadingOlder: false,
        hasMore: page.has_more,
        messages: mergeById(cur.messages, views, preferDecrypted),
      }));
      this.decrypt(channelId, views);
    } catch (e) {
      this.update(channelId, (cur) => ({ ...cur, loadingOlder: false, error: e instanceof Error ? e.message : String(e) }));
    }
  }

  /** Our own send: shown at once with the body we already know. */
  addOwn(view: ViewMessage): void {
    this.update(view.channelId, (t) => ({ ...t, messages: mergeById(t.messages, [view]) }));
  }

  /** This device's own live sends are filled in by addOwn, never decrypted. */
  ownDeviceId: string | null = null;

  replaceOwn(id: string, channelId: string, content: string, plain: Plain, editedAt: string): void {
    this.update(channelId, (t) => ({
      ...t,
      messages: t.messages.map((m) => (m.id === id ? { ...m, content, plain, editedAt } : m)),
    }));
  }

  remove(channelId: string, id: string): void {
    this.update(channelId, (t) => ({ ...t, messages: removeById(t.messages, id) }));
  }

  apply(e: ServerEvent): void {
    switch (e.type) {
      case 'message.new': {
        if (!this.timelines.has(e.message.channel_id)) return;
        const view = toView(e.message);
        for (const arrived of this.arrivingDuringFetch.get(view.channelId) ?? []) arrived.add(view.id);
        this.update(view.channelId, (t) => ({ ...t, messages: mergeById(t.messages, [view], preferDecrypted) }));
        if (view.senderDeviceId === null || view.senderDeviceId !== this.ownDeviceId) this.decrypt(view.channelId, [view]);
        return;
      }
      case 'message.edit': {
        const t = this.timelines.get(e.message.channel_id);
        const old = t?.messages.find((m) => m.id === e.message.id);
        if (t === undefined || old === undefined || old.content === e.message.content) return;
        if (old.senderDeviceId !== null && old.senderDeviceId === this.ownDeviceId) return;
        const view: ViewMessage = { ...old, content: e.message.content, editedAt: e.message.edited_at, plain: null };
        this.set(view.channelId, { ...t, messages: mergeById(t.messages, [view]) });
        this.decrypt(view.channelId, [view]);
        return;
      }
      case 'message.delete':
        if (this.timelines.has(e.channel_id)) this.remove(e.channel_id, e.message_id);
        return;
      default:
        return;
    }
  }

  clear(): void {
    this.timelines.clear();
    this.decryptQueues.clear();
    for (const l of this.listeners) l();
  }

  private decrypt(channelId: string, views: ViewMessage[]): void {
    const todo = views.filter((v) => v.plain === null);
    if (todo.length === 0) return;
    const prev = this.decryptQueues.get(channelId) ?? Promise.resolve();
    const next = prev.then(async () => {
      // One call per page: the module verifies the page's signatures concurrently and stores its chains once.
      const plains = await this.sources.decrypt(
        todo.map((v) => ({ id: v.id, channelId, senderUserId: v.senderId, senderDeviceId: v.senderDeviceId, content: v.content, protocolVersion: v.protocolVersion })),
      ).catch((): Plain[] => todo.map(() => ({ ok: false, reason: 'malformed' })));
      const byId = new Map(todo.map((v, i) => [v.id, { content: v.content, plain: plains[i]! }]));
      this.update(channelId, (t) => ({
        ...t,
        messages: t.messages.map((m) => {
          const d = byId.get(m.id);
          return d !== undefined && m.content === d.content && m.plain === null ? { ...m, plain: d.plain } : m;
        }),
      }));
    });
    this.decryptQueues.set(channelId, next);
  }
}
