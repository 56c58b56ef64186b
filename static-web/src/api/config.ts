import { api } from './client';
import type { PublicConfig } from './types';

export const getPublicConfig = () => api.request<PublicConfig>('GET', '/api/v1/config', undefined, { auth: false });
