// A longer conversation across users and devices, with rotations, joins, a leave, shuffled and
// repeated delivery: every member device reads every message it is entitled to, with zero failures.

import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from './index';
import { ROTATE_AFTER_MESSAGES } from './labels';
import { client, newServer, read, send, uuid, type Client } from './test/harness';

/** A small deterministic shuffle, so a failure reproduces. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('a long conversation', () => {
  it('three users, five devices, rotations, a late device and a leaver: zero unexpected failures', async () => {
    const server = newServer();
    const [alice, bob, carol] = [uuid(0xa), uuid(0xb), uuid(0xca)];
    const devices: Client[] = [await client(server, alice), await client(server, alice), await client(server, bob), await client(server, carol)];
    const channel = uuid(0xc);
    server.setMembers(channel, [alice, bob, carol]);
    const log: { m: IncomingMessage; text: string; readers: Client[] }[] = [];
    const members = () => new Set(server.members.get(channel));

    for (let round = 0; round < 3 * ROTATE_AFTER_MESSAGES + 20; round++) {
      if (round === 60) devices.push(await client(server, bob)); // a late device of bob
      if (round === 150) {
        // Carol catches up (shuffled) before she leaves: once she is gone the server drops what was addressed to her.
        const carolDevice = devices.find((d) => d.userId === carol)!;
        for (const e of shuffled(log, 7)) {
          const got = await read(carolDevice, e.m);
          if (got !== e.text) throw new Error(`carol ${e.text}: ${got}`);
        }
        server.setMembers(channel, [alice, bob]); // carol leaves
        for (const d of devices) if (d.userId !== carol) await d.e2ee.membersChanged(channel);
      }
      const current = devices.filter((d) => members().has(d.userId));
      const sender = current[round % current.length]!;
      const text = `r${round}`;
      const m = await send(sender, channel, text);
      log.push({ m, text, readers: current });
    }

    const failures: string[] = [];
    for (const reader of devices.filter((d) => d.userId !== carol)) {
      const entitled = log.filter((e) => e.readers.includes(reader));
      for (const e of shuffled(entitled, reader.deviceId.length + entitled.length)) {
        const got = await read(reader, e.m);
        if (got !== e.text) failures.push(`${reader.deviceId} ${e.text}: ${got}`);
      }
      // A second delivery of anything is a duplicate, never a second plaintext.
      const again = await read(reader, entitled[0]!.m);
      if (again !== 'duplicate') failures.push(`${reader.deviceId} again ${entitled[0]!.text}: ${again}`);
    }
    expect(failures).toEqual([]);
    // Carol's device reads nothing sent after she left.
    const carolDevice = devices.find((d) => d.userId === carol)!;
    const after = log.filter((e) => !e.readers.includes(carolDevice));
    expect(after.length).toBeGreaterThan(0);
    for (const e of after.slice(-5)) expect(await read(carolDevice, e.m)).toBe('unknown_chain');
  }, 120_000);
});
