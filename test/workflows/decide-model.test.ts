import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SubmitResult } from '../../activities/types.js';
import type { GatewayPayoutState, QueryOutcome, SubmitOutcome } from '../../vocabulary/gateway.js';
import { finalOutcome } from '../../vocabulary/gateway.js';
import { decide, type PayoutCommand, type PayoutEvent } from '../../workflows/decide.js';
import { parseOperatorDecision } from '../../workflows/decisions.js';
import { parsePayoutPolicy } from '../../workflows/policy.js';
import { initialState, type PayoutState } from '../../workflows/state.js';
import { IDENTITY, MINUTE, T0, codeOf, policyWith } from './decide-fixtures.js';

/**
 * The decision function against a model of the gateway: the gateway's own records are the truth
 * (does an order exist, at what amount, is it paid), and every run of random gateway behaviour,
 * faults, callbacks, timers, cancellations and operator decisions must keep the product's
 * promise (I1-I4, see docs/reliability.md) and never throw.
 */

type Outcome = 'success' | 'failed' | 'cancelled' | 'never' | 'unknown-status';
type CreateBehaviour =
  | 'accept'
  | 'reject'
  | 'reject-after-create'
  | 'lost'
  | 'created-no-answer'
  | 'reject-0004'
  | 'unsendable';
type QueryFault = 'none' | 'unavailable' | 'bad-signature' | '0006';

interface Scenario {
  /** An order already at the gateway under our id (a run that Temporal forgot). */
  readonly existing: null | { amountCents: number; outcome: Outcome };
  readonly creates: readonly CreateBehaviour[];
  readonly outcome: Outcome;
  /** New orders stay invisible to queries this long (below the rejection window). */
  readonly lagMs: number;
  readonly moves: readonly Move[];
}

type Move =
  | { k: 'complete'; fault: QueryFault; crash: boolean }
  | { k: 'timer' }
  | { k: 'callback'; copies: number }
  | { k: 'decision'; input: unknown; via: 'signal' | 'update' }
  | { k: 'cancel' }
  | { k: 'junk'; payload: unknown }
  | { k: 'wait'; ms: number };

interface Order {
  payoutId: string;
  amountCents: number;
  createdAt: number;
  step: number;
  outcome: Outcome;
}

const PROGRESS: GatewayPayoutState[] = ['scheduled', 'pending', 'processing'];

function stateOf(o: Order): GatewayPayoutState {
  if (o.step < PROGRESS.length) return PROGRESS[o.step]!;
  return o.outcome === 'never' ? 'processing' : o.outcome;
}

