import { beforeEach, describe, expect, it, vi } from 'vitest';

// A Map-backed localStorage, the one browser API client.ts touches.
const storage = new Map<string, string>();
vi.stubGlobal('localStorage', {
  getItem: (k: string) => storage.get(k) ?? null,
  setItem: (k: string, v: string) => void storage.set(k, v),
  removeItem: (k: string) => void storage.delete(k),
});
const { ApiClient, ApiError } = await import('./client');

const tokens = (n: number) => ({ access_token: `access-${n}`, refresh_token: `refresh-${n}`, token_type: 'bearer', user_id: 'u', device_id: 'd' });
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('ApiClient', () => {
  beforeEach(() => storage.clear());

  it('refreshes an expired token once for concurrent callers and retries each request', async () => {
    const seen: string[] = [];
    let refreshes = 0;
    const fake = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
      const path = String(url);
      if (path === '/api/v1/auth/refresh') {
        refreshes++;
        await new Promise((r) => setTimeout(r, 5));
        return json(200, tokens(2));
      }
      const auth = new Headers(init?.headers).get('Authorization');
      seen.push(`${path} ${auth}`);
      return auth === 'Bearer access-2' ? json(200, { ok: path }) : json(401, { detail: 'Invalid token' });
    });
    const api = new ApiClient(fake as typeof fetch);
    api.adopt(tokens(1));
    const [a, b] = await Promise.all([api.request<{ ok: string }>('GET', '/a'), api.request<{ ok: string }>('GET', '/b')]);
    expect([a.ok, b.ok]).toEqual(['/a', '/b']);
    expect(refreshes).toBe(1);
    expect(api.current?.refreshToken).toBe('refresh-2');
  });

  it('ends the session with the reason when the account is banned', async () => {
    const api = new ApiClient((async () => json(403, { detail: 'Account has been banned' })) as typeof fetch);
    api.adopt(tokens(1));
    const ended: string[] = [];
    api.onSessionEnded((r) => ended.push(r));
    await expect(api.request('GET', '/x')).rejects.toEqual(new ApiError(403, 'Account has been banned'));
    expect(ended).toEqual(['banned']);
    expect(api.current).toBeNull();
    expect(storage.size).toBe(0);
  });

  it('turns a 422 list into one readable detail', async () => {
    const api = new ApiClient((async () => json(422, { detail: [{ loc: ['body', 'username'], msg: 'too short' }, { msg: 'bad' }] })) as typeof fetch);
    await expect(api.request('POST', '/x', undefined, { auth: false })).rejects.toMatchObject({ status: 422, detail: 'too short; bad' });
  });
});
