/**
 * One measured phase each: the three floors and the three payout mixes (the worker-process
 * probes are in worker-process.ts). Each phase starts all its items at once (saturation), times the run from
 * the first start to the last result, and reads CPU, latencies, histories and the sandbox's
 * records afterwards, outside the timed part.
 */
import proto from '@temporalio/proto';
import type { PayoutRequest } from '../../src/client/request.js';
import { payoutWorkflowId } from '../../workflows/api.js';
import type { PayoutPolicyInput } from '../../workflows/policy.js';
import type { floorTimer, floorTwoActivities } from './floor/workflows.js';
import {
  BENCH_MERCHANT,
  FLOOR_QUEUE,
  PREFIX,
  processCpuSeconds,
  type BenchStack,
} from './stack.js';

export type PhaseName = 'floorA' | 'floorB' | 'floorC' | 'happy' | 'unknownMix' | 'callbackMix';

/** What one phase of one round measured. */
export interface PhaseResult {
  readonly phase: PhaseName;
  readonly round: number;
  readonly items: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** CPU milliseconds per item of the dev server process (NaN without /proc). */
  readonly serverCpuMsPerItem: number;
  /** CPU milliseconds per item of this process: worker, sandbox, receiver and client together. */
  readonly benchCpuMsPerItem: number;
  /** Start to close of each item, ms (server times for workflows, client times for floor A). */
  readonly latenciesMs: number[];
  /** History of one sample item. */
  readonly historyEvents?: number;
  readonly historyBytes?: number;
  /** The sample history's events and encoded bytes by event type. */
  readonly historyByType?: Record<string, { events: number; bytes: number }>;
  /** The sample history's size with every payload decoded (the codec's share is the rest). */
  readonly historyBytesWithoutCodec?: number;
  /** The sample's confirmation rounds (timers) and the most events one of them took. */
  readonly rounds?: number;
  readonly eventsPerRound?: number;
  /** Orders created per payout, from the sandbox's records. */
  readonly createsPerPayout?: number;
  /** Status queries per unknown payout (those that reported an order), and the schedule's ideal. */
  readonly queriesPerUnknown?: number;
  readonly idealQueriesPerUnknown?: number;
  /** Status queries per happy-path payout (ideal 1). */
  readonly queriesPerHappy?: number;
  /** Callback (first attempt) to workflow close, ms, for payouts the callback resolved. */
  readonly callbackToFinalMs?: number[];
  readonly resolvedByCallback?: number;
  /** Items not done by the phase's deadline (terminated afterwards), with what they showed. */
  readonly unfinished: readonly { readonly id: string; readonly detail: string }[];
  /** Resident set size of this process (worker, sandbox, client) after the phase, bytes. */
  readonly rssBytes: number;
}

export interface PhaseSettings {
  readonly items: number;
  readonly round: number;
  /** Non-final queries an unknown create's order answers before its final one. */
  readonly unknownQueries: number;
  /** Share of unknown creates in the unknown mix. */
  readonly unknownShare: number;
  /** Longest a phase waits for its items; those not done by then are reported and terminated. */
  readonly deadlineMs: number;
}

/** The payout's policy in every mix: a 100 ms first check, the rest default. */
export const BENCH_POLICY: PayoutPolicyInput = { firstCheckDelay: '100ms' };
/** The floor C timer: the same 100 ms. */
export const FLOOR_TIMER_MS = 100;

/** The request every bench payout sends, under its own order id. */
export const request = (merchantOrderId: string): PayoutRequest => ({
  merchantOrderId,
  amountCents: 50_000,
  bankName: '中国农业银行',
  recipientName: '张三',
  accountNumber: '6228480402564890018',
});

interface Clock {
  readonly at: number;
  readonly server: number;
  readonly bench: NodeJS.CpuUsage;
}

function clock(stack: BenchStack): Clock {
  return {
    at: performance.now(),
    server: processCpuSeconds(stack.serverPid),
    bench: process.cpuUsage(),
  };
}