/** The gateway: its orders under our payout_cl_id, and every create call it received. */
class World {
  orders: Order[] = [];
  createCalls = 0;
  private next = 1;
  constructor(private readonly s: Scenario) {
    if (s.existing) this.add(T0 - 60 * MINUTE, s.existing.amountCents, s.existing.outcome);
  }
  add(at: number, amountCents: number, outcome: Outcome): Order {
    const o = { payoutId: `POT${this.next++}`, amountCents, createdAt: at, step: 0, outcome };
    this.orders.push(o);
    return o;
  }
  visible(at: number): Order[] {
    return this.orders.filter((o) => at - o.createdAt >= this.s.lagMs);
  }
  query(at: number, fault: QueryFault): QueryOutcome {
    if (fault === 'unavailable') return { kind: 'unavailable', reason: 'timeout', detail: '' };
    if (fault === '0006')
      return { kind: 'unavailable', reason: 'gateway-error', detail: '', code: '0006' };
    if (fault === 'bad-signature') return { kind: 'bad-signature', detail: 'x' };
    const seen = this.visible(at);
    if (seen.length === 0) return { kind: 'not-found' };
    const o = seen[0]!;
    const result = this.report(o);
    o.step += 1;
    if (seen.length > 1) {
      return {
        kind: 'mismatch',
        field: 'payout_cl_id',
        expected: 'ORDER-1',
        actual: 'POT1,POT2',
        detail: 'several',
      };
    }
    if (o.amountCents !== IDENTITY.amountCents) {
      return {
        kind: 'mismatch',
        field: 'amount',
        expected: '50000',
        actual: String(o.amountCents),
        order: result,
      };
    }
    return { kind: 'found', order: result };
  }
  report(o: Order) {
    const state = stateOf(o);
    return {
      payoutId: o.payoutId,
      payoutClId: IDENTITY.merchantOrderId,
      platformId: IDENTITY.platformId,
      state,
      statusCode: codeOf(state),
      amountCents: o.amountCents,
    };
  }
  /** The submit activity: the pre-check, then at most one create. */
  submit(at: number, fault: QueryFault, behaviour: CreateBehaviour): SubmitResult {
    if (behaviour === 'unsendable') return { kind: 'not-sent', reason: 'unsendable', detail: 'x' };
    const precheck = this.query(at, fault);
    if (precheck.kind === 'found' || precheck.kind === 'mismatch')
      return { kind: 'exists', precheck };
    if (precheck.kind !== 'not-found')
      return { kind: 'not-sent', reason: 'precheck-unanswered', precheck };
    this.createCalls += 1;
    // What the gateway does with the create (whether an order comes of it), and what it answers.
    const behaviours: Record<
      Exclude<CreateBehaviour, 'unsendable'>,
      [boolean, () => SubmitOutcome]
    > = {
      accept: [true, () => ({ kind: 'accepted', payoutId: made?.payoutId ?? '' })],
      reject: [false, () => ({ kind: 'rejected', code: '0018', message: 'balance' })],
      'reject-0004': [false, () => ({ kind: 'rejected', code: '0004', message: 'sign' })],
      'reject-after-create': [true, () => ({ kind: 'rejected', code: '0018', message: 'balance' })],
      lost: [false, () => ({ kind: 'unknown', reason: 'timeout', detail: '' })],
      'created-no-answer': [true, () => ({ kind: 'unknown', reason: 'http-status', detail: '' })],
    };
    const [creates, answer] = behaviours[behaviour];
    const made = creates ? this.add(at, IDENTITY.amountCents, this.s.outcome) : undefined;
    const outcome = answer();
    return { kind: 'sent', outcome };
  }
  /** What truly happened to the money, for an order of ours at our amount. */
  truth(): 'paid' | 'not-paid' | 'no-order' | 'pending' {
    const ours = this.orders.filter((o) => o.amountCents === IDENTITY.amountCents);
    if (ours.length === 0) return 'no-order';
    const states = ours.map(stateOf);
    if (states.includes('success')) return 'paid';
    return states.every((s) => finalOutcome(s) === 'FAILED') ? 'not-paid' : 'pending';
  }
}

interface Step {
  before: PayoutState;
  event: PayoutEvent;
  after: PayoutState;
  commands: readonly PayoutCommand[];
  refused: boolean;
}

const policy = policyWith({ evidenceHead: 3, evidenceTail: 20, maxPending: '6h' });

/** Plays a scenario the way the driver would: outcomes only for the activity that runs. */
function simulate(s: Scenario): { steps: Step[]; world: World } {
  const world = new World(s);
  let state = initialState(IDENTITY, T0);
  let now = T0;
  let creates = 0;
  const steps: Step[] = [];
  const feed = (event: PayoutEvent) => {
    const next = decide(state, event, policy);
    steps.push({
      before: state,
      event,
      after: next.state,
      commands: next.commands,
      refused: !!next.refused,
    });
    state = next.state;
  };
  feed({ type: 'start', at: now });
  for (const m of s.moves) {
    const random = 0.5;
    if (m.k === 'wait') now += m.ms;
    else if (m.k === 'timer') {
      if (state.checks.nextAt !== null) now = Math.max(now, state.checks.nextAt);
      feed({ type: 'timer-fired', at: now, random });
    } else if (m.k === 'complete') {
      now += 500;
      if (state.busy === 'submit') {
        const origin = state.submit.origin;
        const behaviour = s.creates[Math.min(creates, s.creates.length - 1)]!;
        if (m.crash) {
          // The worker died mid-create: the call may or may not have reached the gateway.
          const r = world.submit(now, m.fault, behaviour);
          if (r.kind === 'sent') creates += 1;
          feed({ type: 'submit-failed', origin, detail: 'crash', at: now, random });
        } else {
          const result = world.submit(now, m.fault, behaviour);
          if (result.kind === 'sent') creates += 1;
          feed({ type: 'submit-outcome', origin, result, at: now, random });
        }
      } else if (state.busy === 'query') {
        feed(
          m.crash
            ? { type: 'query-failed', detail: 'down', at: now, random }
            : { type: 'query-outcome', outcome: world.query(now, m.fault), at: now, random },
        );
      }
    } else if (m.k === 'callback') {
      // The gateway calls back with the truth once an order is final; repeats are common.
      const o = world.orders.find((x) => finalOutcome(stateOf(x)) !== null);
      if (o !== undefined) {
        for (let i = 0; i < m.copies; i++) {
          const r = world.report(o);
          feed({ type: 'callback', payload: r, at: now, random });
        }
      }
    } else if (m.k === 'decision')
      feed({ type: 'operator-decision', via: m.via, input: m.input, at: now, random });
    else if (m.k === 'cancel') feed({ type: 'cancel-requested', at: now, random });
    else feed({ type: 'callback', payload: m.payload, at: now, random });
  }
  return { steps, world };
}

