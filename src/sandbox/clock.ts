/**
 * The sandbox's sense of time, injectable so tests can move order schedules and callback retries
 * on without waiting (test/support/manual-clock.ts). Every timer the sandbox starts goes through it.
 */
export interface SandboxClock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `callback` once after `ms`; returns a function that cancels it. */
  schedule(ms: number, callback: () => void): () => void;
}

/** Wall-clock time and Node timers. Timers are unref'd: the sandbox's close() owns shutdown. */
export const systemClock: SandboxClock = {
  now: () => Date.now(),
  schedule(ms, callback) {
    const handle = setTimeout(callback, Math.max(0, ms));
    handle.unref();
    return () => clearTimeout(handle);
  },
};

/**
 * The timers one sandbox started, so close() can cancel every one still pending and nothing keeps
 * the process (or a test) alive.
 */
export class TimerGroup {
  readonly #cancels = new Set<() => void>();
  readonly #waiters = new Set<() => void>();
  #closed = false;

  constructor(readonly clock: SandboxClock) {}

  /** Like {@link SandboxClock.schedule}; a no-op once the group is closed. */
  schedule(ms: number, callback: () => void): () => void {
    if (this.#closed) return () => {};
    let cancel: () => void = () => {};
    const wrapped = (): void => {
      this.#cancels.delete(cancel);
      callback();
    };
    const cancelClock = this.clock.schedule(ms, wrapped);
    cancel = () => {
      this.#cancels.delete(cancel);
      cancelClock();
    };
    this.#cancels.add(cancel);
    return cancel;
  }

  /** Resolves after `ms` on the clock, or at once (to `false`) if the group closes first. */
  delay(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.#closed) return resolve(false);
      const cancel = this.schedule(ms, () => {
        this.#waiters.delete(onClose);
        resolve(true);
      });
      const onClose = (): void => {
        cancel();
        resolve(false);
      };
      this.#waiters.add(onClose);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Cancels every pending timer and wakes every delay. */
  close(): void {
    this.#closed = true;
    for (const cancel of [...this.#cancels]) cancel();
    for (const wake of [...this.#waiters]) wake();
    this.#waiters.clear();
  }
}
