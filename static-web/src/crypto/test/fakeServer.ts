// A hand-written in-memory stand-in for the D3Chat key routes, for unit tests only (no IO). It stores
// what clients upload, hands out one-time pre-keys once, and keeps one envelope set per
// (channel, sending device) that each post replaces, as the server does.

import type { DeviceIdentity, DeviceKeyUpload, KeyDirectory, MemberDevices, PreKeyBundle, ReceivedEnvelope, RecipientEnvelope } from '../index';

interface ServerDevice {
  userId: string;
  upload: DeviceKeyUpload;
  oneTimePreKeys: string[];
}

export interface PostedEnvelopes {
  channelId: string;
  deviceId: string;
  chainId: string;
  envelopes: readonly RecipientEnvelope[];
}

export class FakeServer {
  readonly devices = new Map<string, ServerDevice>();
  readonly members = new Map<string, Set<string>>();
  /** key: channel|senderDevice */
  readonly envelopeSets = new Map<string, { senderUserId: string; chainId: string; envelopes: readonly RecipientEnvelope[] }>();
  readonly posts: PostedEnvelopes[] = [];
  claims = 0;
  /** Requests a client made for device lists: one user's (listDevices) and a whole channel's (channelDevices). */
  listCalls = 0;
  channelListCalls = 0;

  setMembers(channelId: string, userIds: string[]): void {
    this.members.set(channelId, new Set(userIds));
  }

  devicesOf(userId: string): DeviceIdentity[] {
    return [...this.devices.entries()]
      .filter(([, d]) => d.userId === userId)
      .map(([deviceId, d]) => ({
        deviceId,
        identityKey: d.upload.identityKey,
        signingKey: d.upload.signingKey,
        signedPreKey: d.upload.signedPreKey,
        signedPreKeySignature: d.upload.signedPreKeySignature,
      }));
  }

  directoryFor(userId: string): KeyDirectory & { server: FakeServer } {
    const server = this;
    return {
      server,
      async uploadDeviceKeys(upload: DeviceKeyUpload): Promise<void> {
        const existing = server.devices.get(upload.deviceId);
        server.devices.set(upload.deviceId, { userId, upload, oneTimePreKeys: [...(existing?.oneTimePreKeys ?? []), ...upload.oneTimePreKeys] });
      },
      async uploadOneTimeKeys(deviceId: string, keys: readonly string[]): Promise<number> {
        const d = server.devices.get(deviceId);
        if (!d || d.userId !== userId) throw new Error('404 Device not found');
        d.oneTimePreKeys.push(...keys);
        return d.oneTimePreKeys.length;
      },
      async listDevices(of: string): Promise<DeviceIdentity[]> {
        server.listCalls++;
        return server.devicesOf(of);
      },
      async claimBundle(of: string, deviceId: string): Promise<PreKeyBundle | null> {
        const d = server.devices.get(deviceId);
        if (!d || d.userId !== of) return null;
        server.claims++;
        return {
          deviceId,
          identityKey: d.upload.identityKey,
          signingKey: d.upload.signingKey,
          signedPreKey: d.upload.signedPreKey,
          signedPreKeySignature: d.upload.signedPreKeySignature,
          oneTimePreKey: d.oneTimePreKeys.shift() ?? null,
        };
      },
      async channelDevices(channelId: string): Promise<MemberDevices[]> {
        server.channelListCalls++;
        return [...(server.members.get(channelId) ?? [])].map((member) => ({ userId: member, devices: server.devicesOf(member) }));
      },
      async postSenderKeyEnvelopes(channelId: string, deviceId: string, chainId: string, envelopes: readonly RecipientEnvelope[]): Promise<void> {
        server.posts.push({ channelId, deviceId, chainId, envelopes: [...envelopes] });
        server.envelopeSets.set(`${channelId}|${deviceId}`, { senderUserId: userId, chainId, envelopes: [...envelopes] });
      },
      async fetchSenderKeyEnvelopes(channelId: string, deviceId: string): Promise<ReceivedEnvelope[]> {
        const out: ReceivedEnvelope[] = [];
        for (const [key, set] of server.envelopeSets) {
          const [channel, senderDeviceId] = key.split('|') as [string, string];
          if (channel !== channelId) continue;
          for (const e of set.envelopes) {
            if (e.recipientDeviceId === deviceId) {
              out.push({ senderUserId: set.senderUserId, senderDeviceId, recipientDeviceId: deviceId, senderKeyPublic: set.chainId, envelope: e.envelope });
            }
          }
        }
        return out;
      },
    };
  }
}