function elapsed(stack: BenchStack, from: Clock, items: number) {
  const to = clock(stack);
  const bench = process.cpuUsage(from.bench);
  const seconds = (to.at - from.at) / 1000;
  return {
    items,
    seconds,
    perSecond: items / seconds,
    serverCpuMsPerItem: ((to.server - from.server) * 1000) / items,
    benchCpuMsPerItem: (bench.user + bench.system) / 1000 / items,
  };
}

const ms = (t: Date | undefined) => t?.getTime() ?? Number.NaN;

/**
 * Runs `work` for each id, all at once; resolves when all are done or at the deadline, with the
 * ids not done by then. A failed item rejects the phase: the bench measures working payouts.
 */
async function untilDeadline(
  ids: readonly string[],
  deadlineMs: number,
  work: (id: string, i: number) => Promise<void>,
): Promise<string[]> {
  const pending = new Set(ids);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, deadlineMs);
  });
  const all = Promise.all(
    ids.map(async (id, i) => {
      await work(id, i);
      pending.delete(id);
    }),
  );
  try {
    await Promise.race([all, deadline]);
  } finally {
    clearTimeout(timer);
  }
  // Failures after the deadline are part of the unfinished items' story, not the phase's.
  all.catch(() => undefined);
  return [...pending];
}

/** Describes and terminates workflows that missed the deadline, so later phases start clean. */
async function settleUnfinished(stack: BenchStack, workflowIds: readonly string[]) {
  const out: { id: string; detail: string }[] = [];
  for (const id of workflowIds) {
    const handle = stack.client.workflow.getHandle(id);
    const history = await handle.fetchHistory().catch(() => undefined);
    const types = (history?.events ?? []).map((e) => String(e.eventType ?? '?'));
    out.push({ id, detail: `${types.length} events, last ${types.slice(-3).join(', ')}` });
    await handle.terminate('bench: missed the phase deadline').catch(() => undefined);
  }
  return out;
}

/** Server-side start-to-close of each workflow, ms. */
async function workflowLatencies(stack: BenchStack, ids: readonly string[]): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < ids.length; i += 50) {
    const batch = await Promise.all(
      ids.slice(i, i + 50).map((id) => stack.client.workflow.getHandle(id).describe()),
    );
    for (const d of batch) out.push(ms(d.closeTime) - ms(d.startTime));
  }
  return out;
}

async function sampleHistory(stack: BenchStack, id: string | undefined) {
  if (id === undefined) return {};
  const history = await stack.client.workflow.getHandle(id).fetchHistory();
  const byType: Record<string, { events: number; bytes: number }> = {};
  for (const event of history.events ?? []) {
    const name = proto.temporal.api.enums.v1.EventType[event.eventType ?? 0] ?? '?';
    const type = name.replace(/^EVENT_TYPE_/, '');
    const bytes = proto.temporal.api.history.v1.HistoryEvent.encode(event).finish().length;
    const entry = (byType[type] ??= { events: 0, bytes: 0 });
    entry.events += 1;
    entry.bytes += bytes;
  }
  return {
    historyEvents: history.events?.length ?? 0,
    historyBytes: proto.temporal.api.history.v1.History.encode(history).finish().length,
    historyBytesWithoutCodec: await bytesWithoutCodec(stack, history),
    historyByType: byType,
    ...confirmationRounds(history),
  };
}

type History = proto.temporal.api.history.v1.IHistory;

/** The history's encoded size with every payload decoded: what the codec adds is the difference. */
async function bytesWithoutCodec(stack: BenchStack, history: History): Promise<number> {
  const History = proto.temporal.api.history.v1.History;
  const copy = History.decode(History.encode(history).finish());
  const payloads: proto.temporal.api.common.v1.Payload[] = [];
  // A payload, wherever it sits, is the one message with both a `metadata` and a `data` field.
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object' || node instanceof Uint8Array) return;
    if ('metadata' in node && 'data' in node) {
      payloads.push(node as proto.temporal.api.common.v1.Payload);
      return;
    }
    for (const value of Object.values(node)) walk(value);
  };
  walk(copy);
  const decoded = await stack.codec.decode(payloads);
  payloads.forEach((p, i) => {
    p.metadata = decoded[i]!.metadata ?? {};
    p.data = decoded[i]!.data ?? new Uint8Array();
  });
  return History.encode(copy).finish().length;
}

