import { describe, expect, it } from 'vitest';
import { parseEvent, parseEvents } from './events';

const typing = (n: number) => ({ type: 'typing.start', user_id: `u${n}`, channel_id: 'c' });

describe('realtime events', () => {
  it('keeps an event of a known type and drops anything else', () => {
    expect(parseEvent(typing(1))).toEqual(typing(1));
    expect(parseEvent({ type: 'membership.sync' })).toBeNull();
    expect(parseEvent('message.new')).toBeNull();
    expect(parseEvent(null)).toBeNull();
  });

  it('passes on the events of an events message in their order, without the unknown ones', () => {
    expect(parseEvents([typing(1), { type: 'nope' }, 7, typing(2), typing(3)])).toEqual([typing(1), typing(2), typing(3)]);
  });

  it('finds no events in an events message that is not an array', () => {
    expect(parseEvents(typing(1))).toEqual([]);
    expect(parseEvents(null)).toEqual([]);
  });
});
