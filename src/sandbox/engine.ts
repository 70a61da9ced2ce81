import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ValidationError, toFieldIssues } from '../errors.js';
import type { CallbackSender } from './callbacks.js';
import type { TimerGroup } from './clock.js';
import { SandboxOrderError } from './errors.js';
import type { SandboxLogger } from './logger.js';
import type { SandboxMerchant, SandboxSettings } from './options.js';
import type { OrderView, SandboxOrder } from './order.js';
import type { CallbackEntry, CreateEntry, QueryEntry, RecordBook, StatusEntry } from './record.js';
import {
  chooseScenario,
  ruleSchema,
  rulesSchema,
  type Fault,
  type Rule,
  type RuleSubject,
  type Scenario,
} from './scenario.js';
import { STATE_VERSION, savedOrder, type SandboxState } from './state.js';
import { STATUS_CODES, isFinalCode, statusName, type StatusName } from './status.js';
import type { ReportedOrder } from './wire.js';

/** The record of one payout_cl_id as the admin API serves it. */
export interface SandboxRecord {
  readonly payoutClId: string;
  /** The orders with this payout_cl_id (one per merchant at most). */
  readonly orders: readonly OrderView[];
  readonly creates: readonly CreateEntry[];
  readonly queries: readonly QueryEntry[];
  readonly callbacks: readonly CallbackEntry[];
  readonly statuses: readonly StatusEntry[];
}

/** What a create call that passed every check asks the engine to hold. */
export interface NewOrder {
  readonly payoutClId: string;
  readonly amountCents: number;
  readonly notifyUrl?: string;
  readonly bankName: string;
  readonly recipientName: string;
  readonly accountNumber: string;
}

/** A status by name or by raw code (0-99, so undocumented codes can be tried too). */
export const forcedStatusSchema = z.union(
  [
    z.enum(Object.keys(STATUS_CODES) as [StatusName, ...StatusName[]]),
    z.number().int().min(0).max(99),
  ],
  { error: `a status name (${Object.keys(STATUS_CODES).join(', ')}) or a code 0-99` },
);

const FINAL_CODE = { success: 3, cancelled: 4, failed: 5 } as const;

/**
 * The sandbox's state: merchants, scenario rules, orders and their records, and the rules by
 * which orders move. The HTTP handlers and the programmatic/admin API both act through it.
 */
