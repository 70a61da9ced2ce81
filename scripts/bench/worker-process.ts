/**
 * The worker as a process of its own: the product's `src/worker.ts` against the floor workflows'
 * worker (`floor/worker-main.ts`), each spawned fresh on its own task queue. Measured from
 * outside, through /proc: the time from spawn to "worker running" and to the first item done,
 * the RSS before the first item, and the RSS each cached waiting workflow adds. A process that
 * holds only the worker says what a worker costs; the bench process also holds the sandbox,
 * the client and the receiver.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { buildWorkflowBundle } from '../../src/worker/workflow-bundle.js';
import { createPayoutClient, type PayoutClient } from '../../src/client/index.js';
import { payoutWorkflowId } from '../../workflows/api.js';
import { ManagedProcess } from '../soak/processes.js';
import type { floorTimer, floorTwoActivities, floorWaiting } from './floor/workflows.js';
import { request } from './phases.js';
import { slope } from './stats.js';
import { BENCH_MERCHANT, PREFIX, processRssBytes, type BenchStack } from './stack.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `floor` waits with the trivial workflow (a timer, nothing else); `floor-shape` with floor C's,
 * which runs one activity before its timer, as a waiting payout ran its submit.
 */
export type WorkerKind = 'payout' | 'floor' | 'floor-shape';

/** What one worker process measured. */
export interface WorkerProcessResult {
  readonly kind: WorkerKind;
  readonly round: number;
  /** Spawn to "worker running" (bundling included), ms. */
  readonly readyMs: number;
  /** Spawn to the first item's result (a happy payout; floor B's workflow), ms. */
  readonly firstItemMs: number;
  /** RSS once running, before the first item. */
  readonly rssReadyBytes: number;
  /** RSS after the first item, and with `waiting` workflows cached and waiting on a timer. */
  readonly rssAfterFirstBytes: number;
  readonly rssWaitingBytes: number;
  readonly waiting: number;
  /** RSS per waiting workflow: the slope over the RSS read after each batch of 100. */
  readonly rssPerWaitingBytes: number;
  /** RSS after the worker idled `settleMs` with all of them waiting. */
  readonly rssSettledBytes: number;
  /** The most RSS seen while the waiting workflows were started. */
  readonly rssPeakBytes: number;
  /** Waiting workflows started per second (each to its timer). */
  readonly waitingPerSecond: number;
}

/**
 * Both workers start from a bundle built ahead, as the product's image runs its worker
 * (`WORKER_WORKFLOW_BUNDLE`): what is timed is the process's own start, not webpack's.
 */
