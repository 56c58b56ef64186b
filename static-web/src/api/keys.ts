import { api, ApiError } from './client';
import type { ChannelMemberDevices, DeviceKeys, KeyBundle, SenderKeyEnvelope } from './types';
import type { DeviceIdentity, KeyDirectory } from '../state/e2eeTypes';

function identityOf(d: DeviceKeys): DeviceIdentity {
  return {
    deviceId: d.device_id,
    identityKey: d.identity_key,
    signingKey: d.signing_key,
    signedPreKey: d.signed_pre_key,
    signedPreKeySignature: d.signed_pre_key_signature,
  };
}

/** The crypto module's KeyDirectory port (docs/crypto.md §8) over HTTP. Base64 strings pass through untouched. */
export const keyDirectory: KeyDirectory = {
  async uploadDeviceKeys(upload) {
    await api.request<unknown>('POST', '/api/v1/keys/upload', {
      json: {
        device_id: upload.deviceId,
        identity_key: upload.identityKey,
        signing_key: upload.signingKey,
        signed_pre_key: upload.signedPreKey,
        signed_pre_key_signature: upload.signedPreKeySignature,
        one_time_pre_keys: upload.oneTimePreKeys,
      },
    });
  },
  async uploadOneTimeKeys(deviceId, keys) {
    const res = await api.request<{ count: number }>('POST', '/api/v1/keys/one-time', {
      json: { device_id: deviceId, one_time_pre_keys: keys },
    });
    return res.count;
  },
  async listDevices(userId) {
    return (await api.request<DeviceKeys[]>('GET', `/api/v1/keys/${userId}/devices`)).map(identityOf);
  },
  async channelDevices(channelId) {
    const members = await api.request<ChannelMemberDevices[]>('GET', `/api/v1/keys/channels/${channelId}/devices`);
    return members.map((m) => ({ userId: m.user_id, devices: m.devices.map(identityOf) }));
  },
  async claimBundle(_userId, deviceId) {
    try {
      const b = await api.request<KeyBundle>('GET', `/api/v1/keys/${deviceId}/bundle`);
      return {
        deviceId: b.device_id,
        identityKey: b.identity_key,
        signingKey: b.signing_key ?? null,
        signedPreKey: b.signed_pre_key,
        signedPreKeySignature: b.signed_pre_key_signature,
        oneTimePreKey: b.one_time_pre_key,
      };
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  },
  async postSenderKeyEnvelopes(channelId, deviceId, chainId, envelopes) {
    await api.request<unknown>('POST', `/api/v1/keys/channels/${channelId}/sender-keys`, {
      json: {
        device_id: deviceId,
        sender_key_public: chainId,
        envelopes: envelopes.map((e) => ({ recipient_device_id: e.recipientDeviceId, envelope: e.envelope })),
      },
    });
  },
  async fetchSenderKeyEnvelopes(channelId, deviceId) {
    const list = await api.request<SenderKeyEnvelope[]>(
      'GET',
      `/api/v1/keys/channels/${channelId}/sender-keys?device_id=${encodeURIComponent(deviceId)}`,
    );
    return list.map((e) => ({
      senderUserId: e.sender_user_id,
      senderDeviceId: e.device_id,
      recipientDeviceId: e.recipient_device_id,
      senderKeyPublic: e.sender_key_public,
      envelope: e.envelope,
    }));
  },
};
