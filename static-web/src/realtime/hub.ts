import { HubConnectionBuilder, HubConnectionState, LogLevel, type HubConnection } from '@microsoft/signalr';
import { api } from '../api/client';
import { parseEvent, parseEvents, type ServerEvent } from './events';

export type ConnectionStatus = 'connecting' | 'online' | 'offline';

/**
 * One SignalR connection per signed-in tab, negotiated at POST /api/v1/realtime/negotiate with the
 * same token function as every HTTP call. Reconnects forever with back-off; after each (re)connect
 * the app re-fetches what it shows (onResync), because the service replays nothing.
 */
export class RealtimeHub {
  private connection: HubConnection | null = null;
  private status: ConnectionStatus = 'offline';
  private readonly statusListeners = new Set<() => void>();
  private stopped = false;
  // The browser says the network is gone: stop at once (rather than after the 30 s server timeout)
  // and reconnect as soon as it is back, re-fetching what is on screen.
  private paused = false;
  private readonly onOffline = (): void => {
    this.paused = true;
    this.setStatus('offline');
    void this.connection?.stop();
  };
  private readonly onOnline = (): void => {
    this.paused = false;
    void this.connect();
  };

  constructor(
    private readonly onEvent: (e: ServerEvent) => void,
    private readonly onResync: () => void,
  ) {}

  getStatus = (): ConnectionStatus => this.status;

  subscribe = (listener: () => void): (() => void) => {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  };

  private setStatus(s: ConnectionStatus): void {
    this.status = s;
    for (const l of this.statusListeners) l();
  }

  async start(): Promise<void> {
    this.stopped = false;
    const connection = new HubConnectionBuilder()
      .withUrl('/api/v1/realtime', { accessTokenFactory: async () => (await api.accessToken()) ?? '' })
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => Math.min(30_000, 1000 * 2 ** Math.min(ctx.previousRetryCount, 5)) })
      .configureLogging(LogLevel.None)
      .build();
    connection.on('event', (raw: unknown) => {
      const e = parseEvent(raw);
      if (e !== null) this.onEvent(e);
    });
    // Several events for one channel arrive together, in their order.
    connection.on('events', (raw: unknown) => parseEvents(raw).forEach((e) => this.onEvent(e)));
    connection.onreconnecting(() => this.setStatus('offline'));
    connection.onreconnected(() => {
      this.setStatus('online');
      this.onResync();
    });
    // Automatic reconnect gives up after a failed negotiate; keep trying while signed in.
    connection.onclose(() => {
      this.setStatus('offline');
      if (!this.stopped && !this.paused) setTimeout(() => void this.connect(), 3000);
    });
    this.connection = connection;
    window.addEventListener('offline', this.onOffline);
    window.addEventListener('online', this.onOnline);
    await this.connect();
  }

  private async connect(): Promise<void> {
    const c = this.connection;
    if (c === null || this.stopped || this.paused || c.state !== HubConnectionState.Disconnected) return;
    this.setStatus('connecting');
    try {
      await c.start();
      this.setStatus('online');
      this.onResync();
    } catch {
      this.setStatus('offline');
      if (!this.stopped && !this.paused) {
        // The token may have expired: refresh once, then retry later.
        await api.accessToken(true).catch(() => null);
        if (api.current !== null) setTimeout(() => void this.connect(), 3000);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    window.removeEventListener('offline', this.onOffline);
    window.removeEventListener('online', this.onOnline);
    const c = this.connection;
    this.connection = null;
    await c?.stop();
    this.setStatus('offline');
  }
}
