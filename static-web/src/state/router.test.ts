import { describe, expect, it, vi } from 'vitest';

vi.stubGlobal('window', { addEventListener: () => undefined, location: { pathname: '/' }, history: { pushState: () => undefined } });
const { parseRoute } = await import('./router');

describe('routes', () => {
  it('maps channel and DM paths to the channel view', () => {
    expect(parseRoute('/channels/abc')).toEqual({ name: 'channel', id: 'abc' });
    expect(parseRoute('/dms/abc')).toEqual({ name: 'channel', id: 'abc' });
  });
  it('maps admin sections and falls back to the dashboard', () => {
    expect(parseRoute('/admin/users')).toEqual({ name: 'admin', section: 'users' });
    expect(parseRoute('/admin/nope')).toEqual({ name: 'admin', section: 'dashboard' });
  });
  it('sends anything else home', () => {
    expect(parseRoute('/x/y')).toEqual({ name: 'home' });
  });
});