/**
 * Events per confirmation round (a timer, the workflow task it wakes and the check in it): the
 * most between two consecutive timers, and from the last timer to the close (the close itself,
 * the workflow's end rather than a round's, not counted).
 */
function confirmationRounds(history: History): { rounds?: number; eventsPerRound?: number } {
  const EventType = proto.temporal.api.enums.v1.EventType;
  const types = (history.events ?? []).map((e) => e.eventType);
  const timers = types.flatMap((t, i) => (t === EventType.EVENT_TYPE_TIMER_STARTED ? [i] : []));
  if (timers.length === 0) return { rounds: 0 };
  const ends = [...timers.slice(1), types.length - 1];
  return {
    rounds: timers.length,
    eventsPerRound: Math.max(...timers.map((start, k) => ends[k]! - start)),
  };
}

/** The confirmation rounds of one unknown payout (the happy path's sample has none). */
async function unknownRounds(stack: BenchStack, orderIds: readonly string[]) {
  const id = orderIds[0];
  if (id === undefined) return {};
  const workflowId = payoutWorkflowId(BENCH_MERCHANT.platformId, id);
  return confirmationRounds(await stack.client.workflow.getHandle(workflowId).fetchHistory());
}

/** Floor A: the same HTTP calls a payout makes (pre-check, create, status query), no Temporal. */
export async function floorA(stack: BenchStack, s: PhaseSettings): Promise<PhaseResult> {
  const ids = Array.from({ length: s.items }, (_, i) => `${PREFIX.floorA}${s.round}-${i}`);
  const from = clock(stack);
  const latenciesMs = await Promise.all(
    ids.map(async (id) => {
      const t0 = performance.now();
      const input = { merchantOrderId: id, amountCents: 50_000 };
      await stack.gateway.queryPayout(input);
      const created = await stack.gateway.submitPayout(request(id));
      if (created.kind !== 'accepted') throw new Error(`floor A: create ${id}: ${created.kind}`);
      const answer = await stack.gateway.queryPayout(input);
      if (answer.kind !== 'found') throw new Error(`floor A: query ${id}: ${answer.kind}`);
      return performance.now() - t0;
    }),
  );
  return {
    phase: 'floorA',
    round: s.round,
    ...elapsed(stack, from, s.items),
    latenciesMs,
    unfinished: [],
    rssBytes: process.memoryUsage().rss,
  };
}

/** Floors B and C: the trivial workflows on the bench-only worker. */
export async function floorWorkflows(
  stack: BenchStack,
  s: PhaseSettings,
  which: 'floorB' | 'floorC',
): Promise<PhaseResult> {
  const ids = Array.from({ length: s.items }, (_, i) => `bench-${which}-${s.round}-${i}`);
  const from = clock(stack);
  const missed = await untilDeadline(ids, s.deadlineMs, async (id) => {
    const handle =
      which === 'floorB'
        ? await stack.client.workflow.start<typeof floorTwoActivities>('floorTwoActivities', {
            taskQueue: FLOOR_QUEUE,
            workflowId: id,
            args: [id],
          })
        : await stack.client.workflow.start<typeof floorTimer>('floorTimer', {
            taskQueue: FLOOR_QUEUE,
            workflowId: id,
            args: [id, FLOOR_TIMER_MS],
          });
    await handle.result();
  });
  const timed = elapsed(stack, from, s.items - missed.length);
  const done = ids.filter((id) => !missed.includes(id));
  return {
    phase: which,
    round: s.round,
    ...timed,
    unfinished: await settleUnfinished(stack, missed),
    latenciesMs: await workflowLatencies(stack, done),
    ...(await sampleHistory(stack, done[0])),
    rssBytes: process.memoryUsage().rss,
  };
}

