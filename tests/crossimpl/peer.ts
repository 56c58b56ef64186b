// The TypeScript crypto module as a peer of the C# cross-implementation test
// (tests/D3Chat.Integration.Tests/E2ee/CrossImplementationTests.cs). It reads one JSON request per line on
// stdin and answers one JSON line on stdout: {"id", "ok": true, "result"} or {"id", "ok": false, "error", "reason"?}.
// Each device it hosts has its own E2ee, an in-memory store and a fetch-based KeyDirectory talking to the real
// server with that device's bearer token. It never prints keys or plaintext except the decrypted text it was asked for.

import { createInterface } from 'node:readline';
import {
  E2ee,
  EncryptionUnavailableError,
  MemoryProtocolStore,
  type DeviceIdentity,
  type DeviceKeyUpload,
  type KeyDirectory,
  type MemberDevices,
  type PreKeyBundle,
  type ReceivedEnvelope,
  type RecipientEnvelope,
} from '../../static-web/src/crypto/index';

type Json = Record<string, unknown>;

class HttpError extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`HTTP ${status}: ${body}`);
  }
}

function identityOf(d: Json): DeviceIdentity {
  return {
    deviceId: d['device_id'] as string,
    identityKey: d['identity_key'] as string,
    signingKey: (d['signing_key'] as string | null) ?? null,
    signedPreKey: (d['signed_pre_key'] as string | null) ?? null,
    signedPreKeySignature: (d['signed_pre_key_signature'] as string | null) ?? null,
  };
}

