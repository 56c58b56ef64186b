// Pure timeline operations: every message is kept once, by id, in (created_at, id) order.

export interface Ordered {
  id: string;
  createdAt: string;
}

function compare(a: Ordered, b: Ordered): number {
  const ta = Date.parse(a.createdAt);
  const tb = Date.parse(b.createdAt);
  if (ta !== tb) return ta - tb;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Union by id; for an id present on both sides `prefer(old, incoming)` decides which copy stays. */
export function mergeById<T extends Ordered>(existing: readonly T[], incoming: readonly T[], prefer: (old: T, incoming: T) => T = (_o, n) => n): T[] {
  const byId = new Map<string, T>();
  for (const m of existing) byId.set(m.id, m);
  for (const m of incoming) {
    const old = byId.get(m.id);
    byId.set(m.id, old === undefined ? m : prefer(old, m));
  }
  return [...byId.values()].sort(compare);
}

/**
 * Merge a freshly fetched newest page: messages inside the page's time range that the server no longer
 * returns were deleted while we were not listening, so they go too. Those in `arrived` came by event
 * while the page was in flight: the page may predate them, so they stay whatever it says.
 */
export function mergeNewestPage<T extends Ordered>(
  existing: readonly T[],
  page: readonly T[],
  hasMore: boolean,
  prefer?: (old: T, incoming: T) => T,
  arrived: ReadonlySet<string> = new Set(),
): T[] {
  const first = page[0];
  const ids = new Set(page.map((m) => m.id));
  const kept =
    first === undefined && hasMore
      ? existing
      : existing.filter((m) => ids.has(m.id) || arrived.has(m.id) || (first !== undefined && compare(m, first) < 0));
  return mergeById(kept, page, prefer);
}

export function removeById<T extends Ordered>(list: readonly T[], id: string): T[] {
  return list.filter((m) => m.id !== id);
}
