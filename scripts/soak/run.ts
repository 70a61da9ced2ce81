import { WorkflowNotFoundError } from '@temporalio/client';
import {
  createPayoutClient,
  type PayoutClient,
  type PayoutPolicyInput,
  type PayoutRequest,
} from '../../src/client/index.js';
import { PAYOUT_WORKFLOW_TYPE, payoutWorkflowId } from '../../workflows/api.js';
import { checkInvariants, type InvariantReport } from './invariants.js';
import { SoakOperator } from './operator.js';
import { Random } from './random.js';
import { SOAK_SCENARIOS } from './scenarios.js';
import { resetToFirstWorkflowTask } from '../../test/support/reset.js';
import { SOAK_MERCHANT, SOAK_TASK_QUEUE, startSoakStack, type SoakStack } from './stack.js';

/** What a soak run does. */
export interface SoakOptions {
  readonly payouts: number;
  readonly seed: number;
  readonly workerKills: number;
  readonly serverRestarts: number;
  readonly receiverKills: number;
  /** Where the dev server's SQLite file and the process logs go. */
  readonly dir: string;
  /** Payouts started per second. */
  readonly startRate?: number;
  /** How long to wait for every payout to end after the last start. */
  readonly drainTimeoutMs?: number;
  readonly onProgress?: (progress: SoakProgress) => void;
}

export interface SoakProgress {
  readonly started: number;
  readonly final: number;
  readonly total: number;
  readonly elapsedMs: number;
}

export interface SoakReport extends InvariantReport {
  readonly payouts: number;
  readonly seed: number;
  readonly durationMs: number;
  readonly faults: Record<string, number>;
  readonly operator: {
    decisions: number;
    refused: number;
    overrides: number;
    keepWaiting: number;
    resubmits: number;
  };
}

/** The policy every soak payout runs with: the production rules, on a fast clock. */
export const SOAK_POLICY = {
  firstCheckDelay: '300ms',
  maxCheckDelay: '1500ms',
  notFoundGrace: '8s',
  rejectionConfirmWindow: '5s',
  maxPending: '25s',
  reviewCheckInterval: '2s',
  callbackConfirmDelay: '400ms',
  submitTimeout: '10s',
  submitScheduleToCloseTimeout: '120s',
  queryTimeout: '6s',
  queryRetryInterval: '300ms',
  queryMaxAttempts: 3,
} as const satisfies PayoutPolicyInput;

interface Tracked {
  readonly request: PayoutRequest;
  readonly scenario: string;
  done: boolean;
}

/**
 * Starts `payouts` payouts from `seed` against the real worker, receiver and dev server, while
 * killing processes and doing what people and Temporal do, then checks I1-I4 against the
 * sandbox's records.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const began = Date.now();
  const random = new Random(options.seed);
  const faults: Record<string, number> = {};
  const count = (kind: string, n = 1) => {
    faults[kind] = (faults[kind] ?? 0) + n;
  };
  const stack = await startSoakStack(options.dir);
  const payouts = createPayoutClient({
    client: stack.client,
    platformId: SOAK_MERCHANT.platformId,
    taskQueue: SOAK_TASK_QUEUE,
  });
  const operator = new SoakOperator(payouts, stack.sandbox, random);
  const tracked = plan(options, random);
  const stop = { now: false };
  try {
    const background = [
      processFaults(stack, options, random, count, stop, tracked),
      operatorRounds(stack, payouts, operator, tracked, stop, count),
    ];
    await startAll(payouts, tracked, options, random, count);
    const firstPhaseEnd = Date.now();
    await peopleAndTemporal(stack, payouts, tracked, random, count, stop);
    await drain(stack, tracked, options, began, stop, firstPhaseEnd);
    stop.now = true;
    await Promise.all(background);
    const invariants = await checkInvariants(
      stack,
      tracked.map((t) => t.request),
      operator.tally,
    );
    return {
      ...invariants,
      payouts: options.payouts,
      seed: options.seed,
      durationMs: Date.now() - began,
      faults,
      operator: {
        decisions: operator.tally.decisions,
        refused: operator.tally.refused,
        overrides: operator.tally.overrides,
        keepWaiting: operator.tally.keepWaiting,
        resubmits: [...operator.tally.resubmits.values()].reduce((a, b) => a + b, 0),
      },
    };
  } finally {
    stop.now = true;
    await stack.close();
  }
}

/** The payouts of the run: a scenario each, amounts from 1.00 to 5,000.00 CNY. */
function plan(options: SoakOptions, random: Random): Tracked[] {
  return Array.from({ length: options.payouts }, (_, i) => {
    const s = random.weighted(SOAK_SCENARIOS);
    return {
      scenario: s.prefix,
      done: false,
      request: {
        merchantOrderId: `${s.prefix}-${options.seed}-${i}`,
        amountCents: random.int(100, 500_000),
        bankName: '中国农业银行',
        recipientName: '测试收款人',
        accountNumber: `62284800${String(random.int(10_000_000, 99_999_999))}`,
      },
    };
  });
}

