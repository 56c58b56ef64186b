import { api } from './client';
import type { Channel, ChannelMember } from './types';

export const listChannels = () => api.request<Channel[]>('GET', '/api/v1/channels');
export const getChannel = (id: string) => api.request<Channel>('GET', `/api/v1/channels/${id}`);
export const createChannel = (name: string, isPublic: boolean) =>
  api.request<Channel>('POST', '/api/v1/channels', { json: { name, is_public: isPublic } });
export const openDm = (userId: string) => api.request<Channel>('POST', '/api/v1/channels/dm', { json: { user_id: userId } });
export const listMembers = (id: string) => api.request<ChannelMember[]>('GET', `/api/v1/channels/${id}/members`);
export const addMember = (id: string, userId: string) =>
  api.request<ChannelMember>('POST', `/api/v1/channels/${id}/members`, { json: { user_id: userId } });
export const leaveChannel = (id: string) => api.request<void>('POST', `/api/v1/channels/${id}/leave`);
export const sendTyping = (id: string, state: 'start' | 'stop') =>
  api.request<void>('POST', `/api/v1/channels/${id}/typing`, { json: { state } });
