import { QueryClient, queryOptions } from '@tanstack/react-query';
import * as admin from '../api/admin';
import { getChannel, listChannels, listMembers } from '../api/channels';
import { getPublicConfig } from '../api/config';
import { listDevices } from '../api/devices';
import { getPresence } from '../api/presence';
import { getMe, getUser, searchUsers } from '../api/users';

export const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 30_000, retry: 1, refetchOnWindowFocus: false } },
});

export const configQuery = () => queryOptions({ queryKey: ['config'], queryFn: getPublicConfig, staleTime: 60_000 });
export const meQuery = () => queryOptions({ queryKey: ['me'], queryFn: getMe });
export const channelsQuery = () => queryOptions({ queryKey: ['channels'], queryFn: listChannels });
export const channelQuery = (id: string) => queryOptions({ queryKey: ['channel', id], queryFn: () => getChannel(id) });
export const membersQuery = (id: string) => queryOptions({ queryKey: ['members', id], queryFn: () => listMembers(id) });
export const userQuery = (id: string) => queryOptions({ queryKey: ['user', id], queryFn: () => getUser(id), staleTime: 300_000 });
export const devicesQuery = () => queryOptions({ queryKey: ['devices'], queryFn: listDevices });
export const searchQuery = (q: string) => queryOptions({ queryKey: ['search', q], queryFn: () => searchUsers(q), enabled: q.length > 0 });
export const presenceQuery = (ids: string[]) =>
  queryOptions({ queryKey: ['presence', [...ids].sort().join(',')], queryFn: () => getPresence(ids), enabled: ids.length > 0, refetchInterval: 60_000 });

export const adminStatsQuery = () => queryOptions({ queryKey: ['admin', 'stats'], queryFn: admin.getStats });
export const adminAnalyticsQuery = () => queryOptions({ queryKey: ['admin', 'analytics'], queryFn: () => admin.getAnalytics(14) });
export const adminUsersQuery = (search: string, page: number) =>
  queryOptions({ queryKey: ['admin', 'users', search, page], queryFn: () => admin.listUsers(search, page) });
export const adminChannelsQuery = (search: string, page: number) =>
  queryOptions({ queryKey: ['admin', 'channels', search, page], queryFn: () => admin.listAdminChannels(search, page) });
export const adminAuditQuery = (page: number) => queryOptions({ queryKey: ['admin', 'audit', page], queryFn: () => admin.listAuditLogs(page) });
export const adminSettingsQuery = () => queryOptions({ queryKey: ['admin', 'settings'], queryFn: admin.listSettings });
export const adminInvitesQuery = () => queryOptions({ queryKey: ['admin', 'invites'], queryFn: admin.listInvites });
export const adminPeersQuery = () => queryOptions({ queryKey: ['admin', 'peers'], queryFn: admin.listPeers });
