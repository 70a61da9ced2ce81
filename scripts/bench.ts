/**
 * `npm run bench [-- --size quick|full]`: payout throughput and cost against floors measured in
 * the same run (docs/performance.md). One process tree: a dev server on a SQLite file, the
 * sandbox, the receiver and the workers in this process. Rounds are interleaved: each round runs
 * every phase once (in a rotated order), so drift on a shared machine spreads over all of them.
 * Prints the tables; writes bench-results/<time>-<size>.json and .md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  floorA,
  floorWorkflows,
  payoutMix,
  type PhaseResult,
  type PhaseSettings,
} from './bench/phases.js';
import { heapPerWaiting } from './bench/heap.js';
import { overload, type OverloadResult } from './bench/overload.js';
import { summarize } from './bench/report.js';
import { startBenchStack, type BenchStack } from './bench/stack.js';
import { median, progressBar } from './bench/stats.js';
import {
  prebuiltBundles,
  workerProcessProbe,
  type WorkerKind,
  type WorkerProcessResult,
} from './bench/worker-process.js';

const SIZES = {
  quick: { rounds: 3, items: 20, waiting: 100, warmup: 5, deadlineMs: 60_000, overloadSeconds: 10 },
  full: {
    rounds: 3,
    items: 150,
    waiting: 400,
    warmup: 20,
    deadlineMs: 180_000,
    overloadSeconds: 60,
  },
} as const;
type Size = keyof typeof SIZES;
const UNKNOWN_QUERIES = 2;
const UNKNOWN_SHARE = 0.3;
const CALLBACK_AFTER_MS = 150;

interface Args {
  size: Size;
  pragmas: string[];
  /** `--dynamic-config KEY=VALUE`: the dev server's dynamic config, to compare settings. */
  dynamicConfig: string[];
  /** `--waiting N`: only the many-waiting-payouts run, N payouts on one worker process. */
  waitingRun: number | null;
  /** `--memory N`: only the worker processes' memory, N waiting workflows each, three rounds. */
  memoryRun: number | null;
  /** `--heap N`: only the JS heap each of N waiting workflows holds, three rounds. */
  heapRun: number | null;
}

const USAGE =
  'usage: npm run bench -- [--size quick|full] [--sqlite-pragma NAME=VALUE]... [--dynamic-config KEY=VALUE]... [--waiting N] [--memory N] [--heap N]\n';

function parseArgs(argv: readonly string[]): Args {
  let size: Size = 'quick';
  const pragmas: string[] = [];
  let waitingRun: number | null = null;
  let memoryRun: number | null = null;
  let heapRun: number | null = null;
  const dynamicConfig: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--dynamic-config') {
      const value = argv[++i];
      if (value === undefined || !/^[\w.]+=[\w.]+$/.test(value)) {
        throw new Error(
          '--dynamic-config wants KEY=VALUE, e.g. system.enableActivityEagerExecution=true',
        );
      }
      dynamicConfig.push(value);
      continue;
    }
    if (arg === '--waiting' || arg === '--memory' || arg === '--heap') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 100_000) {
        throw new Error(`${arg} wants a whole number of workflows, 1 to 100000`);
      }
      if (arg === '--waiting') waitingRun = n;
      else if (arg === '--memory') memoryRun = n;
      else heapRun = n;
      continue;
    }
    if (arg === '--sqlite-pragma') {
      const pragma = argv[++i];
      if (pragma === undefined || !/^\w+=\w+$/.test(pragma)) {
        throw new Error('--sqlite-pragma wants NAME=VALUE, e.g. journal_mode=wal');
      }
      pragmas.push(pragma);
      continue;
    }
    const value = arg.startsWith('--size=') ? arg.slice(7) : arg === '--size' ? argv[++i] : null;
    if (value === null) {
      if (arg === '--help' || arg === '-h') {
        process.stdout.write(USAGE);
        process.exit(0);
      }
      throw new Error(`unknown argument ${arg}`);
    }
    if (value !== 'quick' && value !== 'full') throw new Error('--size must be quick or full');
    size = value;
  }
  return { size, pragmas, dynamicConfig, waitingRun, memoryRun, heapRun };
}