const OP = { operatorId: 'op-1', reason: 'checked' };
const decisionArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ action: fc.constantFrom('confirm-succeeded', 'confirm-failed'), ...constants(OP) }),
  fc.record({
    action: fc.constantFrom('confirm-succeeded', 'confirm-failed'),
    ...constants(OP),
    override: fc.constant('bank statement'),
  }),
  fc.constant({ action: 'resubmit', ...OP }),
  fc.record({
    action: fc.constant('keep-waiting'),
    ...constants(OP),
    for: fc.constantFrom('1h', '10m', 99),
  }),
  fc.jsonValue(),
);

function constants<T extends Record<string, unknown>>(o: T) {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, fc.constant(v)])) as {
    [K in keyof T]: fc.Arbitrary<T[K]>;
  };
}

const moveArb: fc.Arbitrary<Move> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      k: fc.constant('complete' as const),
      fault: fc.constantFrom<QueryFault>(
        'none',
        'none',
        'none',
        'none',
        'unavailable',
        'bad-signature',
        '0006',
      ),
      crash: fc.constantFrom(false, false, false, true),
    }),
  },
  { weight: 10, arbitrary: fc.constant({ k: 'timer' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('callback' as const),
      copies: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('decision' as const),
      input: decisionArb,
      via: fc.constantFrom('signal' as const, 'update' as const),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ k: 'cancel' as const }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('junk' as const), payload: fc.jsonValue() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('wait' as const),
      ms: fc.integer({ min: 0, max: 3 * 3_600_000 }),
    }),
  },
);

const outcomeArb = fc.constantFrom<Outcome>(
  'success',
  'success',
  'failed',
  'cancelled',
  'never',
  'unknown-status',
);
const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  existing: fc.option(
    fc.record({ amountCents: fc.constantFrom(50_000, 60_000), outcome: outcomeArb }),
    { freq: 4 },
  ),
  creates: fc.array(
    fc.constantFrom<CreateBehaviour>(
      'accept',
      'accept',
      'reject',
      'reject-after-create',
      'lost',
      'created-no-answer',
      'reject-0004',
      'unsendable',
    ),
    { minLength: 1, maxLength: 3 },
  ),
  outcome: outcomeArb,
  lagMs: fc.constantFrom(0, 0, 20_000, 2 * MINUTE),
  moves: fc.array(moveArb, { minLength: 20, maxLength: 150 }),
});

const RUNS = { numRuns: 400, seed: 7 };
const resubmits = (steps: Step[]) =>
  steps.filter((s) =>
    s.commands.some((c) => c.type === 'submit' && c.origin === 'operator-resubmit'),
  ).length;

