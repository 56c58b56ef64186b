// Builds clients (an E2ee per device over a MemoryProtocolStore) around one FakeServer.

import { E2ee, MemoryProtocolStore, type IncomingMessage, type KeyDirectory } from '../index';
import { FakeServer } from './fakeServer';

export interface Client {
  readonly userId: string;
  readonly deviceId: string;
  readonly e2ee: E2ee;
  readonly store: MemoryProtocolStore;
  readonly directory: KeyDirectory;
}

let counter = 0;
export function uuid(prefix: number): string {
  counter++;
  return `${prefix.toString(16).padStart(8, '0')}-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`;
}

export async function client(
  server: FakeServer,
  userId: string,
  options: { now?: () => number; directory?: (d: KeyDirectory) => KeyDirectory; store?: MemoryProtocolStore } = {},
): Promise<Client> {
  const deviceId = uuid(0xd);
  const store = options.store ?? new MemoryProtocolStore();
  const base = server.directoryFor(userId);
  const directory = options.directory ? options.directory(base) : base;
  const e2ee = await E2ee.open({ userId, deviceId, directory, store, ...(options.now ? { now: options.now } : {}) });
  await e2ee.ensureDeviceKeys();
  return { userId, deviceId, e2ee, store, directory };
}

export function newServer(): FakeServer {
  return new FakeServer();
}

export async function send(from: Client, channelId: string, text: string): Promise<IncomingMessage> {
  const m = await from.e2ee.encryptMessage(channelId, { text });
  return { channelId, senderUserId: from.userId, senderDeviceId: m.senderDeviceId, content: m.content, protocolVersion: m.protocolVersion };
}

/** The text, or the failure reason, of one decryption. */
export async function read(to: Client, m: IncomingMessage): Promise<string> {
  const r = await to.e2ee.decryptMessage(m);
  return r.ok ? r.value.text : r.reason;
}
