import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, type ReactNode } from 'react';
import type { ViewMessage } from '../state/timeline';
import type { AttachmentRef } from '../state/e2eeTypes';
import { DecryptionFailure } from './DecryptionFailure';

export interface MessageListProps {
  messages: ViewMessage[];
  hasMore: boolean;
  loadingOlder: boolean;
  ownUserId: string;
  nameOf: (userId: string | null) => string;
  onLoadOlder: () => void;
  onReply: (m: ViewMessage) => void;
  onEdit: (m: ViewMessage) => void;
  onDelete: (m: ViewMessage) => void;
  renderAttachment: (ref: AttachmentRef) => ReactNode;
}

const ESTIMATED_ROW = 88;

function time(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function bodyText(m: ViewMessage | undefined): string {
  if (m === undefined) return 'Original message deleted';
  if (m.plain === null) return 'Decrypting…';
  return m.plain.ok ? m.plain.value.text : 'Unable to decrypt';
}

/**
 * The message view: a virtualized log (only rows near the viewport exist in the DOM), newest at the
 * bottom; scrolling near the top loads the previous page and keeps the reading position.
 */
export function MessageList(p: MessageListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const byId = new Map(p.messages.map((m) => [m.id, m]));
  const v = useVirtualizer({
    count: p.messages.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ESTIMATED_ROW,
    overscan: 8,
    // A conversation opens at its newest message: start the range at the end, so the very first
    // render already holds the rows the reader will see.
    initialOffset: () => p.messages.length * ESTIMATED_ROW,
    initialRect: { width: 0, height: 800 },
    getItemKey: (i) => p.messages[i]?.id ?? i,
  });

  // Stick to the bottom when new messages arrive and the reader was already there; when older
  // messages are prepended, keep the first previously visible message in place.
  const prev = useRef<{ firstId: string | undefined; lastId: string | undefined; count: number }>({ firstId: undefined, lastId: undefined, count: 0 });
  const atBottom = useRef(true);
  useLayoutEffect(() => {
    const first = p.messages[0]?.id;
    const last = p.messages[p.messages.length - 1]?.id;
    const before = prev.current;
    if (p.messages.length > 0) {
      if (before.count > 0 && first !== before.firstId && before.firstId !== undefined && last === before.lastId) {
        const idx = p.messages.findIndex((m) => m.id === before.firstId);
        if (idx > 0) v.scrollToIndex(idx, { align: 'start' });
      } else if (atBottom.current || before.count === 0) {
        v.scrollToIndex(p.messages.length - 1, { align: 'end' });
      }
    }
    prev.current = { firstId: first, lastId: last, count: p.messages.length };
  }, [p.messages, v]);

  const { hasMore, loadingOlder, onLoadOlder } = p;
  useEffect(() => {
    const el = scrollRef.current;
    if (el === null) return;
    const onScroll = () => {
      atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
      if (el.scrollTop < 200 && hasMore && !loadingOlder) onLoadOlder();
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => el.removeEventListener('scroll', onScroll);
  }, [hasMore, loadingOlder, onLoadOlder]);

  return (
    <div ref={scrollRef} className="message-scroll" role="log" aria-label="Messages" aria-live="polite" tabIndex={0}>
      {loadingOlder && <p role="status" className="muted center">Loading older messages…</p>}
      {!hasMore && p.messages.length > 0 && <p className="muted center">Beginning of the conversation</p>}
      {p.messages.length === 0 && <p className="muted center">No messages yet. Say hello!</p>}
      <div className="message-canvas" ref={(el) => el?.style.setProperty('height', `${v.getTotalSize()}px`)}>
        {v.getVirtualItems().map((item) => {
          const m = p.messages[item.index];
          if (m === undefined) return null;
          const own = m.senderId === p.ownUserId;
          const sender = p.nameOf(m.senderId);
          const parent = m.replyToId === null ? undefined : byId.get(m.replyToId);
          return (
            <div
              key={item.key}
              data-index={item.index}
              ref={(el) => {
                if (el === null) return;
                el.style.setProperty('transform', `translateY(${item.start}px)`);
                v.measureElement(el);
              }}
              className="message-row"
            >
              <article className={own ? 'message own' : 'message'} aria-label={`Message from ${sender}`}>
                <header className="message-meta">
                  <span className="sender">{sender}</span> <time dateTime={m.createdAt}>{time(m.createdAt)}</time>
                  {m.editedAt !== null && <span className="muted"> (edited)</span>}
                </header>
                {m.replyToId !== null && (
                  <blockquote className="reply-quote" aria-label="In reply to">
                    {parent === undefined ? 'Original message not loaded or deleted' : `${p.nameOf(parent.senderId)}: ${bodyText(parent)}`}
                  </blockquote>
                )}
                {m.plain === null ? (
                  <p className="muted">Decrypting…</p>
                ) : m.plain.ok ? (
                  <>
                    {m.plain.value.text !== '' && <p className="message-text">{m.plain.value.text}</p>}
                    {m.plain.value.attachments?.map((a) => <div key={a.id}>{p.renderAttachment(a)}</div>)}
                  </>
                ) : (
                  <DecryptionFailure reason={m.plain.reason} />
                )}
                <div className="message-actions">
                  <button type="button" onClick={() => p.onReply(m)} aria-label={`Reply to ${sender}`}>
                    Reply
                  </button>
                  {own && m.plain?.ok === true && (
                    <button type="button" onClick={() => p.onEdit(m)} aria-label="Edit message">
                      Edit
                    </button>
                  )}
                  {own && (
                    <button type="button" onClick={() => p.onDelete(m)} aria-label="Delete message">
                      Delete
                    </button>
                  )}
                </div>
              </article>
            </div>
          );
        })}
      </div>
    </div>
  );
}
