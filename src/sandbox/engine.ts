import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ValidationError, toFieldIssues } from '../errors.js';
import type { CallbackSender } from './callbacks.js';
import type { TimerGroup } from './clock.js';
import { SandboxOrderError } from './errors.js';
import type { SandboxLogger } from './logger.js';
import type { SandboxSettings } from './options.js';
import {
  DEFAULT_SCENARIO,
  ruleMatches,
  ruleSchema,
  rulesSchema,
  type Fault,
  type Rule,
} from './scenario.js';
import {
  STATE_VERSION,
  emptyRecord,
  savedOrder,
  view,
  type OrderRecord,
  type OrderView,
  type SandboxOrder,
  type SandboxState,
  type StatusEntry,
} from './state.js';
import { STATUS_NAMES, isFinalCode, statusCode, statusName } from './status.js';
import type { ReportedOrder } from './wire.js';

/** What a create call that passed every check asks the engine to hold. */
export type NewOrder = Pick<
  SandboxOrder,
  'payoutClId' | 'amountCents' | 'notifyUrl' | 'bankName' | 'recipientName' | 'accountNumber'
>;

/** A status by name or by raw code (0-99, so undocumented codes can be tried too). */
const forcedStatusSchema = z.union([z.enum(STATUS_NAMES), z.number().int().min(0).max(99)], {
  error: `a status name (${STATUS_NAMES.join(', ')}) or a code 0-99`,
});

const FINAL_CODE = { success: 3, cancelled: 4, failed: 5 } as const;

export function parse<T>(schema: z.ZodType<T>, input: unknown, subject: string): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(subject, toFieldIssues(result.error));
  return result.data;
}

/**
 * The sandbox's state: scenario rules, orders and their records, and the rules by which orders
 * move. The HTTP handlers and the programmatic/admin API both act through it.
 */
export class SandboxEngine {
  readonly #records = new Map<string, OrderRecord>();
  /** By payout_cl_id, oldest first. */
  readonly #orders = new Map<string, SandboxOrder>();
  readonly #byPayoutId = new Map<string, SandboxOrder>();
  #rules: readonly Rule[];
  /** The last payout_id sequence number used; it only grows (ids are never reused). */
  #sequence = 0;
  /** Keeps payout ids of two sandboxes apart; a restart on a state file keeps its own. */
  #instance = randomBytes(2).toString('hex').toUpperCase();

  constructor(
    readonly settings: SandboxSettings,
    private readonly deps: {
      readonly timers: TimerGroup;
      readonly callbacks: CallbackSender;
      readonly logger: SandboxLogger;
      /** Called after every change of an order (the state file saves them). */
      readonly changed: () => void;
    },
  ) {
    this.#rules = settings.rules;
  }

  get now(): number {
    return this.deps.timers.clock.now();
  }

  /** The record of the id, created empty on first use. */
  recordFor(payoutClId: string): OrderRecord {
    let record = this.#records.get(payoutClId);
    if (!record) this.#records.set(payoutClId, (record = emptyRecord(payoutClId)));
    return record;
  }

  // ---- rules ----

  rules(): readonly Rule[] {
    return this.#rules;
  }