export class SandboxEngine {
  readonly records: RecordBook;
  readonly #merchants = new Map<string, SandboxMerchant>();
  readonly #byToken = new Map<string, SandboxMerchant>();
  readonly #orders = new Map<string, SandboxOrder>();
  readonly #byPayoutId = new Map<string, SandboxOrder>();
  readonly #initialRules: readonly Rule[];
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
      readonly records: RecordBook;
      /** Called after every change of an order (the state file saves them). */
      readonly changed?: () => void;
    },
  ) {
    this.records = deps.records;
    for (const m of settings.merchants) {
      this.#merchants.set(m.platformId, m);
      this.#byToken.set(m.authToken, m);
    }
    this.#initialRules = settings.rules;
    this.#rules = settings.rules;
  }

  get now(): number {
    return this.deps.timers.clock.now();
  }

  merchant(platformId: string): SandboxMerchant | undefined {
    return this.#merchants.get(platformId);
  }

  merchantByToken(token: string): SandboxMerchant | undefined {
    return this.#byToken.get(token);
  }

  // ---- rules ----

  rules(): readonly Rule[] {
    return this.#rules;
  }

  /** Replaces every rule; throws {@link ValidationError} naming the field, changing nothing. */
  setRules(input: unknown): readonly Rule[] {
    const result = rulesSchema.safeParse(input);
    if (!result.success) throw new ValidationError('scenario rules', toFieldIssues(result.error));
    this.#rules = result.data;
    return this.#rules;
  }

  /** Adds one rule, first (it then wins over the others) or last. */
  addRule(input: unknown, position: 'first' | 'last' = 'first'): readonly Rule[] {
    const result = ruleSchema.safeParse(input);
    if (!result.success) throw new ValidationError('scenario rule', toFieldIssues(result.error));
    this.#rules =
      position === 'first' ? [result.data, ...this.#rules] : [...this.#rules, result.data];
    return this.#rules;
  }

  /** Back to the rules the sandbox started with. */
  resetRules(): readonly Rule[] {
    this.#rules = this.#initialRules;
    return this.#rules;
  }

  /** The scenario for a create call, and the name of the rule that chose it. */
  scenarioFor(subject: RuleSubject): { scenario: Scenario; ruleName: string } {
    const { scenario, rule } = chooseScenario(this.#rules, subject);
    if (!rule) return { scenario, ruleName: 'default' };
    return { scenario, ruleName: rule.name ?? `rule ${this.#rules.indexOf(rule) + 1}` };
  }

  // ---- orders ----

  findOrder(platformId: string, payoutClId: string): SandboxOrder | undefined {
    return this.#orders.get(orderKey(platformId, payoutClId));
  }

  findByPayoutId(platformId: string, payoutId: string): SandboxOrder | undefined {
    const order = this.#byPayoutId.get(payoutId);
    return order?.platformId === platformId ? order : undefined;
  }

  /** The merchant's orders, oldest first. */
  ordersOf(platformId: string): SandboxOrder[] {
    return [...this.#orders.values()].filter((o) => o.platformId === platformId);
  }

  /** Creates an order and starts its schedule. The caller has checked for duplicates. */
  createOrder(
    merchant: SandboxMerchant,
    input: NewOrder,
    scenario: Scenario,
    ruleName: string,
  ): SandboxOrder {
    const now = this.now;
    const order: SandboxOrder = {
      ...input,
      payoutId: this.#nextPayoutId(),
      platformId: merchant.platformId,
      createTimeMs: now,
      updateTimeMs: now,
      scenario,
      ruleName,
      statusCode: STATUS_CODES.scheduled,
      queriesReceived: 0,
      queriesAnswered: 0,
      forced: false,
      regressionLeft: 0,
      regressed: false,
      cancelSchedule: [],
    };
    this.#orders.set(orderKey(order.platformId, order.payoutClId), order);
    this.#byPayoutId.set(order.payoutId, order);
    this.records.for(order.payoutClId).statuses.push({ at: now, to: 0, cause: 'created' });
    this.#startSchedule(order, 0);
    this.deps.changed?.();
    return order;
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
    const steps: Array<readonly [number, number, StatusEntry['cause']]> = [];
    if (schedule.mode === 'timed') {
      steps.push(
        [schedule.pendingAfterMs, 1, 'schedule'],
        [schedule.processingAfterMs, 2, 'schedule'],
      );
      if (finalize.kind === 'schedule') steps.push([schedule.finalAfterMs, finalCode, 'schedule']);
    }
    if (finalize.kind === 'after-ms') {
      const before = steps.filter(([at]) => at < finalize.ms);
      steps.length = 0;
      steps.push(...before, [finalize.ms, finalCode, 'timer']);
    }
    if (finalize.kind === 'after-queries' && finalize.queries === 0) {
      this.#move(order, finalCode, 'query');
      return;
    }
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
    this.records.for(order.payoutClId).statuses.push({ at: this.now, from, to: code, cause });
    this.deps.logger.info('order status', {
      payout_cl_id: order.payoutClId,
      from: statusName(from),
      to: statusName(code),
      cause,
    });
    if (isFinalCode(code)) {
      for (const cancel of order.cancelSchedule.splice(0)) cancel();
      this.#sendFinal(order);
    }
    this.deps.changed?.();
  }

  #sendFinal(order: SandboxOrder): void {
    const merchant = this.#merchants.get(order.platformId);
    if (merchant) {
      this.deps.callbacks.sendFinal(order, merchant);
    } else {
      // Possible after a restart with other merchants configured: no key to sign with.
      this.deps.logger.warn('callback not sent', {
        payout_cl_id: order.payoutClId,
        why: 'merchant no longer configured',
      });
    }
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
    order.queriesReceived += 1;
    const q = order.scenario.queries;
    const n = order.queriesReceived;
    if (n <= q.failFirst || (q.failEvery > 0 && n % q.failEvery === 0)) return q.fault;
    return undefined;
  }

  /**
   * What an answer reports of the order. `counted` (the query named the order): applies the
   * regression and moves the order on after the answer (on-query schedule, after-queries).
   */
  report(order: SandboxOrder, counted: boolean): ReportedOrder {
    const q = order.scenario.queries;
    let statusCode = order.statusCode;
    if (counted) {
      order.queriesAnswered += 1;
      if (order.regressionLeft > 0 && q.regression) {
        statusCode = STATUS_CODES[q.regression.to];
        order.regressionLeft -= 1;
      } else if (q.regression && !order.regressed && isFinalCode(statusCode)) {
        // This answer tells the truth; the next ones regress.
        order.regressed = true;
        order.regressionLeft = q.regression.queries;
      }
    }
    const reported = {
      statusCode,
      amountCents: order.amountCents + q.amountDeltaCents,
      badSign: q.badSign,
    };
    if (counted) this.#afterAnswer(order);
    return reported;
  }

  #afterAnswer(order: SandboxOrder): void {
    if (order.forced || isFinalCode(order.statusCode)) return;
    const finalize = order.scenario.finalize;
    const finalCode = FINAL_CODE[order.scenario.outcome];
    if (finalize.kind === 'after-queries' && order.queriesAnswered >= finalize.queries) {
      this.#move(order, finalCode, 'query');
      return;
    }
    if (this.settings.schedule.mode !== 'on-query') return;
    if (order.statusCode < STATUS_CODES.processing) {
      this.#move(order, order.statusCode + 1, 'query');
    } else if (finalize.kind === 'schedule') {
      this.#move(order, finalCode, 'query');
    }
  }

  /**
   * Puts the order in `status` and stops its schedule (an operator took it over). A final status
   * sends the scenario's callbacks. Throws {@link SandboxOrderError} when no single order fits.
   */
  forceStatus(payoutClId: string, status: unknown, platformId?: string): OrderView {
    const parsed = forcedStatusSchema.safeParse(status);
    if (!parsed.success)
      throw new ValidationError(
        'forced status',
        parsed.error.issues.map((i) => ({ field: 'status', rule: i.message })),
      );
    const code = typeof parsed.data === 'number' ? parsed.data : STATUS_CODES[parsed.data];
    const order = this.#single(payoutClId, platformId);
    for (const cancel of order.cancelSchedule.splice(0)) cancel();
    order.forced = true;
    this.#setStatus(order, code, 'forced');
    return view(order);
  }

  #single(payoutClId: string, platformId?: string): SandboxOrder {
    const matches = [...this.#orders.values()].filter(
      (o) =>
        o.payoutClId === payoutClId && (platformId === undefined || o.platformId === platformId),
    );
    const [first, second] = matches;
    if (!first)
      throw new SandboxOrderError('ERR_SANDBOX_ORDER_NOT_FOUND', `No order ${payoutClId}`);
    if (second)
      throw new SandboxOrderError(
        'ERR_SANDBOX_ORDER_AMBIGUOUS',
        `Several merchants have order ${payoutClId}: name the platform_id`,
      );
    return first;
  }

  /** Every order, oldest first. */
  orderViews(): OrderView[] {
    return [...this.#orders.values()].map(view);
  }

  /** One order, or undefined. */
  orderView(payoutClId: string, platformId?: string): OrderView | undefined {
    try {
      return view(this.#single(payoutClId, platformId));
    } catch (error) {
      if (error instanceof SandboxOrderError && error.code === 'ERR_SANDBOX_ORDER_NOT_FOUND')
        return undefined;
      throw error;
    }
  }

  /** A copy of everything seen for the id (empty lists when nothing was). */
  record(payoutClId: string): SandboxRecord {
    const record = this.records.get(payoutClId);
    return structuredClone({
      payoutClId,
      orders: [...this.#orders.values()].filter((o) => o.payoutClId === payoutClId).map(view),
      creates: record?.creates ?? [],
      queries: record?.queries ?? [],
      callbacks: record?.callbacks ?? [],
      statuses: record?.statuses ?? [],
    });
  }

  /**
   * Forgets every order and record and restores the starting rules. The payout_id sequence goes
   * on: an id once handed out is never handed out again.
   */
  reset(): void {
    for (const order of this.#orders.values()) for (const c of order.cancelSchedule.splice(0)) c();
    this.#orders.clear();
    this.#byPayoutId.clear();
    this.records.clear();
    this.resetRules();
    this.deps.changed?.();
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
      records: this.records.all(),
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
    for (const saved of state.orders) {
      const order: SandboxOrder = { ...saved, cancelSchedule: [] };
      this.#orders.set(orderKey(order.platformId, order.payoutClId), order);
      this.#byPayoutId.set(order.payoutId, order);
      this.#sequence = Math.max(this.#sequence, this.#sequenceOf(order.payoutId));
    }
    this.records.restore(state.records);
    for (const order of this.#orders.values()) {
      if (isFinalCode(order.statusCode)) {
        if (order.finalCallback === 'sending') this.#sendFinal(order);
      } else if (!order.forced) {
        this.#startSchedule(order, Math.max(0, this.now - order.createTimeMs));
      }
    }
  }

  /** The sequence number in one of this instance's payout ids, else 0. */
  #sequenceOf(payoutId: string): number {
    const prefix = `POT${this.#instance}`;
    const rest = payoutId.startsWith(prefix) ? payoutId.slice(prefix.length) : '';
    return /^[0-9]{1,15}$/.test(rest) ? Number(rest) : 0;
  }
}

function orderKey(platformId: string, payoutClId: string): string {
  return `${platformId}\u0000${payoutClId}`;
}

/** The admin view of an order. */
export function view(order: SandboxOrder): OrderView {
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