async function startAll(
  payouts: PayoutClient,
  tracked: Tracked[],
  options: SoakOptions,
  random: Random,
  count: (kind: string, n?: number) => void,
): Promise<void> {
  const gapMs = 1_000 / (options.startRate ?? 25);
  const starts: Promise<void>[] = [];
  for (const t of tracked) {
    // Some backends call twice at once, or retry a start: one payout, one create.
    const copies = random.chance(0.05) ? 3 : 1;
    if (copies > 1) count('duplicate starts', copies - 1);
    for (let c = 0; c < copies; c++) starts.push(startWithRetry(payouts, t.request, count));
    options.onProgress?.({
      started: tracked.indexOf(t) + 1,
      final: 0,
      total: tracked.length,
      elapsedMs: 0,
    });
    await sleep(gapMs);
  }
  await Promise.all(starts);
}

/** Starts a payout, retrying while Temporal is down (a server restart may be under way). */
async function startWithRetry(
  payouts: PayoutClient,
  request: PayoutRequest,
  count: (kind: string, n?: number) => void,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await payouts.startPayout(request, { policy: SOAK_POLICY });
      return;
    } catch (error) {
      if (attempt >= 60) throw error;
      count('start retries');
      await sleep(500);
    }
  }
}

/** Worker kills (one right after a create left, before its answer), server restarts, receiver kills. */
async function processFaults(
  stack: SoakStack,
  options: SoakOptions,
  random: Random,
  count: (kind: string, n?: number) => void,
  stop: { now: boolean },
  tracked: Tracked[],
): Promise<void> {
  const startsMs = (options.payouts / (options.startRate ?? 25)) * 1_000;
  const startWindowMs = startsMs + 10_000;
  const events: { at: number; kind: 'worker' | 'worker-mid-create' | 'server' | 'receiver' }[] = [];
  for (let i = 0; i < options.workerKills; i++) {
    events.push({
      // The mid-create kill falls while payouts are still being started, so creates are in flight.
      at: random.int(1_000, i === 0 ? Math.max(2_000, startsMs) : startWindowMs),
      kind: i === 0 ? 'worker-mid-create' : 'worker',
    });
  }
  for (let i = 0; i < options.serverRestarts; i++)
    events.push({ at: random.int(3_000, startWindowMs), kind: 'server' });
  for (let i = 0; i < options.receiverKills; i++)
    events.push({ at: random.int(1_000, startWindowMs), kind: 'receiver' });
  events.sort((a, b) => a.at - b.at);
  const t0 = Date.now();
  for (const event of events) {
    while (Date.now() - t0 < event.at && !stop.now) await sleep(100);
    if (stop.now) return;
    if (event.kind === 'worker-mid-create') {
      // A create that reached the gateway whose answer the worker will never see.
      const midCreate = await waitForCreateInFlight(stack, tracked, stop);
      await stack.worker.kill();
      count(midCreate ? 'worker killed mid-create' : 'worker killed');
      await sleep(random.int(300, 1_500));
      await stack.restart('worker');
    } else if (event.kind === 'worker') {
      await stack.worker.kill();
      count('worker killed');
      await sleep(random.int(300, 1_500));
      await stack.restart('worker');
    } else if (event.kind === 'server') {
      await stack.temporal.kill();
      count('temporal server killed');
      await sleep(random.int(500, 2_000));
      await stack.restart('temporal');
      // A worker that lost its server for good restarts; the soak's supervisor does that.
      if (!stack.worker.running) await stack.restart('worker');
      if (!stack.receiver.running) await stack.restart('receiver');
    } else {
      await stack.receiver.kill();
      count('receiver killed');
      await sleep(random.int(500, 3_000));
      await stack.restart('receiver');
    }
  }
}

