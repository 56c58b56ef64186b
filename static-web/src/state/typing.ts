// Who is typing where. A start without its stop (lost event) expires after a few seconds.

const EXPIRY_MS = 6000;

export class TypingStore {
  private readonly byChannel = new Map<string, Map<string, ReturnType<typeof setTimeout>>>();
  private readonly snapshots = new Map<string, string[]>();
  private readonly listeners = new Set<() => void>();

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  /** Stable array per channel (same reference until it changes), as useSyncExternalStore needs. */
  get = (channelId: string): string[] => this.snapshots.get(channelId) ?? NONE;

  start(channelId: string, userId: string): void {
    const users = this.byChannel.get(channelId) ?? new Map<string, ReturnType<typeof setTimeout>>();
    const old = users.get(userId);
    if (old !== undefined) clearTimeout(old);
    users.set(userId, setTimeout(() => this.stop(channelId, userId), EXPIRY_MS));
    this.byChannel.set(channelId, users);
    if (old === undefined) this.changed(channelId);
  }

  stop(channelId: string, userId: string): void {
    const users = this.byChannel.get(channelId);
    const t = users?.get(userId);
    if (users === undefined || t === undefined) return;
    clearTimeout(t);
    users.delete(userId);
    this.changed(channelId);
  }

  clear(): void {
    for (const users of this.byChannel.values()) for (const t of users.values()) clearTimeout(t);
    this.byChannel.clear();
    this.snapshots.clear();
    for (const l of this.listeners) l();
  }

  private changed(channelId: string): void {
    this.snapshots.set(channelId, [...(this.byChannel.get(channelId)?.keys() ?? [])]);
    for (const l of this.listeners) l();
  }
}

const NONE: string[] = [];
export const typing = new TypingStore();
