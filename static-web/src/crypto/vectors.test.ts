/// <reference types="node" />
// Checks every entry of tests/vectors/*.json (shared with the C# client) against this implementation and
// pins how many entries ran, so a vector silently skipped or added fails the suite.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8Encode, type Bytes } from './bytes';
import * as L from './labels';
import { ecdh, ed25519Sign, ed25519Verify, hkdfSha256, hmacSha256, importChainVerifyKey, importEd25519Seed, importPrivateScalar, pkcs8FromEd25519Seed, type KeyPair } from './primitives';
import { kdfChain, kdfRoot, messageKeys } from './ratchet';
import { verifyPreKeySignature, isTrustworthyBundle } from './keys';
import { x3dhInitiate, x3dhRespond } from './x3dh';
import { groupDecrypt, groupEncrypt, type ReceivedChain } from './senderKeys';
import { decodeGroupMessage, groupAad, type GroupContext } from './wire';
import { checkMoreVectors, MORE_EXPECTED } from './vectorsMore.testlib';

const DIR = new URL('../../../tests/vectors/', import.meta.url);

interface Entry {
  tcId: number;
  comment: string;
  operation: string;
  result: 'valid' | 'invalid';
  reason?: string;
  [k: string]: unknown;
}
interface File {
  numberOfTests: number;
  tests: Entry[];
}

const EXPECTED: Record<string, number> = {
  labels: 36,
  kdf: 14,
  x3dh: 5,
  signatures: 16,
  sender_key_chain: 13,
  group_message: 23,
  ...MORE_EXPECTED,
};

function load(name: string): File {
  return JSON.parse(readFileSync(new URL(`${name}.json`, DIR), 'utf8')) as File;
}

export const h = (v: unknown): Bytes => fromHex(v as string);
const str = (v: unknown): string => v as string;

type Checker = (e: Entry) => Promise<void>;

const labelValues: Record<string, unknown> = L as unknown as Record<string, unknown>;

interface KeyJson {
  d: string | null;
  pkcs8: string | null;
  public: string;
}

interface ChainKeyJson {
  seed: string;
  pkcs8: string;
  public: string;
}

/** A chain signing key from its vector form; its PKCS#8 and public key must be what the seed gives. */
async function chainSigner(k: ChainKeyJson): Promise<KeyPair> {
  expect(toHex(pkcs8FromEd25519Seed(h(k.seed)))).toBe(k.pkcs8);
  const signer = await importEd25519Seed(h(k.seed));
  expect(toHex(signer.publicKey)).toBe(k.public);
  return signer;
}

