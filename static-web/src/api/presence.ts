import { api } from './client';
import type { PresenceEntry } from './types';

export const setPresence = (status: PresenceEntry['status']) => api.request<void>('PUT', '/api/v1/presence', { json: { status } });
export const getPresence = (userIds: string[]) =>
  api.request<PresenceEntry[]>('GET', `/api/v1/presence?user_ids=${userIds.map(encodeURIComponent).join(',')}`);
