import type { SandboxLogger } from './logger.js';
import type { SandboxState } from './state.js';
import { writeStateFile } from './state-file.js';

/** How long changes gather before one write: at most one write per this many ms. */
export const STATE_WRITE_INTERVAL_MS = 200;

/**
 * Writes the sandbox's state to its file after changes, at most every
 * {@link STATE_WRITE_INTERVAL_MS}, one write at a time, and once more on close(). The snapshot is
 * taken when the write starts, so it includes every change made until then. Uses real timers, not
 * the sandbox's clock: saving is I/O, not part of the simulated gateway's time.
 */
export class StateSaver {
  #dirty = false;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    readonly file: string,
    private readonly snapshot: () => SandboxState,
    private readonly logger: SandboxLogger,
    private readonly intervalMs = STATE_WRITE_INTERVAL_MS,
  ) {}

  /** Something changed: a write follows within the interval. */
  changed(): void {
    this.#dirty = true;
    if (this.#closed || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#write();
    }, this.intervalMs);
    // close() writes the last changes; a pending timer need not keep the process alive.
    this.#timer.unref();
  }

  /** Writes now if anything changed since the last write; rejects when that write fails. */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#write(true);
  }

  /** The last write; later changes are not saved. Rejects when that write fails. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  /** Queues a write behind the one in progress, so writes never overlap or reorder. */
  #write(rethrow = false): Promise<void> {
    const run = this.#writing.then(async () => {
      if (!this.#dirty) return;
      this.#dirty = false;
      const text = JSON.stringify(this.snapshot());
      try {
        await writeStateFile(this.file, text);
      } catch (error) {
        this.#dirty = true; // Try again with the next change, or on close().
        this.logger.warn('sandbox state not saved', {
          file: this.file,
          error: error instanceof Error ? error.message : 'unknown',
        });
        if (rethrow) throw error;
      }
    });
    this.#writing = run.catch(() => {});
    return run;
  }
}
