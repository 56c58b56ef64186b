import { useSyncExternalStore } from 'react';
import { api, type SessionEndReason } from '../api/client';
import { logout as apiLogout } from '../api/auth';
import { setPresence } from '../api/presence';
import type { TokenResponse } from '../api/types';
import { RealtimeHub, type ConnectionStatus } from '../realtime/hub';
import type { ServerEvent } from '../realtime/events';
import { onSafetyNumberChanged, replenishKeys, startE2ee, wipeLocalSecrets } from './e2ee';
import { channelsQuery, queryClient } from './queries';
import { timelines } from './timeline';
import { typing } from './typing';

export interface SessionState {
  signedIn: boolean;
  userId: string | null;
  deviceId: string | null;
  /** Shown on the sign-in screen after a session ended without the user asking. */
  endedReason: SessionEndReason | null;
  /** Set when device keys could not be created or uploaded. */
  cryptoError: string | null;
  /** Contacts whose safety number changed since it was last accepted (the module's event). */
  safetyChanged: string[];
}

let state: SessionState = {
  signedIn: api.current !== null,
  userId: api.current?.userId ?? null,
  deviceId: api.current?.deviceId ?? null,
  endedReason: null,
  cryptoError: null,
  safetyChanged: [],
};
const listeners = new Set<() => void>();
function set(next: Partial<SessionState>): void {
  state = { ...state, ...next };
  listeners.forEach((l) => l());
}

export function useSession(): SessionState {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => state,
  );
}

function onEvent(e: ServerEvent): void {
  switch (e.type) {
    case 'message.new':
    case 'message.edit':
    case 'message.delete':
      timelines.apply(e);
      if (e.type === 'message.new' && e.message.sender_id !== null) typing.stop(e.message.channel_id, e.message.sender_id);
      return;
    case 'typing.start':
      if (e.user_id !== state.userId) typing.start(e.channel_id, e.user_id);
      return;
    case 'typing.stop':
      typing.stop(e.channel_id, e.user_id);
      return;
    case 'keys.low_otp':
      if (e.device_id === state.deviceId) void replenishKeys().catch(() => undefined);
      return;
    case 'channel.new':
      void queryClient.invalidateQueries({ queryKey: channelsQuery().queryKey });
      void queryClient.invalidateQueries({ queryKey: ['members', e.channel.id] });
      return;
    default:
      return;
  }
}

/** After every (re)connect: what is on screen is fetched again over HTTP and merged by id. */
function resync(): void {
  void queryClient.invalidateQueries();
  for (const id of timelines.loadedChannels()) void timelines.loadLatest(id);
}

const hub = new RealtimeHub(onEvent, resync);
export const connectionStatus = { subscribe: hub.subscribe, get: hub.getStatus };
export function useConnectionStatus(): ConnectionStatus {
  return useSyncExternalStore(hub.subscribe, hub.getStatus);
}

let heartbeat: ReturnType<typeof setInterval> | null = null;

async function startSignedIn(): Promise<void> {
  const s = api.current;
  if (s === null) return;
  set({ signedIn: true, userId: s.userId, deviceId: s.deviceId, endedReason: null, cryptoError: null, safetyChanged: [] });
  timelines.ownDeviceId = s.deviceId;
  void hub.start();
  void setPresence('online').catch(() => undefined);
  heartbeat = setInterval(() => void setPresence('online').catch(() => undefined), 120_000);
  try {
    await startE2ee(s.userId, s.deviceId);
    onSafetyNumberChanged((userId) => {
      if (!state.safetyChanged.includes(userId)) set({ safetyChanged: [...state.safetyChanged, userId] });
    });
  } catch (e) {
    set({ cryptoError: `Device keys could not be set up: ${e instanceof Error ? e.message : String(e)}` });
  }
}

export function dismissSafetyChange(userId: string): void {
  set({ safetyChanged: state.safetyChanged.filter((id) => id !== userId) });
}

export async function signedIn(tokens: TokenResponse): Promise<void> {
  api.adopt(tokens);
  await startSignedIn();
}

/** Everything local goes: tokens, keys, IndexedDB, caches, realtime. */
async function wipeLocal(): Promise<void> {
  if (heartbeat !== null) clearInterval(heartbeat);
  heartbeat = null;
  await hub.stop().catch(() => undefined);
  timelines.clear();
  typing.clear();
  queryClient.clear();
  await wipeLocalSecrets();
  api.clear();
  localStorage.clear();
  sessionStorage.clear();
}

export async function signOut(): Promise<void> {
  const s = api.current;
  if (s !== null) {
    await setPresence('offline').catch(() => undefined);
    await apiLogout(s.refreshToken).catch(() => undefined);
  }
  await wipeLocal();
  set({ signedIn: false, userId: null, deviceId: null, endedReason: null, cryptoError: null, safetyChanged: [] });
  window.history.replaceState(null, '', '/');
}

api.onSessionEnded((reason) => {
  void wipeLocal().finally(() => {
    set({ signedIn: false, userId: null, deviceId: null, endedReason: reason, cryptoError: null, safetyChanged: [] });
    window.history.replaceState(null, '', '/');
  });
});

// A reload with a stored session resumes it (the refresh token is still good or the session ends).
if (api.current !== null) void startSignedIn();
