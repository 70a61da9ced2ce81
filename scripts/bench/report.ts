/**
 * Turns the rounds' phase results into the summary: per-phase figures (median and range over
 * rounds) and the targets, each judged met or not met. Pure, like stats.ts.
 */
import { DEFAULT_PAYOUT_POLICY } from '../../workflows/policy.js';
import type { PhaseName, PhaseResult } from './phases.js';
import type { OverloadResult } from './overload.js';
import type { WorkerKind, WorkerProcessResult } from './worker-process.js';
import {
  fmt,
  fmtSpread,
  markdownTable,
  median,
  percentile,
  ratioSpread,
  spread,
  targetsTable,
  type Spread,
  type Target,
} from './stats.js';

const THROUGHPUT_PHASES: readonly PhaseName[] = [
  'floorA',
  'floorB',
  'floorC',
  'happy',
  'unknownMix',
  'callbackMix',
];

const LABEL: Readonly<Record<PhaseName, string>> = {
  floorA: 'floor A: bare HTTP calls',
  floorB: 'floor B: 2 no-op activities',
  floorC: 'floor C: 2 activities + 100 ms timer',
  happy: 'payouts: happy path',
  unknownMix: 'payouts: 30% unknown creates',
  callbackMix: 'payouts: resolved by callback',
};

function of(results: readonly PhaseResult[], phase: PhaseName): PhaseResult[] {
  return results.filter((r) => r.phase === phase).sort((a, b) => a.round - b.round);
}

const values = (rs: readonly PhaseResult[], pick: (r: PhaseResult) => number | undefined) =>
  rs.map(pick).filter((v): v is number => v !== undefined);

export interface Summary {
  readonly phases: Record<string, Record<string, Spread>>;
  readonly targets: Target[];
  readonly phaseTable: string;
  readonly targetTable: string;
}

/** The round value furthest from `ideal` (so "exactly 1 in every round" is one number). */
function furthestFrom(ideal: number, xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  return xs.reduce((worst, x) => (Math.abs(x - ideal) > Math.abs(worst - ideal) ? x : worst));
}

