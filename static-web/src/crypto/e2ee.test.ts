import { describe, expect, it } from 'vitest';
import { client, newServer, send, uuid } from './test/harness';

describe('E2ee: channel messages between users and devices', () => {
  it('a DM round trip in both directions, and the sender reads its own message', async () => {
    const server = newServer();
    const alice = await client(server, uuid(0xa));
    const bob = await client(server, uuid(0xb));
    const channel = uuid(0xc);
    server.setMembers(channel, [alice.userId, bob.userId]);

    const m1 = await send(alice, channel, 'hello bob');
    expect(await bob.e2ee.decryptMessage(m1)).toEqual({ ok: true, value: { text: 'hello bob' } });
    const m2 = await send(bob, channel, 'hi alice');
    expect(await alice.e2ee.decryptMessage(m2)).toEqual({ ok: true, value: { text: 'hi alice' } });
    expect(await alice.e2ee.decryptMessage(m1)).toEqual({ ok: true, value: { text: 'hello bob' } });
    const m3 = await send(alice, channel, 'again');
    expect(await bob.e2ee.decryptMessage(m3)).toEqual({ ok: true, value: { text: 'again' } });
  });
});
