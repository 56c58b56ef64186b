import { describe, expect, it } from 'vitest';
import { mergeById, mergeNewestPage, removeById } from './merge';

const m = (id: string, t: number, text = id) => ({ id, createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, t)).toISOString(), text });

describe('timeline merge', () => {
  it('keeps one copy per id when an event and a page carry the same message', () => {
    const merged = mergeById([m('a', 1), m('b', 2)], [m('b', 2, 'b-again'), m('c', 3)]);
    expect(merged.map((x) => x.id)).toEqual(['a', 'b', 'c']);
    expect(merged[1]?.text).toBe('b-again');
  });

  it('orders by created_at then id, whatever order events arrive in', () => {
    const merged = mergeById([], [m('z', 5), m('y', 5), m('a', 1)]);
    expect(merged.map((x) => x.id)).toEqual(['a', 'y', 'z']);
  });

  it('lets the caller keep the richer copy', () => {
    const merged = mergeById([m('a', 1, 'decrypted')], [m('a', 1, 'cipher')], (old) => old);
    expect(merged[0]?.text).toBe('decrypted');
  });

  it('drops messages inside a re-fetched page range that the server no longer has', () => {
    const existing = [m('old', 1), m('a', 10), m('gone', 11), m('b', 12)];
    const merged = mergeNewestPage(existing, [m('a', 10), m('b', 12), m('c', 13)], true);
    expect(merged.map((x) => x.id)).toEqual(['old', 'a', 'b', 'c']);
  });

  it('empties the timeline when the server says the channel has no messages at all', () => {
    expect(mergeNewestPage([m('a', 1)], [], false)).toEqual([]);
  });

  it('keeps what arrived by event while the page was in flight, which the page may predate', () => {
    const arrived = new Set(['new']);
    expect(mergeNewestPage([m('new', 20)], [], false, undefined, arrived).map((x) => x.id)).toEqual(['new']);
    const merged = mergeNewestPage([m('a', 10), m('gone', 11), m('new', 20)], [m('a', 10), m('b', 12)], false, undefined, arrived);
    expect(merged.map((x) => x.id)).toEqual(['a', 'b', 'new']);
  });

  it('removes by id', () => {
    expect(removeById([m('a', 1), m('b', 2)], 'a').map((x) => x.id)).toEqual(['b']);
  });
});
