/**
 * Overload: happy-path payouts started at twice the saturation rate measured in this run, for a
 * fixed time, then left to drain. What must hold: every started payout ends SUCCEEDED with one
 * create, none is lost, and the backlog drains. Starts the server refuses are counted apart: the
 * caller got an error for those, and nothing was created.
 */
import { payoutWorkflowId } from '../../workflows/api.js';
import { BENCH_POLICY, createsPerPayout, request } from './phases.js';
import { BENCH_MERCHANT, type BenchStack } from './stack.js';

/** What the overload run measured. */
export interface OverloadResult {
  /** Payouts per second offered: twice the saturation rate. */
  readonly offeredPerSecond: number;
  readonly saturationPerSecond: number;
  readonly offerSeconds: number;
  readonly offered: number;
  /** Starts the client library reported as failed (nothing ran for them). */
  readonly refusedStarts: number;
  readonly started: number;
  readonly succeeded: number;
  /** Started payouts not SUCCEEDED by the deadline: lost for this run's purpose. */
  readonly notFinal: number;
  /** Seconds from the last accepted start to the last payout's end; NaN when not drained. */
  readonly drainSeconds: number;
  readonly createsPerPayout: number;
  /** Start to result, as the client saw it, ms. */
  readonly latenciesMs: number[];
}

const OVERLOAD_PREFIX = 'BO-';

export async function overload(
  stack: BenchStack,
  options: {
    readonly saturationPerSecond: number;
    readonly seconds: number;
    readonly deadlineMs: number;
  },
): Promise<OverloadResult> {
  const rate = 2 * options.saturationPerSecond;
  const offered = Math.max(1, Math.round(rate * options.seconds));
  const orderIds = Array.from({ length: offered }, (_, i) => `${OVERLOAD_PREFIX}${i}`);
  let refusedStarts = 0;
  let lastStartAt = 0;
  const latenciesMs: number[] = [];
  const ended = new Map<string, string>();
  const t0 = performance.now();
  const runs = orderIds.map(async (id, i) => {
    // On the schedule, not as fast as possible: the offered rate is the point.
    const due = t0 + (i * 1000) / rate;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    const startedAt = performance.now();
    try {
      await stack.payouts.startPayout(request(id), { policy: BENCH_POLICY });
    } catch {
      refusedStarts += 1;
      return;
    }
    lastStartAt = Math.max(lastStartAt, performance.now());
    const handle = stack.client.workflow.getHandle(payoutWorkflowId(BENCH_MERCHANT.platformId, id));
    const result: unknown = await handle.result();
    ended.set(id, String((result as { status?: string }).status));
    latenciesMs.push(performance.now() - startedAt);
  });
  let timer: NodeJS.Timeout | undefined;
  const drained = await Promise.race([
    Promise.allSettled(runs).then(() => true),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), options.seconds * 1000 + options.deadlineMs);
    }),
  ]);
  clearTimeout(timer);
  const lastEnd = performance.now();
  const started = offered - refusedStarts;
  const succeeded = [...ended.values()].filter((s) => s === 'SUCCEEDED').length;
  const startedIds = orderIds.filter((id) => stack.sandbox.record(id).queries.length > 0);
  return {
    offeredPerSecond: rate,
    saturationPerSecond: options.saturationPerSecond,
    offerSeconds: options.seconds,
    offered,
    refusedStarts,
    started,
    succeeded,
    notFinal: started - succeeded,
    // Not drained by the deadline: no drain time (notFinal says how many were left).
    drainSeconds: drained ? (lastEnd - lastStartAt) / 1000 : Number.NaN,
    createsPerPayout: createsPerPayout(stack, startedIds),
    latenciesMs,
  };
}