const CHECKERS: Record<string, Checker> = {
  async label_bytes(e) {
    const value = labelValues[str(e['name'])];
    expect(value instanceof Uint8Array, str(e['name'])).toBe(true);
    expect(toHex(value as Bytes)).toBe(e['hex']);
    expect(toHex(utf8Encode(str(e['text'])))).toBe(e['hex']);
  },
  async constant(e) {
    expect(labelValues[str(e['name'])], str(e['name'])).toBe(e['value']);
  },
  async hkdf_sha256(e) {
    expect(toHex(await hkdfSha256(h(e['ikm']), h(e['salt']), h(e['info']), e['length'] as number))).toBe(e['okm']);
  },
  async hmac_sha256(e) {
    expect(toHex(await hmacSha256(h(e['key']), h(e['data'])))).toBe(e['mac']);
  },
  async kdf_chain(e) {
    const r = await kdfChain(h(e['chainKey']));
    expect([toHex(r.messageKey), toHex(r.nextChainKey)]).toEqual([e['messageKey'], e['nextChainKey']]);
  },
  async kdf_root(e) {
    const r = await kdfRoot(h(e['rootKey']), h(e['dhOutput']));
    expect([toHex(r.rootKey), toHex(r.chainKey)]).toEqual([e['nextRootKey'], e['chainKey']]);
  },
  async message_keys(e) {
    const info = labelValues[str(e['info'])] as Bytes;
    const r = await messageKeys(info, h(e['messageKey']));
    expect([toHex(r.key), toHex(r.nonce)]).toEqual([e['aesKey'], e['nonce']]);
  },
  async x3dh(e) {
    const key = async (k: unknown) => {
      const j = k as KeyJson;
      const pair = await importPrivateScalar(fromHex(j.d!), 'ecdh');
      expect(toHex(pair.publicKey)).toBe(j.public);
      return pair;
    };
    const ikA = await key(e['initiatorIdentity']);
    const ekA = await key(e['initiatorEphemeral']);
    const ikB = await key(e['responderIdentity']);
    const spkJson = e['responderSignedPreKey'] as KeyJson;
    const opkJson = e['responderOneTimePreKey'] as KeyJson | null;
    const initiator = await x3dhInitiate({
      identity: ikA,
      ephemeral: ekA,
      deviceId: str(e['initiatorDeviceId']),
      remoteIdentityKey: ikB.publicKey,
      remoteSignedPreKey: fromHex(spkJson.public),
      remoteOneTimePreKey: opkJson ? fromHex(opkJson.public) : null,
      remoteDeviceId: str(e['responderDeviceId']),
    });
    if (e.result === 'invalid') {
      expect(initiator).toBeNull();
      return;
    }
    const spkB = await key(spkJson);
    const opkB = opkJson ? await key(opkJson) : null;
    expect(toHex((await ecdh(ikA.privateKey, spkB.publicKey))!)).toBe(e['dh1']);
    expect(toHex((await ecdh(ekA.privateKey, ikB.publicKey))!)).toBe(e['dh2']);
    expect(toHex((await ecdh(ekA.privateKey, spkB.publicKey))!)).toBe(e['dh3']);
    if (opkB) expect(toHex((await ecdh(ekA.privateKey, opkB.publicKey))!)).toBe(e['dh4']);
    const responder = await x3dhRespond({
      identity: ikB,
      signedPreKey: spkB,
      oneTimePreKey: opkB,
      deviceId: str(e['responderDeviceId']),
      remoteIdentityKey: ikA.publicKey,
      remoteEphemeralKey: ekA.publicKey,
      remoteDeviceId: str(e['initiatorDeviceId']),
    });
    for (const r of [initiator!, responder!]) {
      expect(toHex(r.sharedSecret)).toBe(e['sharedSecret']);
      expect(toHex(r.associatedData)).toBe(e['associatedData']);
    }
  },
  async spk_signature(e) {
    const valid = await verifyPreKeySignature(h(e['signingKey']), h(e['identityKey']), h(e['signedPreKey']), h(e['signature']));
    expect(valid).toBe(e.result === 'valid');
    const bundleOk = await isTrustworthyBundle({
      userId: 'u',
      deviceId: 'd',
      identityKey: h(e['identityKey']),
      signingKey: h(e['signingKey']),
      signedPreKey: h(e['signedPreKey']),
      signedPreKeySignature: h(e['signature']),
      oneTimePreKey: null,
    });
    expect(bundleOk ? 'valid' : (e.reason ?? 'invalid')).toBe(e.result === 'valid' ? 'valid' : 'untrusted_identity');
  },
  async sender_chain_step(e) {
    const r = await kdfChain(h(e['chainKey']));
    const k = await messageKeys(L.GROUP_MESSAGE_KEYS_INFO, r.messageKey);
    expect([toHex(r.messageKey), toHex(r.nextChainKey), toHex(k.key), toHex(k.nonce)]).toEqual([e['messageKey'], e['nextChainKey'], e['aesKey'], e['nonce']]);
  },
  async sender_chain_jump(e) {
    let ck = h(e['chainKey']);
    for (let i = e['fromIndex'] as number; i < (e['index'] as number); i++) ck = (await kdfChain(ck)).nextChainKey;
    expect(toHex(ck)).toBe(e['chainKeyAtIndex']);
    expect(toHex((await kdfChain(ck)).messageKey)).toBe(e['messageKey']);
  },
  async chain_signature(e) {
    const key = await importChainVerifyKey(h(e['signingKey']));
    const valid = !!key && (await ed25519Verify(key, h(e['signature']), h(e['data'])));
    expect(valid ? 'valid' : 'bad_signature').toBe(e.result === 'valid' ? 'valid' : e.reason);
    if (e.result !== 'valid') return;
    const signer = await chainSigner(e['signingPrivate'] as ChainKeyJson);
    expect(toHex(await ed25519Sign(signer.privateKey, h(e['data'])))).toBe(e['signature']);
  },
  async group_encrypt(e) {
    const ctx = e['context'] as GroupContext;
    const chainId = h(e['chainId']);
    const index = e['index'] as number;
    expect(toHex(groupAad(ctx, chainId, index))).toBe(e['aad']);
    const signing = await chainSigner(e['signingPrivate'] as ChainKeyJson);
    expect(toHex(signing.publicKey)).toBe(e['signingKey']);
    const chain = { version: 2, channelId: ctx.channelId, chainId, index, chainKey: h(e['chainKey']), signing, createdAt: 0, recipients: [], previous: [], envelopes: [], envelopesPosted: true, rotationDue: false } as const;
    const { message } = await groupEncrypt(chain, ctx, h(e['plaintext']));
    expect(toHex(message)).toBe(e['message']);
    expect(toHex(message.slice(0, message.length - 64))).toBe(str(e['header']) + str(e['sealed']));
  },
  async group_decrypt(e) {
    const rx = e['receiver'] as Record<string, unknown>;
    const chain: ReceivedChain = {
      version: 2,
      chainId: h(rx['chainId']),
      channelId: str(rx['channelId']),
      senderUserId: str(rx['senderUserId']),
      senderDeviceId: str(rx['senderDeviceId']),
      firstIndex: rx['firstIndex'] as number,
      nextIndex: rx['nextIndex'] as number,
      chainKey: h(rx['chainKey']),
      signingKey: h(rx['signingKey']),
      skipped: (rx['skipped'] as { index: number; messageKey: string }[]).map((s) => ({ index: s.index, messageKey: fromHex(s.messageKey) })),
    };
    const decoded = decodeGroupMessage(h(e['message']));
    const outcome = decoded.ok
      ? await groupDecrypt(toHex(chain.chainId) === toHex(decoded.value.chainId) ? chain : null, e['context'] as GroupContext, decoded.value)
      : decoded;
    if (e.result === 'valid') {
      expect(outcome.ok ? toHex(outcome.value.plaintext) : outcome.reason).toBe(e['plaintext']);
    } else {
      expect(outcome.ok ? 'decrypted' : outcome.reason).toBe(e.reason);
    }
  },
};

describe('shared vectors (tests/vectors)', () => {
  const present = readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();

  it('every vector file is checked here and no expected file is missing', () => {
    expect(present).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const name of Object.keys(EXPECTED)) {
    it(`${name}.json: every entry holds (${EXPECTED[name]} entries)`, async () => {
      const file = load(name);
      expect(file.tests.length).toBe(file.numberOfTests);
      let ran = 0;
      for (const entry of file.tests) {
        const checker = CHECKERS[entry.operation];
        try {
          if (checker) await checker(entry);
          else await checkMoreVectors(entry);
        } catch (err) {
          throw new Error(`${name} tcId ${entry.tcId} (${entry.comment}): ${String(err)}`);
        }
        ran++;
      }
      expect(ran).toBe(EXPECTED[name]);
    }, 60_000);
  }
});
