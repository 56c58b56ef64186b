// ProtocolStore in memory: for unit tests and the Node side of the cross-implementation test.
// Records are immutable values, so keeping references is safe.

import { toHex, type Bytes } from './bytes';
import type { KeyPair } from './primitives';
import type { OwnChain, ReceivedChain } from './senderKeys';
import type { SessionRecord } from './session';
import type { ContactRecord, DeviceRecord, ProtocolStore, StoreChanges } from './stores';

export class MemoryProtocolStore implements ProtocolStore {
  device: DeviceRecord | null = null;
  readonly oneTimePreKeys = new Map<string, KeyPair>();
  readonly sessions = new Map<string, SessionRecord>();
  readonly ownChains = new Map<string, OwnChain>();
  readonly receivedChains = new Map<string, ReceivedChain>();
  readonly contacts = new Map<string, ContactRecord>();
  commits = 0;

  async getDevice(): Promise<DeviceRecord | null> {
    return this.device;
  }
  async getOneTimePreKey(publicKey: Bytes): Promise<KeyPair | null> {
    return this.oneTimePreKeys.get(toHex(publicKey)) ?? null;
  }
  async getSession(remoteDeviceId: string): Promise<SessionRecord | null> {
    return this.sessions.get(remoteDeviceId) ?? null;
  }
  async getOwnChain(channelId: string): Promise<OwnChain | null> {
    return this.ownChains.get(channelId) ?? null;
  }
  async getReceivedChain(chainId: Bytes): Promise<ReceivedChain | null> {
    return this.receivedChains.get(toHex(chainId)) ?? null;
  }
  async getContact(userId: string): Promise<ContactRecord | null> {
    return this.contacts.get(userId) ?? null;
  }
  async commit(c: StoreChanges): Promise<void> {
    this.commits++;
    if (c.device) this.device = c.device;
    for (const k of c.putOneTimePreKeys ?? []) this.oneTimePreKeys.set(toHex(k.publicKey), k);
    for (const k of c.deleteOneTimePreKeys ?? []) this.oneTimePreKeys.delete(toHex(k));
    for (const s of c.putSessions ?? []) this.sessions.set(s.remoteDeviceId, s);
    for (const o of c.putOwnChains ?? []) this.ownChains.set(o.channelId, o);
    for (const r of c.putReceivedChains ?? []) this.receivedChains.set(toHex(r.chainId), r);
    for (const x of c.putContacts ?? []) this.contacts.set(x.userId, x);
  }
  async wipe(): Promise<void> {
    this.device = null;
    for (const m of [this.oneTimePreKeys, this.sessions, this.ownChains, this.receivedChains, this.contacts]) m.clear();
  }
}
