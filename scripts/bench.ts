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
}

const USAGE =
  'usage: npm run bench -- [--size quick|full] [--sqlite-pragma NAME=VALUE]... [--dynamic-config KEY=VALUE]... [--waiting N]\n';

function parseArgs(argv: readonly string[]): Args {
  let size: Size = 'quick';
  const pragmas: string[] = [];
  let waitingRun: number | null = null;
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
    if (arg === '--waiting') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 100_000) {
        throw new Error('--waiting wants a whole number of payouts, 1 to 100000');
      }
      waitingRun = n;
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
  return { size, pragmas, dynamicConfig, waitingRun };
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
  const { size, pragmas, dynamicConfig, waitingRun } = parseArgs(process.argv.slice(2));
  if (waitingRun !== null) return manyWaiting(waitingRun, pragmas, dynamicConfig);
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
      // The worker processes, alternating which goes first.
      const kinds: WorkerKind[] = round % 2 === 1 ? ['payout', 'floor'] : ['floor', 'payout'];
      for (const kind of kinds) {
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