  /** Replaces every rule; throws {@link ValidationError} naming the field, changing nothing. */
  setRules(input: unknown): readonly Rule[] {
    return (this.#rules = parse(rulesSchema, input, 'scenario rules'));
  }

  /** Adds one rule, first (it then wins over the others) or last. */
  addRule(input: unknown, position: 'first' | 'last' = 'first'): readonly Rule[] {
    const rule = parse(ruleSchema, input, 'scenario rule');
    return (this.#rules = position === 'first' ? [rule, ...this.#rules] : [...this.#rules, rule]);
  }

  /** The scenario for a create call (the first rule that matches), and that rule's name. */
  scenarioFor(payoutClId: string, amountCents: number) {
    const index = this.#rules.findIndex((r) => ruleMatches(r, payoutClId, amountCents));
    const rule = this.#rules[index];
    if (!rule) return { scenario: DEFAULT_SCENARIO, ruleName: 'default' };
    return { scenario: rule.scenario, ruleName: rule.name ?? `rule ${index + 1}` };
  }

  // ---- orders ----

  /** The merchant's order with this payout_cl_id (a state file may hold another merchant's). */
  findOrder(payoutClId: string): SandboxOrder | undefined {
    const order = this.#orders.get(payoutClId);
    return order?.platformId === this.settings.merchant.platformId ? order : undefined;
  }

  findByPayoutId(payoutId: string): SandboxOrder | undefined {
    const order = this.#byPayoutId.get(payoutId);
    return order && this.findOrder(order.payoutClId);
  }

  /** The merchant's orders, oldest first. */
  merchantOrders(): SandboxOrder[] {
    return [...this.#orders.values()].filter((o) => this.findOrder(o.payoutClId) === o);
  }

  /** Whether a create for the id would be a duplicate (whichever merchant made the order). */
  exists(payoutClId: string): boolean {
    return this.#orders.has(payoutClId);
  }

  /** Creates an order and starts its schedule. The caller has checked for duplicates. */
  createOrder(input: NewOrder, scenario: SandboxOrder['scenario'], ruleName: string): SandboxOrder {
    const now = this.now;
    const order: SandboxOrder = {
      ...input,
      payoutId: this.#nextPayoutId(),
      platformId: this.settings.merchant.platformId,
      createTimeMs: now,
      updateTimeMs: now,
      scenario,
      ruleName,
      statusCode: 0,
      queriesReceived: 0,
      queriesAnswered: 0,
      forced: false,
      regressionLeft: 0,
      regressed: false,
      cancelSchedule: [],
    };
    this.#add(order);
    this.recordFor(order.payoutClId).statuses.push({ at: now, to: 0, cause: 'created' });
    this.#startSchedule(order, 0);
    this.deps.changed();
    return order;
  }

  #add(order: SandboxOrder): void {
    this.#orders.set(order.payoutClId, order);
    this.#byPayoutId.set(order.payoutId, order);
  }

  #nextPayoutId(): string {
    let id: string;
    do {
      this.#sequence += 1;
      id = `POT${this.#instance}${String(this.#sequence).padStart(8, '0')}`;
    } while (this.#byPayoutId.has(id));
    return id;
  }

  /**
   * Arms the order's timed steps, `elapsed` ms into its life (0 for a new order; the time since
   * creation after a restart, so the order keeps to its schedule by the clock: steps already due
   * fire at once, in order).
   */
  #startSchedule(order: SandboxOrder, elapsed: number): void {
    const schedule = this.settings.schedule;
    const finalize = order.scenario.finalize;
    const finalCode = FINAL_CODE[order.scenario.outcome];
    let steps: Array<readonly [number, number, StatusEntry['cause']]> = [];
    if (schedule.mode === 'timed') {
      steps.push(
        [schedule.pendingAfterMs, 1, 'schedule'],
        [schedule.processingAfterMs, 2, 'schedule'],
      );
      if (finalize.kind === 'schedule') steps.push([schedule.finalAfterMs, finalCode, 'schedule']);
    }
    if (finalize.kind === 'after-ms')
      steps = [...steps.filter(([at]) => at < finalize.ms), [finalize.ms, finalCode, 'timer']];
    if (finalize.kind === 'after-queries' && finalize.queries === 0)
      return this.#move(order, finalCode, 'query');
    for (const [at, code, cause] of steps) {
      order.cancelSchedule.push(
        this.deps.timers.schedule(Math.max(0, at - elapsed), () => this.#move(order, code, cause)),
      );
    }
  }

  /** Moves the order on (never back), unless an operator took it over; finalizing sends callbacks. */
  #move(order: SandboxOrder, code: number, cause: StatusEntry['cause']): void {
    if (order.forced || isFinalCode(order.statusCode)) return;
    if (!isFinalCode(code) && code <= order.statusCode) return;
    this.#setStatus(order, code, cause);
  }

  #setStatus(order: SandboxOrder, code: number, cause: StatusEntry['cause']): void {
    const from = order.statusCode;
    order.statusCode = code;
    order.updateTimeMs = Math.max(order.updateTimeMs, this.now);
    this.recordFor(order.payoutClId).statuses.push({ at: this.now, from, to: code, cause });
    this.deps.logger.info('order status', {
      payout_cl_id: order.payoutClId,
      from: statusName(from),
      to: statusName(code),
      cause,
    });
    if (isFinalCode(code)) {
      for (const cancel of order.cancelSchedule.splice(0)) cancel();
      this.deps.callbacks.sendFinal(order);
    }
    this.deps.changed();
  }

  /** Whether queries see the order yet (a scenario may hide new orders for a while). */
  visibleToQueries(order: SandboxOrder): boolean {
    return this.now - order.createTimeMs >= order.scenario.queries.hiddenForMs;
  }

  /**
   * A query named the order: counts it and says whether the scenario makes it fail (the first N,
   * every k-th). A failed query is not answered, so it does not move the order.
   */
  queryArrived(order: SandboxOrder): Fault | undefined {
    const q = order.scenario.queries;
    const n = (order.queriesReceived += 1);
    if (n <= q.failFirst || (q.failEvery > 0 && n % q.failEvery === 0)) return q.fault;
    return undefined;
  }