type Step = (stack: BenchStack, s: PhaseSettings) => Promise<PhaseResult>;
const STEPS: readonly [string, Step][] = [
  ['floor A', floorA],
  ['floor B', (st, s) => floorWorkflows(st, s, 'floorB')],
  ['floor C', (st, s) => floorWorkflows(st, s, 'floorC')],
  ['happy path', (st, s) => payoutMix(st, s, 'happy')],
  ['unknown mix', (st, s) => payoutMix(st, s, 'unknownMix')],
  ['callback mix', (st, s) => payoutMix(st, s, 'callbackMix')],
];

async function main(): Promise<void> {
  const { size, pragmas, dynamicConfig, waitingRun, memoryRun, heapRun } = parseArgs(
    process.argv.slice(2),
  );
  if (waitingRun !== null) return manyWaiting(waitingRun, pragmas, dynamicConfig);
  if (memoryRun !== null) return memoryOnly('rss', memoryRun, pragmas, dynamicConfig);
  if (heapRun !== null) return memoryOnly('heap', heapRun, pragmas, dynamicConfig);
  const config = SIZES[size];
  const tty = process.stderr.isTTY;
  const totalSteps = 2 + config.rounds * (STEPS.length + 1);
  let done = 0;
  const t0 = Date.now();
  const progress = (what: string) => {
    const label = `${Math.round((Date.now() - t0) / 1000)} s: ${what}`;
    if (tty) process.stderr.write(`\r\x1b[K${progressBar(done, totalSteps, label)}`);
    else process.stderr.write(`${done}/${totalSteps} ${label}\n`);
  };
  const startedAt = new Date();
  const load = loadavg();
  const dir = mkdtempSync(join(tmpdir(), 'payout-bench-'));
  progress('starting the dev server, sandbox and workers');
  const stack = await startStack(dir, pragmas, dynamicConfig);
  const results: PhaseResult[] = [];
  const processes: WorkerProcessResult[] = [];
  let overloaded: OverloadResult | undefined;
  try {
    const settings = (round: number, items: number): PhaseSettings => ({
      round,
      items,
      unknownQueries: UNKNOWN_QUERIES,
      unknownShare: UNKNOWN_SHARE,
      deadlineMs: config.deadlineMs,
    });
    const bundles = await prebuiltBundles(dir);
    progress('warm-up');
    for (const [, step] of STEPS) await step(stack, settings(0, config.warmup));
    done += 1;
    for (let round = 1; round <= config.rounds; round += 1) {
      for (let k = 0; k < STEPS.length; k += 1) {
        const [label, step] = STEPS[(k + round - 1) % STEPS.length]!;
        progress(`round ${round}/${config.rounds}: ${label}`);
        results.push(await step(stack, settings(round, config.items)));
        done += 1;
      }
      // The worker processes, in turn first.
      for (const kind of probeOrder(round)) {
        progress(`round ${round}/${config.rounds}: ${kind} worker process`);
        processes.push(
          await workerProcessProbe(stack, {
            kind,
            round,
            waiting: config.waiting,
            dir,
            env: bundles[kind],
          }),
        );
      }
      done += 1;
    }
    // Twice the happy path's saturation rate of this run.
    const saturation = median(results.filter((r) => r.phase === 'happy').map((r) => r.perSecond));
    progress(`overload: ${(2 * saturation).toFixed(1)}/s for ${config.overloadSeconds} s`);
    overloaded = await overload(stack, {
      saturationPerSecond: saturation,
      seconds: config.overloadSeconds,
      deadlineMs: config.deadlineMs,
    });
    done += 1;
    progress('done');
    if (tty) process.stderr.write('\n');
  } finally {
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const summary = summarize(results, processes, overloaded);
  const context = {
    size,
    ...config,
    unknownQueries: UNKNOWN_QUERIES,
    unknownShare: UNKNOWN_SHARE,
    callbackAfterMs: CALLBACK_AFTER_MS,
    sqlitePragmas: pragmas,
    dynamicConfig,
    startedAt: startedAt.toISOString(),
    seconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    node: process.version,
    cpus: cpus().length,
    loadavgAtStart: load.map((l) => Number(l.toFixed(2))),
    loadavgAtEnd: loadavg().map((l) => Number(l.toFixed(2))),
  };
  const markdown = [
    `Bench \`--size ${size}${pragmas.map((p) => ` --sqlite-pragma ${p}`).join('')}${dynamicConfig.map((v) => ` --dynamic-config ${v}`).join('')}\`, ${config.rounds} rounds of ${config.items} items per phase, ` +
      `${context.startedAt}, ${context.seconds} s, node ${context.node}, ${context.cpus} CPUs, ` +
      `load average ${context.loadavgAtStart.join(' ')} at start, ${context.loadavgAtEnd.join(' ')} at end. ` +
      'Figures are the median over rounds, the range in parentheses.',
    '',
    summary.phaseTable,
    '',
    summary.targetTable,
    '',
  ].join('\n');
  process.stdout.write(`${markdown}\n`);
  const out = join(process.cwd(), 'bench-results');
  mkdirSync(out, { recursive: true });
  const base = join(out, `${startedAt.toISOString().replace(/[:.]/g, '-')}-${size}`);
  writeFileSync(
    `${base}.json`,
    `${JSON.stringify({ context, summary: { phases: summary.phases, targets: summary.targets }, results, processes, overloaded }, null, 2)}\n`,
  );
  writeFileSync(`${base}.md`, markdown);
  process.stderr.write(`wrote ${base}.json and .md\n`);
}

/** The bench's stack in `dir`; Ctrl-C or SIGTERM takes its dev server down with the bench. */
async function startStack(
  dir: string,
  pragmas: string[],
  dynamicConfig: string[],
): Promise<BenchStack> {
  const stack = await startBenchStack({
    dir,
    unknownQueries: UNKNOWN_QUERIES,
    callbackAfterMs: CALLBACK_AFTER_MS,
    sqlitePragmas: pragmas,
    dynamicConfig,
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void stack.close().finally(() => process.exit(130));
    });
  }
  return stack;
}

