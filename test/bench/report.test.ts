import { describe, expect, it } from 'vitest';
import type { PhaseName, PhaseResult } from '../../scripts/bench/phases.js';
import { summarize } from '../../scripts/bench/report.js';
import type { WorkerProcessResult } from '../../scripts/bench/worker-process.js';

function result(phase: PhaseName, round: number, extra: Partial<PhaseResult> = {}): PhaseResult {
  return {
    phase,
    round,
    items: 10,
    seconds: 1,
    perSecond: 10,
    serverCpuMsPerItem: 5,
    benchCpuMsPerItem: 3,
    latenciesMs: [100, 100, 120],
    unfinished: [],
    rssBytes: 100 * 2 ** 20,
    ...extra,
  };
}

/** Three rounds of each worker process: `payout` and `floor` bytes per waiting workflow. */
function workers(payout: number, floor: number): WorkerProcessResult[] {
  return [1, 2, 3].flatMap((round) =>
    (['payout', 'floor'] as const).map((kind) => ({
      kind,
      round,
      readyMs: 2_000,
      firstItemMs: kind === 'payout' ? 2_300 : 2_100,
      rssReadyBytes: 150 * 2 ** 20,
      rssAfterFirstBytes: 160 * 2 ** 20,
      rssWaitingBytes: 160 * 2 ** 20 + 100 * (kind === 'payout' ? payout : floor),
      rssSettledBytes: 160 * 2 ** 20 + 100 * (kind === 'payout' ? payout : floor),
      rssPerWaitingBytes: kind === 'payout' ? payout : floor,
      waiting: 100,
      rssPeakBytes: 170 * 2 ** 20,
      waitingPerSecond: 20,
    })),
  );
}

/** Three rounds of every phase; `happy` as given per round. */
function rounds(happy: (r: number) => Partial<PhaseResult>) {
  const out: PhaseResult[] = [];
  for (const round of [1, 2, 3]) {
    out.push(result('floorA', round, { perSecond: 100 }));
    out.push(result('floorB', round, { perSecond: 10, historyEvents: 17, historyBytes: 2800 }));
    out.push(result('floorC', round, { perSecond: 8, historyEvents: 22, historyBytes: 3400 }));
    out.push(
      result('happy', round, {
        historyEvents: 19,
        historyBytes: 2900,
        historyBytesWithoutCodec: 2500,
        createsPerPayout: 1,
        ...happy(round),
      }),
    );
    out.push(
      result('unknownMix', round, {
        createsPerPayout: 1,
        queriesPerUnknown: 3,
        idealQueriesPerUnknown: 3,
        rounds: 3,
        eventsPerRound: 6,
      }),
    );
    out.push(
      result('callbackMix', round, {
        createsPerPayout: 1,
        callbackToFinalMs: [100, 200, 300],
        resolvedByCallback: 3,
      }),
    );
  }
  return out;
}

const verdictOf = (summary: ReturnType<typeof summarize>, metric: string) =>
  summary.targets.find((t) => t.metric.startsWith(metric));

describe('the bench summary', () => {
  it('pairs the rounds for ratios and judges every target', () => {
    const summary = summarize(
      rounds((r) => ({ perSecond: [9, 8.8, 9.5][r - 1]! })),
      workers(110_000, 100_000),
    );
    expect(verdictOf(summary, 'happy-path payouts/s ÷ floor C')?.value).toBeCloseTo(9 / 8);
    expect(verdictOf(summary, 'happy-path payouts/s ÷ floor B')?.value).toBeCloseTo(0.9);
    expect(summary.targetTable).not.toContain('not met');
    expect(summary.targetTable).toContain('| history size, happy path');
    expect(summary.targetTable).toContain('200 / 300');
    expect(verdictOf(summary, 'events per confirmation round')?.value).toBe(6);
    expect(verdictOf(summary, 'largest run before continue-as-new')?.value).toBe(4_006);
    expect(verdictOf(summary, 'worker start to first payout')?.value).toBeCloseTo(2_300 / 2_100);
    expect(summary.phaseTable.split('\n')).toHaveLength(2 + 6);
  });

  it('a single round off the ideal, or a missed deadline, fails the target', () => {
    const summary = summarize(
      rounds((r) =>
        r === 2
          ? { perSecond: 8, createsPerPayout: 1.1, unfinished: [{ id: 'x', detail: 'late' }] }
          : { perSecond: 8 },
      ),
      workers(300_000, 100_000),
    );
    const table = summary.targetTable;
    const row = (metric: string) => table.split('\n').find((l) => l.includes(metric)) ?? '';
    expect(row('creates per payout, happy path')).toContain('1.100');
    expect(row('creates per payout, happy path')).toContain('not met');
    expect(row('creates per payout, unknown mix')).toMatch(/\bmet\b/);
    expect(row('not final by the phase deadline')).toContain('not met');
    expect(row('worker RSS per cached waiting payout')).toContain('not met');
  });

  it('gives no memory ratio when the trivial baseline did not grow', () => {
    const summary = summarize(
      rounds(() => ({ perSecond: 8 })),
      workers(300_000, -5),
    );
    expect(verdictOf(summary, 'worker RSS')?.value).toBeNaN();
    const row = summary.targetTable.split('\n').find((l) => l.includes('worker RSS')) ?? '';
    expect(row).toContain('n/a');
  });
});
