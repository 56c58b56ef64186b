// Checkers for the vector files published after the first batch (see vectors.test.ts).
import { expect } from 'vitest';
import { fromHex, toHex } from './bytes';
import { ecdh, importPrivateScalar } from './primitives';
import { kdfRoot } from './ratchet';
import { openAttachment, sealAttachmentWith } from './attachments';
import { digitsOf, safetyNumber, userDigest } from './safety';
import { decodeDistribution, decodeDistributions, decodePairwiseMessage, encodeDistribution, encodeDistributions } from './wire';
import { partyFromJson, playScenario, type Step } from '../../vectors/sessionScenario';

export const MORE_EXPECTED: Record<string, number> = {
  ratchet: 4,
  session: 10,
  safety: 3,
  attachments: 6,
  envelopes: 15,
};

type Entry = { operation: string; tcId: number; result: 'valid' | 'invalid'; reason?: string; [k: string]: unknown };
const h = (v: unknown) => fromHex(v as string);

export async function checkMoreVectors(e: Entry): Promise<void> {
  switch (e.operation) {
    case 'ratchet_step': {
      const own = await importPrivateScalar(h((e['ownRatchet'] as { d: string }).d), 'ecdh');
      const dh = await ecdh(own.privateKey, h(e['remoteRatchetKey']));
      if (e.result === 'invalid') {
        expect(dh).toBeNull();
        return;
      }
      expect(toHex(dh!)).toBe(e['dhOutput']);
      const out = await kdfRoot(h(e['rootKey']), dh!);
      expect([toHex(out.rootKey), toHex(out.chainKey)]).toEqual([e['nextRootKey'], e['chainKey']]);
      return;
    }
    case 'session_scenario': {
      const a = await partyFromJson(e['initiator'] as Parameters<typeof partyFromJson>[0]);
      const b = await partyFromJson(e['responder'] as Parameters<typeof partyFromJson>[0]);
      const steps = JSON.parse(JSON.stringify(e['steps'])) as Step[];
      await playScenario(a, b, steps, { record: false });
      return;
    }
    case 'safety_number': {
      const devices = (v: unknown) => (v as { identityKey: string; signingKey: string }[]).map((d) => ({ identityKey: fromHex(d.identityKey), signingKey: fromHex(d.signingKey) }));
      const da = await userDigest(devices(e['devicesA']));
      const db = await userDigest(devices(e['devicesB']));
      expect([toHex(da), toHex(db), digitsOf(da), digitsOf(db)]).toEqual([e['digestA'], e['digestB'], e['digitsA'], e['digitsB']]);
      expect(safetyNumber(da, db)).toBe(e['safetyNumber']);
      expect(safetyNumber(db, da)).toBe(e['safetyNumber']);
      return;
    }
    case 'attachment': {
      const s = await sealAttachmentWith(h(e['key']), h(e['nonce']), h(e['plaintext']));
      expect([toHex(s.blob), toHex(s.sha256)]).toEqual([e['blob'], e['sha256']]);
      const opened = await openAttachment(h(e['blob']), h(e['key']), h(e['sha256']));
      expect(opened.ok && toHex(opened.value)).toBe(e['plaintext']);
      return;
    }
    case 'attachment_open': {
      const opened = await openAttachment(h(e['blob']), h(e['key']), h(e['sha256']));
      expect(opened.ok ? 'opened' : opened.reason).toBe(e.reason);
      return;
    }
    case 'distribution': {
      const d = { channelId: e['channelId'] as string, chainId: h(e['chainId']), index: e['index'] as number, chainKey: h(e['chainKey']), signingKey: h(e['signingKey']) };
      expect(toHex(encodeDistribution(d))).toBe(e['encoded']);
      const back = decodeDistribution(h(e['encoded']));
      expect(back.ok && { ...back.value, chainId: toHex(back.value.chainId), chainKey: toHex(back.value.chainKey), signingKey: toHex(back.value.signingKey) }).toEqual({
        channelId: e['channelId'],
        chainId: e['chainId'],
        index: e['index'],
        chainKey: e['chainKey'],
        signingKey: e['signingKey'],
      });
      return;
    }
    case 'distribution_list': {
      const r = decodeDistributions(h(e['encoded']));
      if (e.result === 'invalid') {
        expect(r.ok ? 'decoded' : r.reason).toBe(e.reason);
        return;
      }
      if (!r.ok) throw new Error(r.reason);
      const items = r.value.map((x) => ({ channelId: x.channelId, chainId: toHex(x.chainId), index: x.index, chainKey: toHex(x.chainKey), signingKey: toHex(x.signingKey) }));
      expect(items).toEqual(e['items']);
      expect(toHex(encodeDistributions(r.value))).toBe(e['encoded']);
      return;
    }
    case 'distribution_decode': {
      const r = decodeDistribution(h(e['encoded']));
      expect(r.ok ? 'decoded' : r.reason).toBe(e.reason);
      return;
    }
    case 'pairwise_decode': {
      const r = decodePairwiseMessage(h(e['encoded']));
      if (e.result === 'invalid') {
        expect(r.ok ? 'decoded' : r.reason).toBe(e.reason);
        return;
      }
      if (!r.ok) throw new Error(`decode failed: ${r.reason}`);
      expect(r.value.kind).toBe(e['kind']);
      const inner = r.value.kind === 'prekey' ? r.value.value.message : r.value.value;
      expect([toHex(inner.header.dh), inner.header.pn, inner.header.n, toHex(inner.sealed)]).toEqual([e['ratchetKey'], e['pn'], e['n'], e['sealed']]);
      if (r.value.kind === 'prekey') {
        const p = r.value.value;
        expect([toHex(p.identityKey), toHex(p.ephemeralKey), toHex(p.signedPreKey), p.oneTimePreKey ? toHex(p.oneTimePreKey) : null]).toEqual([
          e['identityKey'],
          e['ephemeralKey'],
          e['signedPreKey'],
          e['oneTimePreKey'],
        ]);
      }
      return;
    }
    default:
      throw new Error(`no checker for operation ${e.operation}`);
  }
}