/** The worker-process probes of a round: each kind goes first in turn. */
function probeOrder(round: number): WorkerKind[] {
  const kinds: WorkerKind[] = ['payout', 'floor', 'floor-shape'];
  return kinds.map((_, i) => kinds[(i + round - 1) % kinds.length]!);
}

/**
 * `--memory N` (`rss`): only the worker processes, three rounds: the payout worker, the trivial
 * workflow's and floor C's, N waiting workflows each, the RSS each waiting workflow adds.
 * `--heap N` (`heap`): the same three in this process, the JS heap each one holds.
 */
async function memoryOnly(
  what: 'rss' | 'heap',
  n: number,
  pragmas: string[],
  dynamicConfig: string[],
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'payout-bench-'));
  const stack = await startStack(dir, pragmas, dynamicConfig);
  const perWaitingKB: Record<WorkerKind, number[]> = { payout: [], floor: [], 'floor-shape': [] };
  const settled: Record<WorkerKind, number[]> = { payout: [], floor: [], 'floor-shape': [] };
  try {
    const bundles = await prebuiltBundles(dir);
    for (let round = 1; round <= 3; round += 1) {
      for (const kind of probeOrder(round)) {
        let kb: number;
        if (what === 'heap') {
          kb = (await heapPerWaiting(stack, { kind, round, base: 50, more: n, bundles })) / 1024;
          process.stderr.write(
            `round ${round}: ${kind}: ${kb.toFixed(1)} KB of heap per waiting workflow\n`,
          );
        } else {
          const r = await workerProcessProbe(stack, {
            kind,
            round,
            waiting: n,
            dir,
            env: bundles[kind],
            settleMs: 30_000,
          });
          kb = r.rssPerWaitingBytes / 1024;
          const settledKB = (r.rssSettledBytes - r.rssAfterFirstBytes) / n / 1024;
          settled[kind].push(settledKB);
          const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
          process.stderr.write(
            `round ${round}: ${kind}: ${kb.toFixed(0)} KB per waiting workflow while they start, ${settledKB.toFixed(0)} KB after 30 s idle (RSS ${mb(r.rssAfterFirstBytes)} MB after the first, ${mb(r.rssWaitingBytes)} MB with ${n} waiting, ${mb(r.rssSettledBytes)} MB idle)\n`,
          );
        }
        perWaitingKB[kind].push(kb);
      }
    }
  } finally {
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const m = (kind: WorkerKind) => median(perWaitingKB[kind]);
  const range = (kind: WorkerKind) =>
    `${Math.min(...perWaitingKB[kind]).toFixed(0)}-${Math.max(...perWaitingKB[kind]).toFixed(0)}`;
  process.stdout.write(
    `${what === 'heap' ? 'JS heap' : 'RSS'} per waiting workflow, median of 3 [range], ${n} each: payout ${m('payout').toFixed(0)} KB [${range('payout')}], ` +
      `trivial ${m('floor').toFixed(0)} KB [${range('floor')}], floor C at its timer ${m('floor-shape').toFixed(0)} KB [${range('floor-shape')}]; ` +
      `payout ÷ trivial ${(m('payout') / m('floor')).toFixed(2)}, payout ÷ floor C ${(m('payout') / m('floor-shape')).toFixed(2)}\n`,
  );
  if (what === 'rss') {
    const s = (kind: WorkerKind) => median(settled[kind]);
    process.stdout.write(
      `after 30 s idle: payout ${s('payout').toFixed(0)} KB, trivial ${s('floor').toFixed(0)} KB, floor C at its timer ${s('floor-shape').toFixed(0)} KB; ` +
        `payout ÷ trivial ${(s('payout') / s('floor')).toFixed(2)}, payout ÷ floor C ${(s('payout') / s('floor-shape')).toFixed(2)}\n`,
    );
  }
}

