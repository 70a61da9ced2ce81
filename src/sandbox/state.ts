/**
 * What the sandbox holds, as zod schemas: its orders, the record of each payout_cl_id and the saved
 * state (`stateFile`). The types are derived from the schemas, so a restarted sandbox loads exactly
 * what the engine keeps; a file that does not fit is refused, never half-used.
 */
import { z } from 'zod';
import { scenarioSchema } from './scenario.js';
import { statusName } from './status.js';

/** Bumped when the format changes incompatibly; a file of another version is refused. */
export const STATE_VERSION = 1;

const int = z.number({ error: 'a number' }).int('a whole number');
const count = int.min(0, 'must not be negative');

/** How the sandbox answered a request; `no-answer`: held open, never answered (lost). */
const answerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('response'), httpStatus: int, body: z.string() }),
  z.object({ kind: z.literal('fault'), fault: z.string() }),
  z.object({ kind: z.literal('no-answer') }),
]);
export type Answer = z.infer<typeof answerSchema>;

/**
 * Everything the sandbox saw and did for one payout_cl_id, so a test can prove what happened on
 * the wire ("exactly one create"). Bodies are kept as text, exactly as received or sent.
 */
const recordSchema = z.object({
  payoutClId: z.string().min(1),
  creates: z.array(
    z.object({
      at: int,
      path: z.string(),
      bodyText: z.string(),
      /** Whether this call created the order. */
      created: z.boolean(),
      payoutId: z.string().optional(),
      /** The error code answered, or the fault, or `lost`. */
      outcome: z.string(),
      answer: answerSchema,
    }),
  ),
  queries: z.array(
    z.object({
      at: int,
      form: z.enum(['list', 'single']),
      /** Path and query string as received. */
      target: z.string(),
      reportedStatus: int.optional(),
      outcome: z.string(),
      answer: answerSchema,
    }),
  ),
  callbacks: z.array(
    z.object({
      at: int,
      url: z.string(),
      attempt: count,
      /** `copy-N` (duplicates) or `processing-after-final`. */
      delivery: z.string(),
      status: int,
      body: z.string(),
      response: z.union([
        z.object({ httpStatus: int, body: z.string() }),
        z.object({ error: z.string() }),
      ]),
      /** Whether the receiver answered `{"error_code":"0000"}`. */
      acknowledged: z.boolean(),
    }),
  ),
  statuses: z.array(
    z.object({
      at: int,
      from: int.optional(),
      to: int,
      cause: z.enum(['created', 'schedule', 'query', 'timer', 'forced']),
    }),
  ),
});
export type OrderRecord = z.infer<typeof recordSchema>;
export type CreateEntry = OrderRecord['creates'][number];
export type StatusEntry = OrderRecord['statuses'][number];

export const emptyRecord = (payoutClId: string): OrderRecord => ({
  payoutClId,
  creates: [],
  queries: [],
  callbacks: [],
  statuses: [],
});

const savedOrderSchema = z
  .object({
    payoutId: z.string().min(1, 'must not be empty'),
    payoutClId: z.string().min(1, 'must not be empty'),
    platformId: z.string().min(1, 'must not be empty'),
    amountCents: int,
    notifyUrl: z.string().optional(),
    bankName: z.string(),
    recipientName: z.string(),
    accountNumber: z.string(),
    createTimeMs: int,
    updateTimeMs: int,
    scenario: scenarioSchema,
    /** The rule that chose the scenario, by name or position. */
    ruleName: z.string(),
    statusCode: count.max(99, 'at most 99'),
    /** Queries that named this order, answered or faulted; and those answered. */
    queriesReceived: count,
    queriesAnswered: count,
    /** Set once an operator forced the status: the schedule no longer moves it. */
    forced: z.boolean(),
    /** Answers still to report the regression status. */
    regressionLeft: count,
    regressed: z.boolean(),
    /**
     * The final callback: `sending` until a copy is acknowledged (`acknowledged`) or every
     * attempt was refused (`unacknowledged`); absent when there is none. A restart sends a
     * `sending` one again.
     */
    finalCallback: z.enum(['sending', 'acknowledged', 'unacknowledged']).optional(),
  })
  .strict();

/** One order the sandbox holds; its mutable fields are changed by the engine and callbacks. */
export type SandboxOrder = z.infer<typeof savedOrderSchema> & {
  /** Cancels the order's pending schedule timers (not saved). */
  cancelSchedule: Array<() => void>;
};

/** The whole file. */
export const sandboxStateSchema = z
  .object({
    version: z.literal(STATE_VERSION, { error: `must be ${STATE_VERSION}` }),
    savedAtMs: int,
    /** Part of every payout_id this sandbox hands out (`POT<instance><sequence>`). */
    instance: z.string().regex(/^[0-9A-F]{4}$/, 'four hex digits'),
    /** The last sequence number used: the next order gets the one after it. */
    sequence: count,
    orders: z.array(savedOrderSchema),
    records: z.array(recordSchema),
  })
  .strict()
  .superRefine((state, ctx) => {
    const ids = new Set<string>();
    state.orders.forEach((o, i) => {
      for (const [field, value] of [
        ['payoutClId', o.payoutClId],
        ['payoutId', o.payoutId],
      ] as const) {
        if (ids.has(`${field}:${value}`))
          ctx.addIssue({ code: 'custom', path: ['orders', i, field], message: 'not unique' });
        ids.add(`${field}:${value}`);
      }
    });
  });
export type SandboxState = z.infer<typeof sandboxStateSchema>;

/** The part of an order that is saved. */
export function savedOrder(order: SandboxOrder): SandboxState['orders'][number] {
  const { cancelSchedule: _timers, ...saved } = order;
  return saved;
}

/** What the admin API shows of an order (no recipient details beyond what the merchant sent). */
export function view(order: SandboxOrder) {
  return {
    payoutId: order.payoutId,
    payoutClId: order.payoutClId,
    platformId: order.platformId,
    amountCents: order.amountCents,
    status: order.statusCode,
    statusName: statusName(order.statusCode),
    ...(order.notifyUrl !== undefined ? { notifyUrl: order.notifyUrl } : {}),
    createTimeMs: order.createTimeMs,
    updateTimeMs: order.updateTimeMs,
    rule: order.ruleName,
    scenario: order.scenario,
    queriesReceived: order.queriesReceived,
    queriesAnswered: order.queriesAnswered,
    forced: order.forced,
  };
}
export type OrderView = ReturnType<typeof view>;
