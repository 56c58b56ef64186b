import { api } from './client';
import type { TokenResponse } from './types';

export interface RegisterInput {
  username: string;
  password: string;
  display_name?: string;
  email?: string;
  invite_code?: string;
}

export const register = (input: RegisterInput) =>
  api.request<TokenResponse>('POST', '/api/v1/auth/register', { json: { ...input, device_name: 'web' } }, { auth: false });

export const login = (username: string, password: string) =>
  api.request<TokenResponse>('POST', '/api/v1/auth/login', { json: { username, password, device_name: 'web' } }, { auth: false });

export const logout = (refreshToken: string) =>
  api.request<void>('POST', '/api/v1/auth/logout', { json: { refresh_token: refreshToken } }, { auth: false });