/**
 * `--waiting N`: N payouts waiting on a check ten minutes out, on one payout worker process with
 * the cache its env gives (`WORKER_MAX_CACHED_WORKFLOWS`, default 1,000); the RSS at the end and
 * at its most.
 */
async function manyWaiting(n: number, pragmas: string[], dynamicConfig: string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'payout-bench-'));
  const startedAt = new Date();
  const stack = await startStack(dir, pragmas, dynamicConfig);
  try {
    const bundles = await prebuiltBundles(dir);
    const result = await workerProcessProbe(stack, {
      kind: 'payout',
      round: 0,
      waiting: n,
      dir,
      env: bundles.payout,
      // The dev server goes with the run: terminating 10,000 payouts would take minutes.
      leaveRunning: true,
      onProgress: (waiting, rssBytes) => {
        const label = `${Math.round((Date.now() - startedAt.getTime()) / 1000)} s: ${waiting}/${n} waiting, worker RSS ${(rssBytes / 2 ** 20).toFixed(0)} MB`;
        process.stderr.write(process.stderr.isTTY ? `\r\x1b[K${label}` : `${label}\n`);
      },
    });
    const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
    const line =
      `${n} payouts waiting on one worker process (WORKER_MAX_CACHED_WORKFLOWS ${process.env.WORKER_MAX_CACHED_WORKFLOWS ?? 'default'}), ` +
      `${startedAt.toISOString()}, ${Math.round((Date.now() - startedAt.getTime()) / 1000)} s: ` +
      `RSS ${mb(result.rssReadyBytes)} MB running, ${mb(result.rssAfterFirstBytes)} MB after the first payout, ` +
      `${mb(result.rssWaitingBytes)} MB with all waiting, ${mb(result.rssPeakBytes)} MB at most; ` +
      `${result.waitingPerSecond.toFixed(1)} started to their timer per second.`;
    process.stdout.write(`\n${line}\n`);
    const out = join(process.cwd(), 'bench-results');
    mkdirSync(out, { recursive: true });
    const base = join(out, `${startedAt.toISOString().replace(/[:.]/g, '-')}-waiting-${n}`);
    writeFileSync(`${base}.json`, `${JSON.stringify({ n, result, line }, null, 2)}\n`);
    process.stderr.write(`wrote ${base}.json\n`);
  } finally {
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `\nbench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
