/**
 * The sandbox's saved state (`stateFile`): its orders, their records and the payout_id sequence,
 * so a restarted sandbox knows every order it had. Validated with zod when loaded: a file that
 * does not fit is refused, never half-used.
 */
import { z } from 'zod';
import type { SandboxOrder } from './order.js';
import type { OrderRecord } from './record.js';
import { scenarioSchema } from './scenario.js';

/** Bumped when the format changes incompatibly; a file of another version is refused. */
export const STATE_VERSION = 1;

const int = z.number({ error: 'a number' }).int('a whole number');
const count = int.min(0, 'must not be negative');

const answerSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('response'), httpStatus: int, body: z.string() }).strict(),
    z.object({ kind: z.literal('fault'), fault: z.string() }).strict(),
    z.object({ kind: z.literal('no-answer') }).strict(),
  ],
  { error: 'kind must be response, fault or no-answer' },
);

const createEntrySchema = z
  .object({
    at: int,
    path: z.string(),
    platformId: z.string().optional(),
    bodyText: z.string(),
    created: z.boolean(),
    payoutId: z.string().optional(),
    outcome: z.string(),
    answer: answerSchema,
  })
  .strict();

const queryEntrySchema = z
  .object({
    at: int,
    form: z.enum(['list', 'single']),
    target: z.string(),
    platformId: z.string().optional(),
    reportedStatus: int.optional(),
    outcome: z.string(),
    answer: answerSchema,
  })
  .strict();

const callbackEntrySchema = z
  .object({
    at: int,
    url: z.string(),
    attempt: count,
    delivery: z.string(),
    status: int,
    body: z.string(),
    response: z.union([
      z.object({ httpStatus: int, body: z.string() }).strict(),
      z.object({ error: z.string() }).strict(),
    ]),
    acknowledged: z.boolean(),
  })
  .strict();

const statusEntrySchema = z
  .object({
    at: int,
    from: int.optional(),
    to: int,
    cause: z.enum(['created', 'schedule', 'query', 'timer', 'forced']),
  })
  .strict();

const recordSchema = z
  .object({
    payoutClId: z.string().min(1),
    creates: z.array(createEntrySchema),
    queries: z.array(queryEntrySchema),
    callbacks: z.array(callbackEntrySchema),
    statuses: z.array(statusEntrySchema),
  })
  .strict();

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
    ruleName: z.string(),
    statusCode: count.max(99, 'at most 99'),
    queriesReceived: count,
    queriesAnswered: count,
    forced: z.boolean(),
    regressionLeft: count,
    regressed: z.boolean(),
    finalCallback: z.enum(['sending', 'acknowledged', 'unacknowledged']).optional(),
  })
  .strict();

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
    const keys = new Set<string>();
    const ids = new Set<string>();
    state.orders.forEach((o, i) => {
      const key = `${o.platformId}\u0000${o.payoutClId}`;
      if (keys.has(key))
        ctx.addIssue({ code: 'custom', path: ['orders', i], message: 'a second order of the id' });
      if (ids.has(o.payoutId))
        ctx.addIssue({ code: 'custom', path: ['orders', i, 'payoutId'], message: 'not unique' });
      keys.add(key);
      ids.add(o.payoutId);
    });
  });

/** The saved state, as loaded. */
export type SandboxState = z.infer<typeof sandboxStateSchema>;
/** One saved order: a {@link SandboxOrder} without its timers. */
export type SavedOrder = z.infer<typeof savedOrderSchema>;

// Compile-time checks that the format holds everything the engine keeps (and nothing else).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _orderFits: Same<SavedOrder, Omit<SandboxOrder, 'cancelSchedule'>> = true;
const _recordFits: Same<SandboxState['records'][number], OrderRecord> = true;
void _orderFits;
void _recordFits;

/** The part of an order that is saved. */
export function savedOrder(order: SandboxOrder): SavedOrder {
  const { cancelSchedule: _timers, ...saved } = order;
  return saved;
}
