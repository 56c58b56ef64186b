import { api } from './client';
import type { Device } from './types';

export const listDevices = () => api.request<Device[]>('GET', '/api/v1/devices');
export const deleteDevice = (id: string) => api.request<void>('DELETE', `/api/v1/devices/${encodeURIComponent(id)}`);
