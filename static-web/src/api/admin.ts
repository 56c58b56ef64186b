import { api } from './client';
import type {
  AdminChannelPage,
  AdminUser,
  AdminUserPage,
  AuditLogPage,
  DailyAnalytics,
  DashboardStats,
  FederationPeer,
  Invite,
  RetryResponse,
  ServerSetting,
} from './types';

const base = '/api/v1/admin';

export const getStats = () => api.request<DashboardStats>('GET', `${base}/dashboard/stats`);
export const getAnalytics = (days: number) => api.request<{ days: DailyAnalytics[] }>('GET', `${base}/dashboard/analytics?days=${days}`);
export function listUsers(search: string, page: number): Promise<AdminUserPage> {
  const q = new URLSearchParams({ page: String(page), page_size: '50' });
  if (search !== '') q.set('search', search);
  return api.request<AdminUserPage>('GET', `${base}/users?${q.toString()}`);
}
export const banUser = (id: string, reason: string | null) => api.request<AdminUser>('POST', `${base}/users/${id}/ban`, { json: { reason } });
export const unbanUser = (id: string) => api.request<AdminUser>('POST', `${base}/users/${id}/unban`);
export const suspendUser = (id: string, hours: number, reason: string | null) =>
  api.request<AdminUser>('POST', `${base}/users/${id}/suspend`, { json: { hours, reason } });
export const unsuspendUser = (id: string) => api.request<AdminUser>('POST', `${base}/users/${id}/unsuspend`);
export const promoteUser = (id: string, role: string) => api.request<AdminUser>('POST', `${base}/users/${id}/promote`, { json: { role } });
export const deleteUser = (id: string) => api.request<void>('DELETE', `${base}/users/${id}`);
export function listAdminChannels(search: string, page: number): Promise<AdminChannelPage> {
  const q = new URLSearchParams({ page: String(page), page_size: '50' });
  if (search !== '') q.set('search', search);
  return api.request<AdminChannelPage>('GET', `${base}/channels?${q.toString()}`);
}
export const deleteAdminChannel = (id: string) => api.request<void>('DELETE', `${base}/channels/${id}`);
export const listAuditLogs = (page: number) => api.request<AuditLogPage>('GET', `${base}/audit-logs?page=${page}&page_size=50`);
export const listSettings = () => api.request<ServerSetting[]>('GET', `${base}/settings`);
export const updateSetting = (key: string, value: unknown) =>
  api.request<ServerSetting>('PUT', `${base}/settings/${encodeURIComponent(key)}`, { json: { value: { value } } });
export const listInvites = () => api.request<Invite[]>('GET', `${base}/invites`);
export const createInvite = (maxUses: number | null, expiresAt: string | null) =>
  api.request<Invite>('POST', `${base}/invites`, { json: { max_uses: maxUses, expires_at: expiresAt } });
export const revokeInvite = (code: string) => api.request<void>('DELETE', `${base}/invites/${encodeURIComponent(code)}`);
export const listPeers = () => api.request<FederationPeer[]>('GET', `${base}/federation/peers`);
export const retryPeer = (domain: string) =>
  api.request<RetryResponse>('POST', `${base}/federation/peers/${encodeURIComponent(domain)}/retry`);