/**
 * Waits (briefly) until a create for a payout whose create answer hangs has just reached the
 * sandbox; false when none came.
 */
async function waitForCreateInFlight(
  stack: SoakStack,
  tracked: Tracked[],
  stop: { now: boolean },
): Promise<boolean> {
  const until = Date.now() + 15_000;
  while (Date.now() < until && !stop.now) {
    // Read again each time: payouts started since the wait began count too.
    for (const t of tracked.filter((p) => p.scenario === 'UHANG')) {
      const creates = stack.sandbox.record(t.request.merchantOrderId).creates;
      const last = creates.at(-1);
      if (last !== undefined && Date.now() - last.at < 400) return true;
    }
    await sleep(20);
  }
  return false;
}

/** The operator on shift, and the gateway finishing stuck orders some time later. */
async function operatorRounds(
  stack: SoakStack,
  payouts: PayoutClient,
  operator: SoakOperator,
  tracked: Tracked[],
  stop: { now: boolean },
  count: (kind: string, n?: number) => void,
): Promise<void> {
  const firstSeen = new Map<string, number>();
  while (!stop.now) {
    await sleep(1_500);
    for (const t of tracked) {
      if (stop.now) return;
      if (t.done) continue;
      const id = t.request.merchantOrderId;
      const order = stack.sandbox.order(id);
      if (t.scenario === 'STUCK' && order !== undefined && order.statusName === 'processing') {
        const seen = firstSeen.get(id) ?? Date.now();
        firstSeen.set(id, seen);
        if (Date.now() - seen > 12_000) {
          stack.sandbox.forceStatus(id, seen % 2 === 0 ? 'success' : 'failed');
          count('stuck orders finished by the gateway');
        }
      }
      const view = await payouts.getPayout(id).catch(() => undefined);
      if (view === undefined) continue;
      if (view.resolution !== null) {
        t.done = true;
        continue;
      }
      if (view.status === 'NEEDS_REVIEW' || view.waitingUntil !== null) await operator.review(view);
    }
    await resolveDisputes(stack, count);
  }
}

async function resolveDisputes(
  stack: SoakStack,
  count: (kind: string, n?: number) => void,
): Promise<void> {
  try {
    for await (const wf of stack.client.workflow.list({
      query: `WorkflowType = "payoutDisputeWorkflow" AND ExecutionStatus = "Running"`,
    })) {
      await stack.client.workflow
        .getHandle(wf.workflowId)
        .executeUpdate('resolveDispute', { args: [{ operatorId: 'ops-1', reason: 'soak' }] });
      count('disputes resolved');
    }
  } catch {
    // Temporal down for a moment: the next round.
  }
}

/**
 * What people and Temporal do to payouts: cancel requests, resets to the first workflow task,
 * starts outside the client library, deletions (as retention does) and a start again, replayed
 * callbacks.
 */
