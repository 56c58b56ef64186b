import type { TokenResponse } from './types';

/** The signed-in device's tokens; kept in localStorage so a reload stays signed in (logout clears it). */
export interface Session {
  accessToken: string;
  refreshToken: string;
  userId: string;
  deviceId: string;
}

/** A non-2xx answer with the server's `detail` text (422 lists are joined). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

/** Why a session ended without the user asking: the app shows this on the sign-in screen. */
export type SessionEndReason = 'expired' | 'banned' | 'suspended';

const SESSION_KEY = 'd3chat.session';

type Body = { json: unknown } | { form: FormData } | undefined;

function parseDetail(body: unknown, fallback: string): string {
  if (typeof body !== 'object' || body === null || !('detail' in body)) return fallback;
  const detail = (body as { detail: unknown }).detail;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((d: unknown) => (typeof d === 'object' && d !== null && 'msg' in d ? String((d as { msg: unknown }).msg) : ''))
      .filter((m) => m !== '')
      .join('; ');
  }
  return fallback;
}

function readStoredSession(): Session | null {
  const raw = localStorage.getItem(SESSION_KEY);
  if (raw === null) return null;
  try {
    const v: unknown = JSON.parse(raw);
    if (typeof v !== 'object' || v === null) return null;
    const s = v as Record<string, unknown>;
    if (typeof s.accessToken === 'string' && typeof s.refreshToken === 'string' && typeof s.userId === 'string' && typeof s.deviceId === 'string') {
      return { accessToken: s.accessToken, refreshToken: s.refreshToken, userId: s.userId, deviceId: s.deviceId };
    }
  } catch {
    // a corrupt entry is treated as signed out
  }
  return null;
}

/**
 * The only place that calls fetch: adds the bearer token, refreshes it once on a 401 (one refresh in
 * flight at a time, shared by every caller), and ends the session when the server says the account
 * is banned or suspended, or when the refresh token no longer works.
 */
export class ApiClient {
  private session: Session | null = readStoredSession();
  private refreshing: Promise<string | null> | null = null;
  private readonly endedListeners = new Set<(reason: SessionEndReason) => void>();

  constructor(private readonly fetchFn: typeof fetch = (input, init) => fetch(input, init)) {}

  get current(): Session | null {
    return this.session;
  }

  adopt(tokens: TokenResponse): Session {
    this.session = {
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      userId: tokens.user_id,
      deviceId: tokens.device_id,
    };
    localStorage.setItem(SESSION_KEY, JSON.stringify(this.session));
    return this.session;
  }

  /** Forget the session locally (the caller revokes it on the server first when it can). */
  clear(): void {
    this.session = null;
    localStorage.removeItem(SESSION_KEY);
  }

  onSessionEnded(listener: (reason: SessionEndReason) => void): () => void {
    this.endedListeners.add(listener);
    return () => this.endedListeners.delete(listener);
  }

  /** A valid access token (refreshing when asked to); SignalR's accessTokenFactory uses this too. */
  async accessToken(forceRefresh = false): Promise<string | null> {
    if (this.session === null) return null;
    if (!forceRefresh) return this.session.accessToken;
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async refresh(): Promise<string | null> {
    const s = this.session;
    if (s === null) return null;
    const res = await this.fetchFn('/api/v1/auth/refresh', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refresh_token: s.refreshToken }),
    });
    if (!res.ok) {
      this.end('expired');
      return null;
    }
    const tokens = (await res.json()) as TokenResponse;
    return this.adopt(tokens).accessToken;
  }

  private end(reason: SessionEndReason): void {
    if (this.session === null) return;
    this.clear();
    for (const l of this.endedListeners) l(reason);
  }

  async request<T>(method: string, path: string, body?: Body, opts: { auth?: boolean } = {}): Promise<T> {
    const auth = opts.auth ?? true;
    const send = async (token: string | null): Promise<Response> => {
      const headers: Record<string, string> = {};
      let payload: BodyInit | undefined;
      if (body !== undefined && 'json' in body) {
        headers['Content-Type'] = 'application/json';
        payload = JSON.stringify(body.json);
      } else if (body !== undefined) {
        payload = body.form;
      }
      if (token !== null) headers.Authorization = `Bearer ${token}`;
      return this.fetchFn(path, { method, headers, body: payload });
    };
    let token = auth ? await this.accessToken() : null;
    let res = await send(token);
    if (res.status === 401 && auth && token !== null) {
      token = await this.accessToken(true);
      if (token === null) throw new ApiError(401, 'Your session has ended. Sign in again.');
      res = await send(token);
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    if (!res.ok) {
      const detail = parseDetail(parsed, `Request failed (${res.status})`);
      if (auth && res.status === 403 && detail === 'Account has been banned') this.end('banned');
      else if (auth && res.status === 403 && detail.startsWith('Account suspended')) this.end('suspended');
      else if (auth && res.status === 401) this.end('expired');
      throw new ApiError(res.status, detail);
    }
    return parsed as T;
  }

  /** Raw bytes of a same-origin download (signed attachment links carry their own token). */
  async download(url: string): Promise<Uint8Array<ArrayBuffer>> {
    const res = await this.fetchFn(url, { method: 'GET' });
    if (!res.ok) throw new ApiError(res.status, `Download failed (${res.status})`);
    return new Uint8Array(await res.arrayBuffer());
  }
}

export const api = new ApiClient();
