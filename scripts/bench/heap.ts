/**
 * The JavaScript heap one cached, waiting workflow holds, without the noise of RSS: a worker in
 * `debugMode` runs its workflows on this process's own thread (reused V8 context, as in
 * production), so after full collections `heapUsed` counts what the waiting workflows keep.
 * Measured between `base` and `base + more` waiting workflows, for the payout and the floors.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createPayoutClient } from '../../src/client/index.js';
import { parsePayloadCodecConfig, payoutDataConverter } from '../../src/codec/index.js';
import { createPayoutWorker } from '../../src/worker/create-worker.js';
import { floorActivities } from './floor/activities.js';
import { BENCH_MERCHANT, type BenchStack } from './stack.js';
import {
  startWaitingWorkflow,
  terminate,
  waitingOnTimer,
  type WorkerKind,
} from './worker-process.js';

/** Heap bytes once every collection has run (the bench runs with --expose-gc). */
async function collectedHeapBytes(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('the heap probe needs node --expose-gc (npm run bench)');
  for (let i = 0; i < 5; i += 1) {
    gc();
    await sleep(50);
  }
  return process.memoryUsage().heapUsed;
}

/** The heap each waiting workflow of `kind` holds, in bytes. */
export async function heapPerWaiting(
  stack: BenchStack,
  options: {
    readonly kind: WorkerKind;
    readonly round: number;
    readonly base: number;
    readonly more: number;
    readonly bundles: Record<WorkerKind, Record<string, string>>;
  },
): Promise<number> {
  const { kind, round, base, more } = options;
  const taskQueue = `bench-heap-${kind}-${round}`;
  const connection = await NativeConnection.connect({ address: stack.workerEnv.TEMPORAL_ADDRESS });
  const dataConverter = payoutDataConverter(parsePayloadCodecConfig(stack.workerEnv));
  const overrides = { debugMode: true, maxCachedWorkflows: 10_000 };
  const bundle = options.bundles[kind];
  const worker =
    kind === 'payout'
      ? await createPayoutWorker({
          connection,
          namespace: 'default',
          taskQueue,
          gateway: stack.gateway,
          dataConverter,
          overrides: { ...overrides, workflowBundle: { codePath: bundle.WORKER_WORKFLOW_BUNDLE! } },
        })
      : await Worker.create({
          connection,
          namespace: 'default',
          taskQueue,
          workflowBundle: { codePath: bundle.BENCH_FLOOR_BUNDLE! },
          activities: floorActivities,
          dataConverter,
          ...overrides,
        });
  const payouts = createPayoutClient({
    client: stack.client,
    platformId: BENCH_MERCHANT.platformId,
    taskQueue,
  });
  const ids: string[] = [];
  const startWaiting = async (from: number, count: number) => {
    for (let i = from; i < from + count; i += 100) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(100, from + count - i) }, (_, j) =>
          startWaitingWorkflow(stack, payouts, kind, taskQueue, `heap-${round}-${i + j}`),
        ),
      );
      ids.push(...batch);
      await waitingOnTimer(stack, batch);
    }
  };
  const running = worker.run();
  try {
    await startWaiting(0, base);
    const before = await collectedHeapBytes();
    await startWaiting(base, more);
    const after = await collectedHeapBytes();
    return (after - before) / more;
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
    await terminate(stack, ids);
  }
}
