import { z } from 'zod';
import { KNOWN_REJECTION_CODES } from '../../vocabulary/gateway.js';
import { STATUS_NAMES } from './status.js';

/**
 * How the sandbox misbehaves on one response instead of answering properly:
 * an HTTP 5xx with a JSON error body, no answer at all until the client gives up, HTTP 200 with an
 * empty body, HTTP 200 with a body that is not JSON, or a TCP reset.
 */
export const faultSchema = z.enum(
  ['http-500', 'http-502', 'http-503', 'hang', 'empty-body', 'garbage-body', 'reset'],
  { error: 'one of http-500, http-502, http-503, hang, empty-body, garbage-body, reset' },
);
export type Fault = z.infer<typeof faultSchema>;

const count = (what: string) =>
  z
    .number({ error: `a whole number of ${what}` })
    .int(`a whole number of ${what}`)
    .min(0, 'must not be negative');
const cents = z.number({ error: 'a whole number of cents' }).int('whole cents');
const flag = (byDefault: boolean) => z.boolean({ error: 'true or false' }).default(byDefault);

/** The rejection codes the gateway documents. */
const rejectionCodeSchema = z.enum(KNOWN_REJECTION_CODES, { error: 'one of 0004, 0012, 0018' });

const createSchema = z.discriminatedUnion(
  'kind',
  [
    /** Create the order and answer 0000. */
    z.object({ kind: z.literal('accept') }).strict(),
    /** Create the order, then answer with a fault: the client cannot know the order exists. */
    z.object({ kind: z.literal('accept-then-fault'), fault: faultSchema }).strict(),
    /** Create nothing and answer with a well-formed rejection. */
    z.object({ kind: z.literal('reject'), code: rejectionCodeSchema }).strict(),
    /**
     * Create the order, yet answer with a well-formed rejection: the gateway platform warns this
     * can happen, which is why a client confirms every rejection with a query.
     */
    z.object({ kind: z.literal('reject-after-create'), code: rejectionCodeSchema }).strict(),
    /** Create nothing and never answer: the request was lost on the way in. */
    z.object({ kind: z.literal('lost') }).strict(),
  ],
  { error: 'kind must be one of accept, accept-then-fault, reject, reject-after-create, lost' },
);

const finalizeSchema = z.discriminatedUnion(
  'kind',
  [
    /** Follow the sandbox's status schedule. */
    z.object({ kind: z.literal('schedule') }).strict(),
    /** Answer this many queries with a non-final status, then finalize. */
    z.object({ kind: z.literal('after-queries'), queries: count('queries') }).strict(),
    /** Finalize this long after creation, whatever the schedule says. */
    z.object({ kind: z.literal('after-ms'), ms: count('milliseconds') }).strict(),
    /** Never finalize on its own (it can still be forced through the admin API). */
    z.object({ kind: z.literal('never') }).strict(),
  ],
  { error: 'kind must be one of schedule, after-queries, after-ms, never' },
);

const callbacksSchema = z
  .object({
    /** `false`: no callback at all. */
    send: flag(true),
    /** How many times the final callback is delivered (2 or more: duplicates). */
    copies: count('copies').min(1, 'at least 1').max(10, 'at most 10').default(1),
    /** Wait this long after the order finalizes before the first attempt (a late callback). */
    delayMs: count('milliseconds').default(0),
    /** After the final callback, also send a correctly signed `processing` (2) one. */
    processingAfterFinal: flag(false),
    /** Sign callbacks with the wrong key. */
    badSign: flag(false),
  })
  .strict();

const queriesSchema = z
  .object({
    /** The first N queries for the order fail with `fault`. */
    failFirst: count('queries').default(0),
    /** Every k-th query for the order fails with `fault` (0: never). */
    failEvery: count('queries').default(0),
    fault: faultSchema.default('http-500'),
    /** Items carry a sign that does not verify. */
    badSign: flag(false),
    /** Items report `amount` off by this many cents (signed correctly: a real mismatch). */
    amountDeltaCents: cents.default(0),
    /** The order stays invisible to queries this long after its create: a lagging read side. */
    hiddenForMs: count('milliseconds').default(0),
    /** After a query reported the final status, the next `queries` answers report `to`. */
    regression: z
      .object({
        to: z
          .enum(STATUS_NAMES, { error: `one of ${STATUS_NAMES.join(', ')}` })
          .default('processing'),
        queries: count('queries').min(1, 'at least 1').default(1),
      })
      .strict()
      .optional(),
  })
  .strict();

/** What the sandbox does with one order, from its create call to its last callback. */
export const scenarioSchema = z
  .object({
    create: createSchema.default({ kind: 'accept' }),
    outcome: z
      .enum(['success', 'failed', 'cancelled'], { error: 'one of success, failed, cancelled' })
      .default('success'),
    /** `error_msg` of a failed order's callback and `memo` of its query items. */
    failureMessage: z
      .string({ error: 'a string' })
      .min(1, 'must not be empty')
      .max(200, 'at most 200 characters')
      .default('Recipient account is invalid'),
    finalize: finalizeSchema.default({ kind: 'schedule' }),
    callbacks: callbacksSchema.prefault({}),
    queries: queriesSchema.prefault({}),
  })
  .strict();

/** A scenario with every default filled in. */
export type Scenario = z.infer<typeof scenarioSchema>;
/** A scenario as written: every field optional. */
export type ScenarioInput = z.input<typeof scenarioSchema>;

/** Which create calls a rule applies to; every given criterion must hold, none given matches all. */
export const ruleMatchSchema = z
  .object({
    payoutClIdPrefix: z.string({ error: 'a string' }).min(1, 'must not be empty').optional(),
    amount: cents.optional(),
    amountMin: cents.optional(),
    amountMax: cents.optional(),
  })
  .strict();

/** One scenario rule. Rules are tried in order; the first that matches wins. */
export const ruleSchema = z
  .object({
    name: z.string({ error: 'a string' }).min(1, 'must not be empty').max(80).optional(),
    match: ruleMatchSchema.prefault({}),
    scenario: scenarioSchema.prefault({}),
  })
  .strict();

export type Rule = z.infer<typeof ruleSchema>;
export type RuleInput = z.input<typeof ruleSchema>;

export const rulesSchema = z
  .array(ruleSchema, { error: 'a list of rules' })
  .max(1000, 'at most 1000 rules');

/** The scenario of a create call that no rule matches: accept, succeed on schedule. */
export const DEFAULT_SCENARIO: Scenario = scenarioSchema.parse({});

/** Whether `rule` applies to a create call for this payout_cl_id and amount. */
export function ruleMatches({ match: m }: Rule, payoutClId: string, amountCents: number): boolean {
  return (
    (m.payoutClIdPrefix === undefined || payoutClId.startsWith(m.payoutClIdPrefix)) &&
    (m.amount === undefined || amountCents === m.amount) &&
    (m.amountMin === undefined || amountCents >= m.amountMin) &&
    (m.amountMax === undefined || amountCents <= m.amountMax)
  );
}
