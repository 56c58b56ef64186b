import { api } from './client';
import type { Me, PublicUser } from './types';

export interface ProfilePatch {
  display_name?: string | null;
  bio?: string | null;
  status_message?: string | null;
  email?: string | null;
  email_visible?: boolean;
}

export const getMe = () => api.request<Me>('GET', '/api/v1/users/me');
export const updateMe = (patch: ProfilePatch) => api.request<Me>('PATCH', '/api/v1/users/me', { json: patch });
export const getUser = (id: string) => api.request<PublicUser>('GET', `/api/v1/users/${encodeURIComponent(id)}`);
export const searchUsers = (q: string) => api.request<PublicUser[]>('GET', `/api/v1/users/search?q=${encodeURIComponent(q)}`);
export const lookupUser = (identity: string) =>
  api.request<PublicUser>('GET', `/api/v1/users/lookup?identity=${encodeURIComponent(identity)}`);
export const changePassword = (oldPassword: string, newPassword: string) =>
  api.request<void>('POST', '/api/v1/users/me/password', { json: { old_password: oldPassword, new_password: newPassword } });

export function uploadAvatar(file: Blob, name: string): Promise<Me> {
  const form = new FormData();
  form.append('file', file, name);
  return api.request<Me>('POST', '/api/v1/users/me/avatar', { form });
}
export const removeAvatar = () => api.request<Me>('DELETE', '/api/v1/users/me/avatar');