describe('decide against a model of the gateway', () => {
  it('I1: at most one create reaches the gateway, plus one per operator resubmit', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { steps, world } = simulate(s);
        expect(world.createCalls).toBeLessThanOrEqual(1 + resubmits(steps));
        // An order the gateway already had is never created over.
        if (s.existing !== null && s.lagMs === 0 && resubmits(steps) === 0) {
          expect(world.createCalls).toBe(0);
        }
      }),
      RUNS,
    );
  });

  it('I2: every payout is final, or has its next gateway call scheduled or running', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        for (const { after } of simulate(s).steps) {
          expect(
            after.result !== null || after.busy !== 'none' || after.checks.nextAt !== null,
          ).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it("I3: a final status the product decided on its own equals the gateway's truth", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { steps, world } = simulate(s);
        const result = steps.at(-1)!.after.result;
        if (result === null || result.resolvedBy.by === 'operator') return;
        const truth = world.truth();
        if (result.status === 'SUCCEEDED') expect(truth).toBe('paid');
        if (result.status === 'FAILED') expect(truth).toBe('not-paid');
        if (result.status === 'REJECTED') expect(truth).toBe('no-order');
      }),
      RUNS,
    );
  });

  it('I4: FAILED or REJECTED only on a verified answer, or an operator who did not contradict one', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        for (const step of simulate(s).steps) {
          const result = step.after.result;
          if (result === null || step.before.result !== null) continue;
          const { event, before } = step;
          if (result.resolvedBy.by === 'operator') {
            if (result.resolvedBy.override !== null) continue;
            const latest = before.gateway.latest?.state;
            if (result.status === 'FAILED')
              expect(
                latest === undefined || latest === 'not-found' || finalOutcome(latest) === 'FAILED',
              ).toBe(true);
            if (result.status === 'SUCCEEDED')
              expect(
                latest !== 'not-found' &&
                  (latest === undefined || finalOutcome(latest) !== 'FAILED'),
              ).toBe(true);
            continue;
          }
          expect(event.type).toBe('query-outcome');
          if (event.type !== 'query-outcome') continue;
          if (result.status === 'REJECTED') {
            expect(event.outcome.kind).toBe('not-found');
            expect(before.submit.rejection).not.toBeNull();
            expect(before.submit.accepted).toBe(false);
            expect(event.at - before.gateway.notFoundSince!).toBeGreaterThanOrEqual(
              policy.rejectionConfirmWindow,
            );
          } else {
            expect(event.outcome.kind).toBe('found');
            if (event.outcome.kind === 'found')
              expect(finalOutcome(event.outcome.order.state)).toBe(result.status);
          }
        }
      }),
      RUNS,
    );
  });

  it('a refused decision changes nothing but the record; a final payout stays final', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        for (const step of simulate(s).steps) {
          if (step.before.result !== null) {
            expect(step.after.result).toEqual(step.before.result);
            expect(step.commands.filter((c) => c.type !== 'dispute')).toEqual([]);
          }
          if (!step.refused) continue;
          expect(step.commands).toEqual([]);
          const strip = ({ evidence: _e, review, ...rest }: PayoutState) => ({
            ...rest,
            review: { ...review, lastRefused: null },
          });
          expect(strip(step.after)).toEqual(strip(step.before));
        }
      }),
      RUNS,
    );
  });

  it('the runs reach every ending', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const r = simulate(s).steps.at(-1)!.after.result;
        if (r) seen.add(`${r.status}:${r.resolvedBy.by}`);
      }),
      RUNS,
    );
    expect([...seen]).toEqual(
      expect.arrayContaining([
        'SUCCEEDED:query',
        'SUCCEEDED:callback-confirmed-by-query',
        'FAILED:query',
        'REJECTED:query',
        'SUCCEEDED:operator',
        'FAILED:operator',
      ]),
    );
  });

  it('parsing decisions and policies, and deciding, never throw on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        parseOperatorDecision(a, T0);
        parsePayoutPolicy(a);
        const state = initialState(IDENTITY, T0);
        decide(state, { type: 'operator-decision', via: 'update', input: a, at: T0 }, policy);
        decide(state, { type: 'callback', payload: b, at: T0 }, policy);
        decide(state, { type: 'unknown-signal', name: JSON.stringify(b) ?? '', at: T0 }, policy);
      }),
      { numRuns: 2_000 },
    );
  });
});