export function summarize(
  results: readonly PhaseResult[],
  processes: readonly WorkerProcessResult[] = [],
  overloaded?: OverloadResult,
): Summary {
  const phases: Record<string, Record<string, Spread>> = {};
  const rows: string[][] = [];
  for (const phase of THROUGHPUT_PHASES) {
    const rs = of(results, phase);
    if (rs.length === 0) continue;
    const s = {
      perSecond: spread(values(rs, (r) => r.perSecond)),
      serverCpuMsPerItem: spread(values(rs, (r) => r.serverCpuMsPerItem)),
      benchCpuMsPerItem: spread(values(rs, (r) => r.benchCpuMsPerItem)),
      p50Ms: spread(rs.map((r) => percentile(r.latenciesMs, 50))),
      maxOverMedian: spread(rs.map((r) => Math.max(...r.latenciesMs) / median(r.latenciesMs))),
      historyEvents: spread(values(rs, (r) => r.historyEvents)),
      historyBytes: spread(values(rs, (r) => r.historyBytes)),
      rssMB: spread(rs.map((r) => r.rssBytes / 2 ** 20)),
    };
    phases[phase] = s;
    rows.push([
      LABEL[phase],
      String(rs[0]!.items),
      fmtSpread(s.perSecond, 1),
      fmtSpread(s.serverCpuMsPerItem, 1),
      fmtSpread(s.benchCpuMsPerItem, 1),
      fmtSpread(s.p50Ms, 0),
      fmtSpread(s.maxOverMedian, 2),
      s.historyEvents.n === 0 ? '–' : fmtSpread(s.historyEvents, 0),
      s.historyBytes.n === 0 ? '–' : fmtSpread(s.historyBytes, 0),
      fmtSpread(s.rssMB, 0),
      String(rs.reduce((n, r) => n + r.unfinished.length, 0)),
    ]);
  }
  const phaseTable = markdownTable(
    [
      'phase',
      'items',
      'items/s',
      'server CPU ms/item',
      'bench process CPU ms/item',
      'p50 start→close ms',
      'slowest ÷ median',
      'history events',
      'history bytes',
      'RSS MB',
      'missed deadline',
    ],
    rows,
  );

  const perSecond = (phase: PhaseName) => of(results, phase).map((r) => r.perSecond);
  const happy = of(results, 'happy');
  const unknown = of(results, 'unknownMix');
  const callback = of(results, 'callbackMix');
  const workers = (kind: WorkerKind) =>
    processes.filter((p) => p.kind === kind).sort((a, b) => a.round - b.round);
  const payoutWorkers = workers('payout');
  const floorWorkers = workers('floor');
  const perWaiting = (p: WorkerProcessResult) => p.rssPerWaitingBytes;
  const vsC = ratioSpread(perSecond('happy'), perSecond('floorC'));
  const vsB = ratioSpread(perSecond('happy'), perSecond('floorB'));
  const vsA = ratioSpread(perSecond('happy'), perSecond('floorA'));
  const events = spread(values(happy, (r) => r.historyEvents));
  const bytes = spread(values(happy, (r) => r.historyBytes));
  const plainBytes = spread(values(happy, (r) => r.historyBytesWithoutCodec));
  const perRound = spread(values(unknown, (r) => r.eventsPerRound));
  const largestRun = DEFAULT_PAYOUT_POLICY.maxRunEvents + perRound.max;
  const creates = (rs: readonly PhaseResult[]) =>
    furthestFrom(
      1,
      values(rs, (r) => r.createsPerPayout),
    );
  const queryRatio = spread(
    unknown.map((r) => (r.queriesPerUnknown ?? Number.NaN) / (r.idealQueriesPerUnknown ?? 1)),
  );
  // RSS moves in steps (heap growth, page reuse): a baseline that did not grow is no baseline.
  const rssRatio = ratioSpread(
    payoutWorkers.map(perWaiting),
    floorWorkers.map((p) => (perWaiting(p) > 0 ? perWaiting(p) : Number.NaN)),
  );
  const shapeWorkers = workers('floor-shape');
  const shapeRatio = ratioSpread(
    payoutWorkers.map(perWaiting),
    shapeWorkers.map((p) => (perWaiting(p) > 0 ? perWaiting(p) : Number.NaN)),
  );
  const firstRatio = ratioSpread(
    payoutWorkers.map((p) => p.firstItemMs),
    floorWorkers.map((p) => p.firstItemMs),
  );
  const readyRssRatio = ratioSpread(
    payoutWorkers.map((p) => p.rssReadyBytes),
    floorWorkers.map((p) => p.rssReadyBytes),
  );
  const callbackMs = callback.flatMap((r) => r.callbackToFinalMs ?? []);
  const resolved = callback.reduce((n, r) => n + (r.resolvedByCallback ?? 0), 0);
  const callbackItems = callback.reduce((n, r) => n + r.items, 0);
  const slowest = spread(happy.map((r) => Math.max(...r.latenciesMs) / median(r.latenciesMs)));
  const kb = (s: Spread) => ({
    median: s.median / 1024,
    min: s.min / 1024,
    max: s.max / 1024,
    n: s.n,
  });
  const perPayoutKB = spread(payoutWorkers.map((p) => perWaiting(p) / 1024));
  const perTrivialKB = spread(floorWorkers.map((p) => perWaiting(p) / 1024));
  // Floor C at its timer: one activity done, as a waiting payout's submit is.
  const perShapeKB = spread(shapeWorkers.map((p) => perWaiting(p) / 1024));
  const seconds = (ps: readonly WorkerProcessResult[], pick: (p: WorkerProcessResult) => number) =>
    fmtSpread(spread(ps.map((p) => pick(p) / 1000)), 1);
  const mb = (ps: readonly WorkerProcessResult[]) =>
    fmtSpread(spread(ps.map((p) => p.rssReadyBytes / 2 ** 20)), 0);

  const targets: Target[] = [
    {
      metric: 'happy-path payouts/s ÷ floor C',
      comparison: '>=',
      bound: 0.95,
      value: vsC.median,
      shown: fmtSpread(vsC),
    },
    {
      metric: 'happy-path payouts/s ÷ floor B',
      comparison: '>=',
      bound: 0.85,
      value: vsB.median,
      shown: fmtSpread(vsB),
    },
    {
      metric: 'happy-path payouts/s ÷ floor A (HTTP only)',
      comparison: 'report',
      value: vsA.median,
      shown: fmtSpread(vsA),
    },
    {
      metric: 'history events, happy path',
      comparison: '<=',
      bound: 20,
      value: events.max,
      shown: fmtSpread(events, 0),
      digits: 0,
    },
    {
      metric: 'history size, happy path',
      comparison: '<',
      bound: 3,
      unit: 'KB',
      value: bytes.max / 1024,
      shown: `${fmtSpread(kb(bytes), 2)} KB, every payload encrypted`,
    },
    {
      metric: 'history size, happy path, the payloads decoded (the codec left out)',
      comparison: '<',
      bound: 3,
      unit: 'KB',
      value: plainBytes.max / 1024,
      shown: `${fmtSpread(kb(plainBytes), 2)} KB`,
    },
    {
      metric: 'events per confirmation round (an unknown payout)',
      comparison: '<=',
      bound: 7,
      value: perRound.max,
      shown: fmtSpread(perRound, 0),
      digits: 0,
    },
    {
      metric: 'largest run before continue-as-new: maxRunEvents + one round',
      comparison: '<=',
      bound: 4096,
      value: largestRun,
      shown: `${DEFAULT_PAYOUT_POLICY.maxRunEvents} + ${fmt(perRound.max, 0)}`,
      digits: 0,
    },
    {
      metric: 'creates per payout, happy path',
      comparison: '==',
      bound: 1,
      value: creates(happy),
      digits: 3,
    },
    {
      metric: 'creates per payout, unknown mix',
      comparison: '==',
      bound: 1,
      value: creates(unknown),
      digits: 3,
    },
    {
      metric: 'creates per payout, callback mix',
      comparison: '==',
      bound: 1,
      value: creates(callback),
      digits: 3,
    },
    {
      metric: `status queries per unknown payout ÷ ideal (${unknown[0]?.idealQueriesPerUnknown ?? '?'})`,
      comparison: '<=',
      bound: 1.05,
      value: queryRatio.max,
      shown: fmtSpread(queryRatio),
    },
    {
      metric: 'worker RSS per cached waiting payout ÷ trivial workflow (worker processes)',
      comparison: '<=',
      bound: 1.2,
      value: rssRatio.median,
      shown: `${fmtSpread(rssRatio)}; KB each: payout ${fmtSpread(perPayoutKB, 0)}, trivial ${fmtSpread(perTrivialKB, 0)}, floor C at its timer ${fmtSpread(perShapeKB, 0)}`,
    },
    {
      metric:
        'worker RSS per cached waiting payout ÷ floor C at its timer (one activity, then a timer)',
      comparison: 'report',
      value: shapeRatio.median,
      shown: fmtSpread(shapeRatio),
    },
    {
      metric: 'worker start to first payout ÷ the floor worker’s',
      comparison: '<=',
      bound: 1.2,
      value: firstRatio.median,
      shown: `${fmtSpread(firstRatio)}; s: payout ${seconds(payoutWorkers, (p) => p.firstItemMs)} (running after ${seconds(payoutWorkers, (p) => p.readyMs)}), floor ${seconds(floorWorkers, (p) => p.firstItemMs)}`,
    },
    {
      metric: 'worker RSS before the first payout ÷ the floor worker’s',
      comparison: '<=',
      bound: 1.2,
      value: readyRssRatio.median,
      shown: `${fmtSpread(readyRssRatio)}; MB: payout ${mb(payoutWorkers)}, floor ${mb(floorWorkers)}`,
    },
    {
      metric: `callback → final p50 / p99 ms (${resolved}/${callbackItems} by callback)`,
      comparison: 'report',
      value: percentile(callbackMs, 50),
      shown: `${fmt(percentile(callbackMs, 50), 0)} / ${fmt(percentile(callbackMs, 99), 0)}`,
    },
    {
      metric: 'slowest payout ÷ median at saturation',
      comparison: '<=',
      bound: 3,
      value: slowest.median,
      shown: fmtSpread(slowest),
    },
    {
      metric: 'payouts not final by the phase deadline (all mixes and rounds)',
      comparison: '==',
      bound: 0,
      digits: 0,
      value: [...happy, ...unknown, ...callback].reduce((n, r) => n + r.unfinished.length, 0),
    },
  ];
  if (overloaded !== undefined) {
    const o = overloaded;
    const what = `overload: ${fmt(o.offeredPerSecond, 1)}/s (2 × ${fmt(o.saturationPerSecond, 1)}) for ${o.offerSeconds} s`;
    targets.push(
      {
        metric: `${what}: started payouts not SUCCEEDED`,
        comparison: '==',
        bound: 0,
        digits: 0,
        value: o.notFinal,
        shown: `${o.notFinal} of ${o.started} started (${o.refusedStarts} starts refused); drained ${fmt(o.drainSeconds, 0)} s after the last start, slowest ${fmt(Math.max(...o.latenciesMs) / 1000, 1)} s`,
      },
      {
        metric: `${what}: creates per payout`,
        comparison: '==',
        bound: 1,
        value: o.createsPerPayout,
        digits: 3,
      },
    );
  }
  return { phases, targets, phaseTable, targetTable: targetsTable(targets) };
}