async function peopleAndTemporal(
  stack: SoakStack,
  payouts: PayoutClient,
  tracked: Tracked[],
  random: Random,
  count: (kind: string, n?: number) => void,
  stop: { now: boolean },
): Promise<void> {
  const n = Math.max(1, Math.round(tracked.length / 40));
  for (const t of random.sample(tracked, n)) {
    await stack.client.workflow
      .getHandle(payoutWorkflowId(SOAK_MERCHANT.platformId, t.request.merchantOrderId))
      .cancel()
      .then(() => count('cancel requests'))
      .catch(() => undefined);
  }
  // Closed payouts: wait until some are final.
  const finals = async (): Promise<Tracked[]> => {
    const out: Tracked[] = [];
    for (const t of tracked) {
      if (t.scenario !== 'OK' && t.scenario !== 'FAIL' && t.scenario !== 'LAG') continue;
      const d = await describe(stack, t.request.merchantOrderId);
      if (d?.status === 'COMPLETED') out.push(t);
    }
    return out;
  };
  let closed: Tracked[] = [];
  for (let i = 0; i < 60 && closed.length < 3 * n && !stop.now; i++) {
    closed = await finals();
    if (closed.length < 3 * n) await sleep(1_000);
  }
  const [resets, raws, deletes] = [
    closed.slice(0, n),
    closed.slice(n, 2 * n),
    closed.slice(2 * n, 3 * n),
  ];
  for (const t of resets)
    if (await resetToFirstTask(stack, t.request.merchantOrderId)) count('resets');
  for (const t of raws) {
    await stack.client.workflow
      .start(PAYOUT_WORKFLOW_TYPE, {
        taskQueue: SOAK_TASK_QUEUE,
        workflowId: payoutWorkflowId(SOAK_MERCHANT.platformId, t.request.merchantOrderId),
        args: [{ request: t.request, platformId: SOAK_MERCHANT.platformId, policy: SOAK_POLICY }],
      })
      .then(() => count('starts outside the client library'))
      .catch(() => undefined);
  }
  await replayCallbacks(stack, tracked, random, count);
  for (const t of deletes) {
    const d = await describe(stack, t.request.merchantOrderId);
    if (d === undefined) continue;
    await stack.client.workflowService
      .deleteWorkflowExecution({
        namespace: 'default',
        workflowExecution: { workflowId: d.workflowId, runId: d.runId },
      })
      .then(() => count('closed runs deleted'))
      .catch(() => undefined);
  }
  // The dev server deletes a run about 30 s after the request; then a backend starts it again.
  for (const t of deletes) {
    for (let i = 0; i < 90 && !stop.now; i++) {
      if ((await describe(stack, t.request.merchantOrderId)) === undefined) break;
      await sleep(1_000);
    }
    await startWithRetry(payouts, t.request, count);
    count('starts after deletion');
  }
}

/** Posts callbacks the gateway already delivered once more, as a replaying attacker would. */
async function replayCallbacks(
  stack: SoakStack,
  tracked: Tracked[],
  random: Random,
  count: (kind: string, n?: number) => void,
): Promise<void> {
  const delivered = tracked.flatMap((t) =>
    stack.sandbox.record(t.request.merchantOrderId).callbacks.filter((c) => c.acknowledged),
  );
  for (const cb of random.sample(delivered, Math.min(delivered.length, 10))) {
    for (let i = 0; i < 5; i++) {
      await fetch(stack.callbackUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: cb.body,
      }).catch(() => undefined);
      count('callbacks replayed');
    }
  }
}

async function resetToFirstTask(stack: SoakStack, merchantOrderId: string): Promise<boolean> {
  try {
    const handle = stack.client.workflow.getHandle(
      payoutWorkflowId(SOAK_MERCHANT.platformId, merchantOrderId),
    );
    const { runId } = await handle.describe();
    await resetToFirstWorkflowTask(
      stack.client,
      handle,
      runId,
      'soak: a reset to the first workflow task',
    );
    return true;
  } catch {
    return false;
  }
}

async function describe(stack: SoakStack, merchantOrderId: string) {
  try {
    const d = await stack.client.workflow
      .getHandle(payoutWorkflowId(SOAK_MERCHANT.platformId, merchantOrderId))
      .describe();
    return { workflowId: d.workflowId, runId: d.runId, status: d.status.name };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    return { workflowId: '', runId: '', status: 'UNKNOWN' };
  }
}

/** Waits until every payout has a final result (the operator resolves the reviews meanwhile). */
async function drain(
  stack: SoakStack,
  tracked: Tracked[],
  options: SoakOptions,
  began: number,
  stop: { now: boolean },
  since: number,
): Promise<void> {
  const until = since + (options.drainTimeoutMs ?? 180_000);
  for (;;) {
    let final = 0;
    for (const t of tracked) {
      const handle = stack.client.workflow.getHandle(
        payoutWorkflowId(SOAK_MERCHANT.platformId, t.request.merchantOrderId),
      );
      const d = await handle.describe().catch(() => undefined);
      if (d?.status.name === 'COMPLETED') final += 1;
    }
    options.onProgress?.({
      started: tracked.length,
      final,
      total: tracked.length,
      elapsedMs: Date.now() - began,
    });
    if (final === tracked.length || Date.now() > until || stop.now) return;
    await sleep(2_000);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
