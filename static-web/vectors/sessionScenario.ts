// Runs a pairwise-session scenario step by step with scripted key generation: every key pair a step
// generates is listed in the vector (as its scalar), so another implementation can replay it exactly.

import { fromHex, toHex, type Bytes } from '../src/crypto/bytes';
import { dangerousTestOnlyRandom, importPrivateScalar, type KeyPair } from '../src/crypto/primitives';
import { decryptPairwise, recordEncrypt, startSession, type SessionRecord } from '../src/crypto/session';

export interface PartyKeys {
  userId: string;
  deviceId: string;
  identity: KeyPair;
  signedPreKey: KeyPair | null;
  oneTimePreKeys: KeyPair[];
}

export type Step =
  | { actor: 'A' | 'B'; action: 'start'; remote: 'A' | 'B'; useOneTimePreKey: boolean; generatedKeys: string[] }
  | { actor: 'A' | 'B'; action: 'encrypt'; plaintext: string; generatedKeys: string[]; message: string }
  | { actor: 'A' | 'B'; action: 'decrypt'; message: string; senderDeviceId: string; generatedKeys: string[]; plaintext?: string; reason?: string };

interface Party {
  keys: PartyKeys;
  record: SessionRecord | null;
}

/** Feeds exactly the listed scalars to key generation and fails if a step takes more or fewer. */
function script(scalars: string[]): () => void {
  const queue = scalars.map((d) => fromHex(d));
  dangerousTestOnlyRandom((length) => {
    const next = queue.shift();
    if (!next || length !== 32) throw new Error(`scenario: unscripted randomness (${length} bytes)`);
    return next;
  });
  return () => {
    dangerousTestOnlyRandom(null);
    if (queue.length !== 0) throw new Error(`scenario: ${queue.length} scripted keys not used`);
  };
}

/**
 * Plays steps; with `record` set, fills in generatedKeys/message/plaintext/reason from what happened
 * (the generator), otherwise asserts them (the checker). `pool` supplies scalars while recording.
 */
export async function playScenario(a: PartyKeys, b: PartyKeys, steps: Step[], mode: { record: true; pool: string[] } | { record: false }): Promise<void> {
  const parties: Record<'A' | 'B', Party> = { A: { keys: a, record: null }, B: { keys: b, record: null } };
  for (const [i, step] of steps.entries()) {
    const me = parties[step.actor];
    const where = `step ${i} (${step.actor} ${step.action})`;
    let consumed = 0;
    let done: () => void;
    if (mode.record) {
      const pool = mode.pool;
      dangerousTestOnlyRandom((length) => {
        const d = pool.shift();
        if (!d || length !== 32) throw new Error(`${where}: pool exhausted`);
        step.generatedKeys.push(d);
        consumed++;
        return fromHex(d);
      });
      done = () => dangerousTestOnlyRandom(null);
    } else {
      done = script(step.generatedKeys);
    }
    try {
      if (step.action === 'start') {
        const remote = parties[step.remote].keys;
        const opk = step.useOneTimePreKey ? remote.oneTimePreKeys[0]!.publicKey : null;
        me.record = await startSession(
          { deviceId: me.keys.deviceId, identity: me.keys.identity },
          { userId: remote.userId, deviceId: remote.deviceId, identityKey: remote.identity.publicKey, signedPreKey: remote.signedPreKey!.publicKey, oneTimePreKey: opk },
        );
        if (!me.record) throw new Error(`${where}: start failed`);
      } else if (step.action === 'encrypt') {
        const r = await recordEncrypt(me.record!, new TextEncoder().encode(step.plaintext) as Bytes);
        me.record = r.record;
        if (mode.record) step.message = toHex(r.message);
        else if (toHex(r.message) !== step.message) throw new Error(`${where}: message bytes differ`);
      } else {
        const keys = me.keys;
        const r = await decryptPairwise(
          me.record,
          {
            deviceId: keys.deviceId,
            identity: keys.identity,
            signedPreKey: keys.signedPreKey ?? keys.identity,
            oneTimePreKey: async (p) => keys.oneTimePreKeys.find((k) => toHex(k.publicKey) === toHex(p)) ?? null,
          },
          { userId: parties[step.actor === 'A' ? 'B' : 'A'].keys.userId, deviceId: step.senderDeviceId },
          fromHex(step.message),
          async () => true,
        );
        const got = r.ok ? { plaintext: new TextDecoder().decode(r.value.plaintext) } : { reason: r.reason };
        if (mode.record) {
          Object.assign(step, got);
        } else if (JSON.stringify(got) !== JSON.stringify(step.plaintext !== undefined ? { plaintext: step.plaintext } : { reason: step.reason })) {
          throw new Error(`${where}: expected ${JSON.stringify(step.plaintext ?? step.reason)}, got ${JSON.stringify(got)}`);
        }
        if (r.ok) {
          me.record = r.value.record;
          if (r.value.usedOneTimePreKey) keys.oneTimePreKeys = keys.oneTimePreKeys.filter((k) => toHex(k.publicKey) !== toHex(r.value.usedOneTimePreKey!));
        }
      }
    } finally {
      done();
    }
    void consumed;
  }
}

export async function partyFromJson(j: { userId: string; deviceId: string; identity: { d: string }; signedPreKey: { d: string } | null; oneTimePreKeys: { d: string }[] }): Promise<PartyKeys> {
  return {
    userId: j.userId,
    deviceId: j.deviceId,
    identity: await importPrivateScalar(fromHex(j.identity.d), 'ecdh'),
    signedPreKey: j.signedPreKey ? await importPrivateScalar(fromHex(j.signedPreKey.d), 'ecdh') : null,
    oneTimePreKeys: await Promise.all(j.oneTimePreKeys.map((k) => importPrivateScalar(fromHex(k.d), 'ecdh'))),
  };
}
