import { describe, expect, it, vi } from 'vitest';
import { utf8Encode } from './bytes';
import { MAX_FORWARD_JUMP, MAX_SKIPPED_KEYS } from './labels';
import { createOwnChain, distributionOf, groupDecrypt, groupEncrypt, receivedChainFrom, type OwnChain, type ReceivedChain } from './senderKeys';
import { decodeGroupMessage, type GroupContext } from './wire';
import { IDS } from './testSupport';

const ctx: GroupContext = { channelId: IDS.channel, senderUserId: IDS.aliceUser, senderDeviceId: IDS.aliceDevice };

async function setup() {
  let own: OwnChain = await createOwnChain(IDS.channel, 0);
  let rx: ReceivedChain = receivedChainFrom(distributionOf(own), IDS.aliceUser, IDS.aliceDevice);
  return {
    async send(text: string) {
      const r = await groupEncrypt(own, ctx, utf8Encode(text));
      own = r.chain;
      const d = decodeGroupMessage(r.message);
      if (!d.ok) throw new Error('decode');
      return d.value;
    },
    async receive(m: Awaited<ReturnType<typeof this.send>>, c: GroupContext = ctx) {
      const r = await groupDecrypt(rx, c, m);
      if (r.ok) rx = r.value.chain;
      return r.ok ? new TextDecoder().decode(r.value.plaintext) : r.reason;
    },
    get rx() {
      return rx;
    },
  };
}

describe('sender-key chains', () => {
  it('decrypts in order, out of order, and refuses a replay as duplicate', async () => {
    const s = await setup();
    const m0 = await s.send('0');
    const m1 = await s.send('1');
    const m2 = await s.send('2');
    expect(await s.receive(m2)).toBe('2');
    expect(await s.receive(m0)).toBe('0');
    expect(await s.receive(m1)).toBe('1');
    expect(await s.receive(m1)).toBe('duplicate');
    expect(s.rx.skipped).toEqual([]);
  });

  it(`keeps at most ${MAX_SKIPPED_KEYS} skipped keys and refuses a jump over ${MAX_FORWARD_JUMP}`, async () => {
    const s = await setup();
    const first = await s.send('first');
    // Forge the far index with the real signing path: encrypt MAX_FORWARD_JUMP + 1 messages and keep the last.
    let last = first;
    for (let i = 1; i <= MAX_FORWARD_JUMP + 1; i++) last = await s.send(`m${i}`);
    expect(await s.receive(last)).toBe('too_far_ahead');
    expect(s.rx.nextIndex).toBe(0);
    expect(await s.receive(first)).toBe('first');
    expect(await s.receive(last)).toBe(`m${MAX_FORWARD_JUMP + 1}`); // now exactly MAX_FORWARD_JUMP ahead
    expect(s.rx.skipped.length).toBe(MAX_SKIPPED_KEYS);
    expect(s.rx.skipped[0]!.index).toBe(MAX_FORWARD_JUMP + 1 - MAX_SKIPPED_KEYS);
  }, 60_000);

  it('a receiver that got the chain at index 2 cannot read index 1 (before_device_joined)', async () => {
    let own = await createOwnChain(IDS.channel, 0);
    const messages = [];
    let late: ReceivedChain | null = null;
    for (let i = 0; i < 3; i++) {
      if (i === 2) late = receivedChainFrom(distributionOf(own), IDS.aliceUser, IDS.aliceDevice);
      const r = await groupEncrypt(own, ctx, utf8Encode(`m${i}`));
      own = r.chain;
      messages.push((decodeGroupMessage(r.message) as { ok: true; value: Parameters<typeof groupDecrypt>[2] }).value);
    }
    const r1 = await groupDecrypt(late!, ctx, messages[1]!);
    expect(r1.ok ? 'ok' : r1.reason).toBe('before_device_joined');
    const r2 = await groupDecrypt(late!, ctx, messages[2]!);
    expect(r2.ok && new TextDecoder().decode(r2.value.plaintext)).toBe('m2');
  });

  it('checks channel, sender and signature before touching the chain', async () => {
    const s = await setup();
    const m = await s.send('x');
    expect(await s.receive(m, { ...ctx, channelId: IDS.otherChannel })).toBe('wrong_channel');
    expect(await s.receive(m, { ...ctx, senderDeviceId: IDS.aliceDevice2 })).toBe('wrong_sender');
    expect(await s.receive(m, { ...ctx, senderUserId: IDS.bobUser })).toBe('wrong_sender');
    const badSig = { ...m, signature: m.signature.map((b, i) => (i === 0 ? b ^ 1 : b)) as typeof m.signature };
    expect(await s.receive(badSig)).toBe('bad_signature');
    expect(await s.receive({ ...m, chainId: new Uint8Array(16) })).toBe('unknown_chain');
    expect(s.rx.nextIndex).toBe(0);
    expect(await s.receive(m)).toBe('x');
  });

  it('derives the next message keys in a later task, or on demand when they are needed before it ran', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey');
    try {
      const s = await setup();
      const m0 = await s.send('0');
      importKey.mockClear();
      // No task has run since: the keys of index 1 were not derived ahead, so this send derives them.
      const m1 = await s.send('1');
      const oneDerivation = importKey.mock.calls.length;
      expect(oneDerivation).toBeGreaterThan(0);
      importKey.mockClear();
      // Nor are index 2's derived while only microtasks and I/O callbacks run.
      for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
      expect(importKey).not.toHaveBeenCalled();
      // The later task derives index 2 (the same calls), and the send of index 2 then derives nothing.
      vi.runOnlyPendingTimers();
      await vi.waitFor(() => expect(importKey).toHaveBeenCalledTimes(oneDerivation));
      importKey.mockClear();
      const m2 = await s.send('2');
      expect(importKey).not.toHaveBeenCalled();
      expect([await s.receive(m0), await s.receive(m1), await s.receive(m2)]).toEqual(['0', '1', '2']);
    } finally {
      importKey.mockRestore();
      vi.useRealTimers();
    }
  });
});
