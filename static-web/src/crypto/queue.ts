// One operation at a time per key (a session, a chain, a channel's own chain): the next waits for the
// previous to settle, so two decryptions never read the same ratchet state (cf. Signal-Desktop's
// sessionQueues/senderKeyQueues). Typed per call, no module globals.

export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, operation: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(operation, operation);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