/** The module's KeyDirectory port over the D3Chat HTTP API (snake_case JSON, base64 keys). */
class FetchKeyDirectory implements KeyDirectory {
  constructor(
    private readonly baseUrl: string,
    private readonly accessToken: string,
  ) {}

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: { authorization: `Bearer ${this.accessToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new HttpError(response.status, text);
    return text.length === 0 ? null : JSON.parse(text);
  }

  async uploadDeviceKeys(u: DeviceKeyUpload): Promise<void> {
    await this.call('POST', '/api/v1/keys/upload', {
      device_id: u.deviceId,
      identity_key: u.identityKey,
      signing_key: u.signingKey,
      signed_pre_key: u.signedPreKey,
      signed_pre_key_signature: u.signedPreKeySignature,
      one_time_pre_keys: u.oneTimePreKeys,
    });
  }

  async uploadOneTimeKeys(deviceId: string, keys: readonly string[]): Promise<number> {
    const r = (await this.call('POST', '/api/v1/keys/one-time', { device_id: deviceId, one_time_pre_keys: keys })) as Json;
    return r['count'] as number;
  }

  async listDevices(userId: string): Promise<readonly DeviceIdentity[]> {
    return ((await this.call('GET', `/api/v1/keys/${userId}/devices`)) as Json[]).map(identityOf);
  }

  async channelDevices(channelId: string): Promise<readonly MemberDevices[]> {
    const members = (await this.call('GET', `/api/v1/keys/channels/${channelId}/devices`)) as Json[];
    return members.map((m) => ({ userId: m['user_id'] as string, devices: (m['devices'] as Json[]).map(identityOf) }));
  }

  async claimBundle(_userId: string, deviceId: string): Promise<PreKeyBundle | null> {
    try {
      const b = (await this.call('GET', `/api/v1/keys/${deviceId}/bundle`)) as Json;
      return {
        deviceId: b['device_id'] as string,
        identityKey: b['identity_key'] as string,
        signingKey: (b['signing_key'] as string | null) ?? null,
        signedPreKey: b['signed_pre_key'] as string,
        signedPreKeySignature: b['signed_pre_key_signature'] as string,
        oneTimePreKey: (b['one_time_pre_key'] as string | null) ?? null,
      };
    } catch (e) {
      if (e instanceof HttpError && e.status === 404) return null;
      throw e;
    }
  }

  async postSenderKeyEnvelopes(channelId: string, deviceId: string, chainId: string, envelopes: readonly RecipientEnvelope[]): Promise<void> {
    await this.call('POST', `/api/v1/keys/channels/${channelId}/sender-keys`, {
      device_id: deviceId,
      sender_key_public: chainId,
      envelopes: envelopes.map((e) => ({ recipient_device_id: e.recipientDeviceId, envelope: e.envelope })),
    });
  }

  // None when the server no longer lets this user read the channel (it left or was removed): nothing is addressed to it.
  async fetchSenderKeyEnvelopes(channelId: string, deviceId: string): Promise<readonly ReceivedEnvelope[]> {
    let list: Json[];
    try {
      list = (await this.call('GET', `/api/v1/keys/channels/${channelId}/sender-keys?device_id=${deviceId}`)) as Json[];
    } catch (e) {
      if (e instanceof HttpError && (e.status === 403 || e.status === 404)) return [];
      throw e;
    }
    return list.map((e) => ({
      senderUserId: (e['sender_user_id'] as string | null) ?? null,
      senderDeviceId: e['device_id'] as string,
      recipientDeviceId: e['recipient_device_id'] as string,
      senderKeyPublic: e['sender_key_public'] as string,
      envelope: e['envelope'] as string,
    }));
  }
}

const devices = new Map<string, E2ee>();
const safetyEvents = new Map<string, string[]>();

function device(name: unknown): E2ee {
  const e2ee = devices.get(String(name));
  if (!e2ee) throw new Error(`no device named ${String(name)}; send "open" first`);
  return e2ee;
}

async function handle(r: Json): Promise<unknown> {
  switch (r['op']) {
    case 'open': {
      const name = String(r['device']);
      const e2ee = await E2ee.open({
        userId: String(r['userId']),
        deviceId: String(r['deviceId']),
        directory: new FetchKeyDirectory(String(r['baseUrl']), String(r['accessToken'])),
        store: new MemoryProtocolStore(),
      });
      safetyEvents.set(name, []);
      e2ee.on('safety_number_changed', (e) => safetyEvents.get(name)!.push(e.userId));
      await e2ee.ensureDeviceKeys();
      devices.set(name, e2ee);
      return null;
    }
    case 'encrypt':
      return device(r['device']).encryptMessage(String(r['channelId']), { text: String(r['text']) });
    case 'decrypt': {
      const m = r['message'] as Json;
      const result = await device(r['device']).decryptMessage({
        channelId: String(m['channelId']),
        senderUserId: String(m['senderUserId']),
        senderDeviceId: (m['senderDeviceId'] as string | null) ?? null,
        content: String(m['content']),
        protocolVersion: Number(m['protocolVersion']),
      });
      return result.ok ? { ok: true, text: result.value.text } : { ok: false, reason: result.reason };
    }
    case 'membersChanged':
      await device(r['device']).membersChanged(String(r['channelId']));
      return null;
    case 'syncSenderKeys':
      return device(r['device']).syncSenderKeys(String(r['channelId']));
    case 'safetyNumber':
      return device(r['device']).safetyNumber(String(r['userId']));
    case 'safetyEvents':
      return safetyEvents.get(String(r['device'])) ?? [];
    default:
      throw new Error(`unknown op ${String(r['op'])}`);
  }
}

// Requests are handled one at a time, in order: the C# side waits for each answer.
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (line.trim().length === 0) continue;
  let request: Json = {};
  try {
    request = JSON.parse(line) as Json;
    const result = await handle(request);
    process.stdout.write(JSON.stringify({ id: request['id'], ok: true, result: result ?? null }) + '\n');
  } catch (e) {
    const reason = e instanceof EncryptionUnavailableError ? e.reason : null;
    const error = e instanceof EncryptionUnavailableError ? 'encryption_unavailable' : e instanceof Error ? e.message : String(e);
    process.stdout.write(JSON.stringify({ id: request['id'], ok: false, error, reason }) + '\n');
  }
}
