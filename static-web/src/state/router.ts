import { useSyncExternalStore } from 'react';

// A few routes are all the app has; the History API is enough (Static Web Apps falls back to index.html).
export type Route =
  | { name: 'home' }
  | { name: 'channel'; id: string }
  | { name: 'settings' }
  | { name: 'admin'; section: AdminSection };

export type AdminSection = 'dashboard' | 'users' | 'channels' | 'audit' | 'settings' | 'invites' | 'federation';
const adminSections: AdminSection[] = ['dashboard', 'users', 'channels', 'audit', 'settings', 'invites', 'federation'];

export function parseRoute(path: string): Route {
  const parts = path.split('/').filter((p) => p !== '');
  if ((parts[0] === 'channels' || parts[0] === 'dms') && parts[1] !== undefined) return { name: 'channel', id: parts[1] };
  if (parts[0] === 'settings') return { name: 'settings' };
  if (parts[0] === 'admin') {
    const s = parts[1] ?? 'dashboard';
    return { name: 'admin', section: adminSections.find((a) => a === s) ?? 'dashboard' };
  }
  return { name: 'home' };
}

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((l) => l()));

export function navigate(path: string): void {
  if (window.location.pathname === path) return;
  window.history.pushState(null, '', path);
  listeners.forEach((l) => l());
}

export function useRoute(): Route {
  const path = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => window.location.pathname,
  );
  return parseRoute(path);
}