  /**
   * What an answer reports of the order. `counted` (the query named the order): applies the
   * regression and moves the order on after the answer (on-query schedule, after-queries).
   */
  report(order: SandboxOrder, counted: boolean): ReportedOrder {
    const q = order.scenario.queries;
    let code = order.statusCode;
    if (counted) {
      order.queriesAnswered += 1;
      if (order.regressionLeft > 0 && q.regression) {
        code = statusCode(q.regression.to);
        order.regressionLeft -= 1;
      } else if (q.regression && !order.regressed && isFinalCode(code)) {
        // This answer tells the truth; the next ones regress.
        order.regressed = true;
        order.regressionLeft = q.regression.queries;
      }
      this.#afterAnswer(order);
    }
    return {
      statusCode: code,
      amountCents: order.amountCents + q.amountDeltaCents,
      badSign: q.badSign,
    };
  }

  #afterAnswer(order: SandboxOrder): void {
    if (order.forced || isFinalCode(order.statusCode)) return;
    const finalize = order.scenario.finalize;
    const finalCode = FINAL_CODE[order.scenario.outcome];
    if (finalize.kind === 'after-queries' && order.queriesAnswered >= finalize.queries)
      return this.#move(order, finalCode, 'query');
    if (this.settings.schedule.mode !== 'on-query') return;
    if (order.statusCode < 2) this.#move(order, order.statusCode + 1, 'query');
    else if (finalize.kind === 'schedule') this.#move(order, finalCode, 'query');
  }

  /**
   * Puts the order in `status` and stops its schedule (an operator took it over). A final status
   * sends the scenario's callbacks. Throws {@link SandboxOrderError} when there is no such order.
   */
  forceStatus(payoutClId: string, status: unknown): OrderView {
    const issue = forcedStatusSchema.safeParse(status);
    if (!issue.success)
      throw new ValidationError(
        'forced status',
        issue.error.issues.map((i) => ({ field: 'status', rule: i.message })),
      );
    const order = this.#orders.get(payoutClId);
    if (!order) throw new SandboxOrderError(payoutClId);
    for (const cancel of order.cancelSchedule.splice(0)) cancel();
    order.forced = true;
    this.#setStatus(
      order,
      typeof issue.data === 'number' ? issue.data : statusCode(issue.data),
      'forced',
    );
    return view(order);
  }

  /** Every order, oldest first. */
  orderViews(): OrderView[] {
    return [...this.#orders.values()].map(view);
  }

  orderView(payoutClId: string): OrderView | undefined {
    const order = this.#orders.get(payoutClId);
    return order && view(order);
  }

  /** A copy of everything seen for the id (empty lists when nothing was), with its order. */
  record(payoutClId: string) {
    const order = this.#orders.get(payoutClId);
    const record = this.#records.get(payoutClId) ?? emptyRecord(payoutClId);
    return structuredClone({ ...record, orders: order ? [view(order)] : [] });
  }

  /**
   * Forgets every order and record and restores the starting rules. The payout_id sequence goes
   * on: an id once handed out is never handed out again.
   */
  reset(): void {
    for (const order of this.#orders.values()) for (const c of order.cancelSchedule.splice(0)) c();
    this.#orders.clear();
    this.#byPayoutId.clear();
    this.#records.clear();
    this.#rules = this.settings.rules;
    this.deps.changed();
  }

  // ---- saved state ----

  /** Everything a restarted sandbox needs to go on: orders, records, the payout_id sequence. */
  state(): SandboxState {
    return {
      version: STATE_VERSION,
      savedAtMs: this.now,
      instance: this.#instance,
      sequence: this.#sequence,
      orders: [...this.#orders.values()].map(savedOrder),
      records: [...this.#records.values()],
    };
  }

  /**
   * Takes over a saved state (at start, before any request): its orders keep their schedule by
   * the clock from their creation time (steps due in the meantime happen now), and a final
   * callback a stop cut short before it was acknowledged is sent again, with fresh attempts.
   * The rules are not part of the state: they come from the options.
   */
  restore(state: SandboxState): void {
    this.#instance = state.instance;
    this.#sequence = state.sequence;
    const prefix = `POT${this.#instance}`;
    for (const saved of state.orders) {
      this.#add({ ...saved, cancelSchedule: [] });
      const rest = saved.payoutId.startsWith(prefix) ? saved.payoutId.slice(prefix.length) : '';
      if (/^[0-9]{1,15}$/.test(rest)) this.#sequence = Math.max(this.#sequence, Number(rest));
    }
    for (const record of state.records) this.#records.set(record.payoutClId, record);
    for (const order of this.#orders.values()) {
      if (isFinalCode(order.statusCode)) {
        if (order.finalCallback === 'sending') this.deps.callbacks.sendFinal(order);
      } else if (!order.forced) {
        this.#startSchedule(order, Math.max(0, this.now - order.createTimeMs));
      }
    }
  }
}