export async function prebuiltBundles(
  dir: string,
): Promise<Record<WorkerKind, Record<string, string>>> {
  const payout = join(dir, 'payout-workflows.js');
  await buildWorkflowBundle(payout);
  const floor = join(dir, 'floor-workflows.js');
  const { code } = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('./floor/workflows.ts', import.meta.url)),
  });
  writeFileSync(floor, code);
  return {
    payout: { WORKER_WORKFLOW_BUNDLE: payout },
    floor: { BENCH_FLOOR_BUNDLE: floor },
    'floor-shape': { BENCH_FLOOR_BUNDLE: floor },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Spawns a worker process of `kind`, runs one item through it, then `waiting` workflows that
 * wait on a ten-minute timer (payouts: a check ten minutes out on an order that never becomes
 * final), and reads its RSS at each step. Everything it started is terminated afterwards.
 */
export async function workerProcessProbe(
  stack: BenchStack,
  options: {
    readonly kind: WorkerKind;
    readonly round: number;
    readonly waiting: number;
    readonly dir: string;
    readonly env?: Readonly<Record<string, string>>;
    readonly onProgress?: (waiting: number, rssBytes: number) => void;
    /** How long the worker idles, all waiting, before {@link WorkerProcessResult.rssSettledBytes}. */
    readonly settleMs?: number;
    /** Leave what it started to the dev server (one the run throws away): no terminations. */
    readonly leaveRunning?: boolean;
  },
): Promise<WorkerProcessResult> {
  const { kind, round, waiting } = options;
  const taskQueue = `bench-${kind}-process-${round}`;
  const file = kind === 'payout' ? 'src/worker.ts' : 'scripts/bench/floor/worker-main.ts';
  const child = new ManagedProcess(
    `${kind}-worker-${round}`,
    process.execPath,
    ['--import', 'tsx', file],
    { ...process.env, ...stack.workerEnv, TEMPORAL_TASK_QUEUE: taskQueue, ...options.env },
    root,
    join(options.dir, `${kind}-worker-${round}.log`),
  );
  const payouts = createPayoutClient({
    client: stack.client,
    platformId: BENCH_MERCHANT.platformId,
    taskQueue,
  });
  const ids: string[] = [];
  const rss = () => processRssBytes(child.pid ?? -1);
  const t0 = performance.now();
  try {
    await child.start(/worker running/, 120_000);
    const readyMs = performance.now() - t0;
    const rssReadyBytes = rss();

    // The first item: a happy payout, or floor B's two activities.
    if (kind === 'payout') {
      const id = `${PREFIX.happy}process-${round}`;
      await payouts.startPayout(request(id), { policy: { firstCheckDelay: '100ms' } });
      ids.push(payoutWorkflowId(BENCH_MERCHANT.platformId, id));
      await payouts.waitForPayout(id, { timeoutMs: 60_000 });
    } else {
      const id = `bench-floor-process-${round}`;
      ids.push(id);
      await stack.client.workflow.execute<typeof floorTwoActivities>('floorTwoActivities', {
        taskQueue,
        workflowId: id,
        args: [id],
      });
    }
    const firstItemMs = performance.now() - t0;
    await sleep(1_000);
    const rssAfterFirstBytes = rss();

    let rssPeakBytes = rssAfterFirstBytes;
    const samples = [{ x: 0, y: rssAfterFirstBytes }];
    const from = performance.now();
    for (let i = 0; i < waiting; i += 100) {
      const batch = Array.from({ length: Math.min(100, waiting - i) }, (_, j) => i + j);
      const batchIds = await Promise.all(
        batch.map((n) =>
          startWaitingWorkflow(stack, payouts, kind, taskQueue, `process-${round}-${n}`),
        ),
      );
      ids.push(...batchIds);
      // Paced: a batch waits on its timers before the next starts, so what is measured is
      // workflows waiting, not a backlog of starts (the overload phase measures that).
      await waitingOnTimer(stack, batchIds, () => {
        rssPeakBytes = Math.max(rssPeakBytes, rss());
      });
      const now = rss();
      samples.push({ x: Math.min(i + 100, waiting), y: now });
      options.onProgress?.(Math.min(i + 100, waiting), now);
    }
    const waitingPerSecond = waiting / ((performance.now() - from) / 1000);
    await sleep(2_000);
    const rssWaitingBytes = rss();
    samples.push({ x: waiting, y: rssWaitingBytes });
    // Idle, V8 collects what the starts left behind and may return it: what stays is held.
    await sleep(options.settleMs ?? 0);
    const rssSettledBytes = rss();
    return {
      rssSettledBytes,
      kind,
      round,
      readyMs,
      firstItemMs,
      rssReadyBytes,
      rssAfterFirstBytes,
      rssWaitingBytes,
      waiting,
      rssPerWaitingBytes: slope(samples),
      rssPeakBytes: Math.max(rssPeakBytes, rssWaitingBytes),
      waitingPerSecond,
    };
  } finally {
    await child.close().catch(() => undefined);
    if (options.leaveRunning !== true) await terminate(stack, ids);
  }
}

/**
 * Starts one workflow of `kind` that waits on a ten-minute timer, `name` making its id unique:
 * a payout with its check ten minutes out (an order that never becomes final), the trivial
 * workflow's `sleep`, or floor C after its first activity. Returns its workflow id.
 */
export async function startWaitingWorkflow(
  stack: BenchStack,
  payouts: PayoutClient,
  kind: WorkerKind,
  taskQueue: string,
  name: string,
): Promise<string> {
  if (kind === 'payout') {
    const id = `${PREFIX.waiting}${name}`;
    await payouts.startPayout(request(id), { policy: { firstCheckDelay: '10m' } });
    return payoutWorkflowId(BENCH_MERCHANT.platformId, id);
  }
  const id = `bench-${kind}-${name}`;
  if (kind === 'floor-shape') {
    await stack.client.workflow.start<typeof floorTimer>('floorTimer', {
      taskQueue,
      workflowId: id,
      args: [id, 10 * 60_000],
    });
  } else {
    await stack.client.workflow.start<typeof floorWaiting>('floorWaiting', {
      taskQueue,
      workflowId: id,
      args: [10 * 60_000],
    });
  }
  return id;
}

/**
 * Waits until every workflow has started its timer (its first workflow tasks are done), looking
 * at all of them in turn; one that has not by the deadline fails the run with its last events.
 */
export async function waitingOnTimer(
  stack: BenchStack,
  ids: readonly string[],
  onPoll: () => void = () => {},
  deadlineMs = 600_000,
): Promise<void> {
  const until = Date.now() + deadlineMs;
  let left = [...ids];
  while (left.length > 0) {
    const notYet: string[] = [];
    for (let i = 0; i < left.length; i += 50) {
      const slice = left.slice(i, i + 50);
      const histories = await Promise.all(
        slice.map((id) => stack.client.workflow.getHandle(id).fetchHistory()),
      );
      slice.forEach((id, j) => {
        const events = histories[j]!.events ?? [];
        if (!events.some((e) => e.timerStartedEventAttributes != null)) notYet.push(id);
      });
      onPoll();
    }
    left = notYet;
    if (left.length === 0) return;
    if (Date.now() > until) {
      const history = await stack.client.workflow.getHandle(left[0]!).fetchHistory();
      const last = (history.events ?? []).slice(-4).map((e) => String(e.eventType));
      throw new Error(
        `${left.length} workflows did not reach their timer, ${left[0]} among them (last events ${last.join(', ')})`,
      );
    }
    await sleep(500);
  }
}

/** Terminates workflows, 50 at a time; ones already closed are skipped. */
export async function terminate(stack: BenchStack, ids: readonly string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 50) {
    await Promise.all(
      ids.slice(i, i + 50).map((id) =>
        stack.client.workflow
          .getHandle(id)
          .terminate('bench: done')
          .catch(() => undefined),
      ),
    );
  }
}