/** Starts payouts for `orderIds` at once and waits for every result. */
async function runPayouts(stack: BenchStack, orderIds: readonly string[], deadlineMs: number) {
  const workflowIds = orderIds.map((id) => payoutWorkflowId(BENCH_MERCHANT.platformId, id));
  const missed = await untilDeadline(orderIds, deadlineMs, async (id, i) => {
    await stack.payouts.startPayout(request(id), { policy: BENCH_POLICY });
    const result: unknown = await stack.client.workflow.getHandle(workflowIds[i]!).result();
    const status = (result as { status?: string }).status;
    if (status !== 'SUCCEEDED') throw new Error(`payout ${id} ended ${String(status)}`);
  });
  return { workflowIds, missed };
}

export function createsPerPayout(stack: BenchStack, orderIds: readonly string[]): number {
  let creates = 0;
  for (const id of orderIds) {
    creates += stack.sandbox.record(id).creates.filter((c) => c.created).length;
  }
  return creates / orderIds.length;
}

/** Status queries that reported the order (the pre-check before the create finds none). */
function statusQueries(stack: BenchStack, orderIds: readonly string[]): number {
  if (orderIds.length === 0) return Number.NaN;
  let queries = 0;
  for (const id of orderIds) {
    queries += stack.sandbox
      .record(id)
      .queries.filter((q) => q.reportedStatus !== undefined).length;
  }
  return queries / orderIds.length;
}

/** The happy path, the unknown-create mix or the callback mix. */
export async function payoutMix(
  stack: BenchStack,
  s: PhaseSettings,
  mix: 'happy' | 'unknownMix' | 'callbackMix',
): Promise<PhaseResult> {
  const unknownEvery = s.unknownShare > 0 ? 1 / s.unknownShare : Infinity;
  const orderIds = Array.from({ length: s.items }, (_, i) => {
    const prefix =
      mix === 'callbackMix'
        ? PREFIX.callback
        : mix === 'unknownMix' && Math.floor((i + 1) / unknownEvery) > Math.floor(i / unknownEvery)
          ? PREFIX.unknown
          : PREFIX.unknownOk;
    return `${mix === 'happy' ? PREFIX.happy : prefix}${s.round}-${i}`;
  });
  const from = clock(stack);
  const { workflowIds: allIds, missed } = await runPayouts(stack, orderIds, s.deadlineMs);
  const timed = elapsed(stack, from, s.items - missed.length);
  const unfinished = await settleUnfinished(
    stack,
    missed.map((id) => payoutWorkflowId(BENCH_MERCHANT.platformId, id)),
  );
  const workflowIds = allIds.filter((_, i) => !missed.includes(orderIds[i]!));
  const latenciesMs = await workflowLatencies(stack, workflowIds);
  const unknown = orderIds.filter((id) => id.startsWith(PREFIX.unknown));
  const known = orderIds.filter((id) => !id.startsWith(PREFIX.unknown));
  const result: PhaseResult = {
    phase: mix,
    round: s.round,
    ...timed,
    unfinished,
    latenciesMs,
    ...(await sampleHistory(stack, workflowIds[0])),
    createsPerPayout: createsPerPayout(stack, orderIds),
    ...(await unknownRounds(
      stack,
      unknown.filter((id) => !missed.includes(id)),
    )),
    queriesPerHappy: statusQueries(stack, known),
    rssBytes: process.memoryUsage().rss,
  };
  if (mix === 'unknownMix') {
    return {
      ...result,
      queriesPerUnknown: statusQueries(stack, unknown),
      idealQueriesPerUnknown: s.unknownQueries + 1,
    };
  }
  if (mix === 'callbackMix') {
    const callbackToFinalMs: number[] = [];
    const doneOrders = orderIds.filter((id) => !missed.includes(id));
    for (let i = 0; i < doneOrders.length; i += 50) {
      const slice = doneOrders.slice(i, i + 50);
      const described = await Promise.all(
        slice.map((_, j) => stack.client.workflow.getHandle(workflowIds[i + j]!).describe()),
      );
      slice.forEach((id, j) => {
        const first = stack.sandbox.record(id).callbacks[0];
        const closed = ms(described[j]!.closeTime);
        if (first !== undefined && closed >= first.at) callbackToFinalMs.push(closed - first.at);
      });
    }
    return { ...result, callbackToFinalMs, resolvedByCallback: callbackToFinalMs.length };
  }
  return result;
}
