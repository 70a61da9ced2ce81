import { createHash } from 'node:crypto';
import type { DeliveryResult } from './receiver.js';

/** Limits of {@link DeliveryMemory}. */
export interface DeliveryMemoryOptions {
  /** Most callbacks remembered; the oldest is forgotten first. Default 10,000. */
  readonly maxEntries?: number;
  /** How long one is remembered. Default one hour: the gateway's retry window. */
  readonly ttlMs?: number;
  /** Milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

interface Entry {
  readonly expiresAt: number;
  readonly delivery: Promise<DeliveryResult>;
  repeats: number;
}

/**
 * The digest a callback is remembered by: every received field, `sign` included, so only the
 * very same message is a repeat (a new status or a re-signed message is not).
 */
export function callbackDigest(fields: Readonly<Record<string, string>>): string {
  const sorted = Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(sorted), 'utf8').digest('hex');
}

/**
 * A bounded in-memory record of callbacks recently handed to their payouts, so a repeat (the
 * gateway's retries, or a replay) costs a counter instead of a signal. Per process: a restart
 * or a second receiver forgets, and the workflow still takes a duplicate as harmless.
 */
export class DeliveryMemory {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #repeats = 0;

  constructor(options: DeliveryMemoryOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#ttlMs = options.ttlMs ?? 60 * 60 * 1000;
    this.#now = options.now ?? Date.now;
  }

  /** The delivery of the same callback, done or in flight, if it is remembered. */
  recall(digest: string): Promise<DeliveryResult> | undefined {
    const entry = this.#entries.get(digest);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(digest);
      return undefined;
    }
    return entry.delivery;
  }

  /**
   * Remembers a delivery from its start, so a repeat arriving meanwhile waits for it instead of
   * signalling again. One that fails or finds no payout is forgotten: its repeat must try again.
   */
  remember(digest: string, delivery: Promise<DeliveryResult>): void {
    this.#entries.delete(digest);
    this.#evict();
    const entry: Entry = { expiresAt: this.#now() + this.#ttlMs, delivery, repeats: 0 };
    this.#entries.set(digest, entry);
    const forget = (): void => {
      if (this.#entries.get(digest) === entry) this.#entries.delete(digest);
    };
    delivery.then((result) => (result === 'unknown-payout' ? forget() : undefined), forget);
  }

  /** Counts a repeat answered from memory; returns how many this callback has had so far. */
  countRepeat(digest: string): number {
    this.#repeats += 1;
    const entry = this.#entries.get(digest);
    if (entry === undefined) return 1;
    entry.repeats += 1;
    return entry.repeats;
  }

  /** How many callbacks are remembered, and how many repeats were answered from memory. */
  stats(): { readonly remembered: number; readonly repeats: number } {
    return { remembered: this.#entries.size, repeats: this.#repeats };
  }

  /** Drops expired entries (the oldest come first: one TTL for all) and makes room for one. */
  #evict(): void {
    const now = this.#now();
    for (const [digest, entry] of this.#entries) {
      if (entry.expiresAt > now && this.#entries.size < this.#maxEntries) break;
      this.#entries.delete(digest);
    }
  }
}
