import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GatewayPayoutState, QueryOutcome, SubmitOutcome } from '../../src/gateway/types.js';
import { finalOutcome } from '../../workflows/classify.js';
import { decide } from '../../workflows/decide.js';
import { validateDecision } from '../../workflows/decisions.js';
import type { PayoutCommand, PayoutEvent } from '../../workflows/events.js';
import { payoutPolicySchema } from '../../workflows/policy.js';
import { initialState, type PayoutState } from '../../workflows/state.js';
import {
  IDENTITY,
  OPERATOR,
  Payout,
  T0,
  accepted,
  found,
  notFound,
  notification,
  rejected,
  unknown,
} from './decide-fixtures.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** A payout whose create was accepted, waiting for its first check. */
const confirming = () => new Payout().started().submitted(accepted());

/** A payout in NEEDS_REVIEW because the order stayed not found after an unknown submit. */
function lostAfterUnknown(): Payout {
  const p = new Payout().started().submitted(unknown());
  while (p.state.status === 'CONFIRMING') p.checked(notFound());
  return p;
}

describe('decide: submit', () => {
  it('start submits once and publishes SUBMITTING; a second start does nothing', () => {
    const p = new Payout().started();
    expect(p.commands).toEqual([
      { type: 'upsert-status', status: 'SUBMITTING' },
      { type: 'submit', origin: 'initial' },
    ]);
    expect(p.state).toMatchObject({ inFlight: 'submit', submits: 1 });
    expect(p.started().commands).toEqual([]);
  });

  it.each([
    ['accepted', accepted(), 'POT1'],
    ['rejected', rejected(), null],
    ['unknown', unknown(), null],
  ] as const)('a %s submit goes to confirmation with a check in 5s', (_, outcome, payoutId) => {
    const p = new Payout().started().submitted(outcome);
    expect(p.state.status).toBe('CONFIRMING');
    expect(p.state.payoutId).toBe(payoutId);
    expect(p.commands).toEqual([
      { type: 'upsert-status', status: 'CONFIRMING' },
      { type: 'schedule-check', delayMs: 5_000, at: T0 + 5_000 },
    ]);
    expect(p.state.evidence.entries[0]).toMatchObject({ kind: 'submit', outcome });
  });

  it('a failed submit activity counts as unknown and is recorded as such', () => {
    const p = new Payout()
      .started()
      .feed({ type: 'submit-failed', origin: 'initial', detail: 'TimeoutFailure: timed out' });
    expect(p.state).toMatchObject({
      status: 'CONFIRMING',
      lastSubmit: { result: 'unknown' },
      notFoundGraceFrom: T0,
    });
    expect(p.state.evidence.entries[0]).toMatchObject({ kind: 'submit-failed' });
    expect(p.types()).toEqual(['upsert-status', 'schedule-check']);
  });

  it('an outcome nobody asked for is ignored', () => {
    const p = confirming();
    const before = p.state;
    p.submitted(accepted('POT9'));
    expect(p.state).toBe(before);
    p.answered(found('success'));
    expect(p.state).toBe(before);
  });
});

describe('decide: confirmation loop', () => {
  it('the timer runs a query; a final query state finishes', () => {
    const p = confirming().tick();
    expect(p.commands).toEqual([{ type: 'run-query' }]);
    p.answered(found('success'));
    expect(p.types()).toEqual(['upsert-status', 'finish']);
    expect(p.state.result).toMatchObject({
      status: 'SUCCEEDED',
      payoutId: 'POT1',
      gatewayState: 'success',
      resolvedBy: { by: 'query', afterEscalation: null },
    });
  });

  it.each([
    ['success', 'SUCCEEDED'],
    ['failed', 'FAILED'],
    ['cancelled', 'FAILED'],
  ] as const)('query %s -> %s', (state, status) => {
    expect(confirming().checked(found(state)).state.result?.status).toBe(status);
  });

  it.each(['scheduled', 'pending', 'processing', 'under-review'] as const)(
    'query %s keeps confirming on the backoff',
    (state) => {
      const p = confirming().checked(found(state));
      expect(p.state.status).toBe('CONFIRMING');
      expect(p.commands).toEqual([{ type: 'schedule-check', delayMs: 10_000, at: p.now + 10_000 }]);
    },
  );

  it('the backoff doubles up to 10 minutes, and jitter only shortens it', () => {
    const p = confirming();
    const delays: number[] = [];
    for (let i = 0; i < 10; i++) {
      p.checked(found('processing'));
      delays.push((p.commands[0] as { delayMs: number }).delayMs);
    }
    expect(delays).toEqual([
      10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 600_000, 600_000, 600_000, 600_000,
    ]);
    const jittered = decide(
      p.tick().state,
      { type: 'query-outcome', outcome: found('processing'), at: p.now, random: 0.99 },
      p.policy,
    );
    expect(jittered.commands[0]).toMatchObject({ delayMs: Math.round(600_000 * (1 - 0.2 * 0.99)) });
  });

  it('a query that failed after its retries is evidence and the loop goes on', () => {
    const p = confirming()
      .tick()
      .feed({ type: 'query-unavailable', detail: 'ApplicationFailure: 503' });
    expect(p.state).toMatchObject({ status: 'CONFIRMING', checks: 1, lastQuery: 'failed' });
    expect(p.types()).toEqual(['schedule-check']);
    expect(p.state.evidence.entries.at(-1)).toMatchObject({ kind: 'query-failed' });
    p.checked({ kind: 'unavailable', reason: 'gateway-error', detail: '0006', code: '0006' });
    expect(p.state).toMatchObject({ status: 'CONFIRMING', checks: 2, lastQuery: 'unavailable' });
  });

  it('a rejection confirmed by a not-found query ends REJECTED', () => {
    const p = new Payout().started().submitted(rejected()).checked(notFound());
    expect(p.state.result).toMatchObject({
      status: 'REJECTED',
      resolvedBy: { by: 'query' },
      payoutId: null,
    });
  });

  it('a rejection whose order exists after all is followed to its final state', () => {
    const p = new Payout().started().submitted(rejected()).checked(found('processing'));
    expect(p.state).toMatchObject({ status: 'CONFIRMING', rejection: null, payoutId: 'POT1' });
    p.checked(found('success'));
    expect(p.state.result?.status).toBe('SUCCEEDED');
  });

  it('a rejection with queries unavailable never ends REJECTED on its own', () => {
    const p = new Payout().started().submitted(rejected());
    for (let i = 0; i < 5; i++) p.tick().feed({ type: 'query-unavailable', detail: 'down' });
    expect(p.state.result).toBeNull();
  });
});

describe('decide: escalation', () => {
  it('not found after an unknown submit: checks until the grace ends, then NEEDS_REVIEW', () => {
    const p = new Payout().started().submitted(unknown());
    const times: number[] = [];
    while (p.state.status === 'CONFIRMING') {
      p.checked(notFound());
      times.push(p.now - T0);
    }
    // 5, 15, 35, 75, 155, 315 s, then clamped to the grace end at 600 s.
    expect(times).toEqual([5_000, 15_000, 35_000, 75_000, 155_000, 315_000, 600_000]);
    expect(p.state.escalation).toMatchObject({
      reason: 'not-found-after-unknown-submit',
      kind: 'no-answer',
    });
    expect(p.commands).toEqual([
      { type: 'upsert-status', status: 'NEEDS_REVIEW' },
      { type: 'schedule-check', delayMs: 30 * MIN, at: p.now + 30 * MIN },
    ]);
  });

  it('not found after an accepted submit escalates with its own reason', () => {
    const p = confirming();
    while (p.state.status === 'CONFIRMING') p.checked(notFound());
    expect(p.state.escalation?.reason).toBe('not-found-after-accepted-submit');
  });

  it('non-final beyond maxPending escalates; a late final status still resolves it', () => {
    const p = confirming();
    while (p.state.status === 'CONFIRMING') p.checked(found('processing'));
    expect(p.now - T0).toBe(24 * HOUR);
    expect(p.state.escalation?.reason).toBe('max-pending-exceeded');
    p.checked(found('processing'));
    expect(p.state.status).toBe('NEEDS_REVIEW');
    p.checked(found('success'));
    expect(p.state.result).toMatchObject({
      status: 'SUCCEEDED',
      resolvedBy: { by: 'query', afterEscalation: 'max-pending-exceeded' },
    });
  });

  it('an unknown status code escalates, and keeps polling slowly', () => {
    const p = confirming().checked(found('unknown-status'));
    expect(p.state.escalation).toMatchObject({ reason: 'unknown-status', kind: 'no-answer' });
    expect(p.commands.at(-1)).toMatchObject({ type: 'schedule-check', delayMs: 30 * MIN });
    p.checked(found('failed'));
    expect(p.state.result?.status).toBe('FAILED');
  });

  it.each([
    [
      'a bad signature',
      { kind: 'bad-signature', detail: 'sign mismatch' },
      'conflict-bad-signature',
    ],
    [
      'a mismatch reported by the activity',
      { kind: 'mismatch', field: 'amount', expected: '50000', actual: '5000' },
      'conflict-mismatch',
    ],
    ['an order with another amount', found('success', { amountCents: 1 }), 'conflict-mismatch'],
    ['an order with another id', found('success', { payoutClId: 'ORDER-2' }), 'conflict-mismatch'],
    ['another payout_id', found('success', { payoutId: 'POT2' }), 'conflict-payout-id'],
  ] as const)('%s is a conflict that no later query resolves', (_, outcome, reason) => {
    const p = confirming().checked(outcome);
    expect(p.state.status).toBe('NEEDS_REVIEW');
    expect(p.state.escalation).toMatchObject({ reason, kind: 'conflict' });
    p.checked(found('success')).checked(found('success'));
    expect(p.state.result).toBeNull();
    expect(p.state.checks).toBe(3);
  });

  it('a status going backwards is a conflict', () => {
    const p = confirming().checked(found('processing')).checked(found('pending'));
    expect(p.state.escalation?.reason).toBe('conflict-status-regressed');
  });

  it('an order that disappears is a conflict, never REJECTED', () => {
    const p = new Payout().started().submitted(rejected()).checked(found('pending'));
    p.checked(notFound());
    expect(p.state.escalation?.reason).toBe('conflict-order-disappeared');
  });

  it('a no-answer escalation becomes a conflict when conflicting evidence arrives', () => {
    const p = confirming().checked(found('unknown-status'));
    p.checked({ kind: 'bad-signature', detail: 'x' });
    expect(p.state.escalation).toMatchObject({
      reason: 'conflict-bad-signature',
      kind: 'conflict',
    });
    p.checked(found('success'));
    expect(p.state.result).toBeNull();
  });
});

describe('decide: callbacks', () => {
  it('a final callback wakes the loop; the confirming query finishes', () => {
    const p = confirming().callback(notification('success'));
    expect(p.commands).toEqual([{ type: 'run-query' }]);
    expect(p.state.nextCheckAt).toBeNull();
    p.answered(found('success'));
    expect(p.state.result?.resolvedBy).toEqual({
      by: 'callback-confirmed-by-query',
      afterEscalation: null,
    });
  });

  it('a callback alone never finishes', () => {
    const p = confirming().callback(notification('success'));
    expect(p.state.result).toBeNull();
    expect(p.state.status).toBe('CONFIRMING');
  });

  it('a final callback the query does not confirm yet: short re-checks, then a conflict', () => {
    const p = confirming().callback(notification('success')).answered(found('processing'));
    expect(p.commands).toEqual([{ type: 'schedule-check', delayMs: 5_000, at: p.now + 5_000 }]);
    expect(p.state.status).toBe('CONFIRMING');
    for (let i = 0; i < 3; i++) p.checked(found('processing'));
    expect(p.state.status).toBe('CONFIRMING');
    p.checked(found('processing'));
    expect(p.state.escalation).toMatchObject({
      reason: 'conflict-callback-unconfirmed',
      kind: 'conflict',
    });
  });

  it('a final callback for an order the query cannot find yet counts as unconfirmed', () => {
    const p = new Payout().started().submitted(unknown()).callback(notification('failed'));
    p.answered(notFound());
    for (let i = 0; i < 4; i++) p.checked(notFound());
    expect(p.state.escalation?.reason).toBe('conflict-callback-unconfirmed');
    // 4 re-checks 5 s apart: well inside the not-found grace window.
    expect(p.now - T0).toBe(4 * 5_000);
  });

  it('a final callback whose outcome differs from the query is a conflict', () => {
    const p = confirming().callback(notification('success')).answered(found('failed'));
    expect(p.state.result).toBeNull();
    expect(p.state.escalation?.reason).toBe('conflict-callback-query');
  });

  it('cancelled versus failed is the same outcome (not paid)', () => {
    const p = confirming().callback(notification('cancelled')).answered(found('failed'));
    expect(p.state.result?.status).toBe('FAILED');
  });

  it('a duplicate callback changes nothing but the evidence', () => {
    const p = confirming().callback(notification('processing')).answered(found('processing'));
    const before = p.state;
    p.callback(notification('processing'));
    expect(p.commands).toEqual([]);
    expect({ ...p.state, evidence: before.evidence }).toEqual(before);
    expect(p.state.evidence.entries.at(-1)).toMatchObject({ kind: 'callback', note: 'duplicate' });
  });

  it('a non-final callback after a final one is stale and changes nothing', () => {
    const p = confirming().callback(notification('success'));
    const before = p.state;
    p.callback(notification('processing'));
    expect(p.commands).toEqual([]);
    expect(p.state.callback).toEqual(before.callback);
    expect(p.state.evidence.entries.at(-1)).toMatchObject({ note: 'stale' });
  });

  it('a callback while a query runs waits for that query', () => {
    const p = confirming().tick().callback(notification('success'));
    expect(p.commands).toEqual([]);
    p.answered(found('success'));
    expect(p.state.result?.resolvedBy.by).toBe('callback-confirmed-by-query');
  });

  it('a callback during the submit is confirmed right after it', () => {
    const p = new Payout().started().callback(notification('success'));
    expect(p.commands).toEqual([]);
    p.submitted(accepted());
    expect(p.types()).toEqual(['upsert-status', 'run-query']);
  });

  it('a callback before the first submit never holds the submit back', () => {
    const p = new Payout().callback(notification('success'));
    expect(p.commands).toEqual([]);
    p.started();
    expect(p.commands).toContainEqual({ type: 'submit', origin: 'initial' });
    p.submitted(accepted());
    expect(p.types()).toEqual(['upsert-status', 'run-query']);
  });

  it('an invalid payload is recorded and ignored', () => {
    const p = confirming();
    const before = p.state;
    p.callback({ payoutId: 'POT1', state: 'success' });
    expect(p.commands).toEqual([]);
    expect({ ...p.state, evidence: before.evidence }).toEqual(before);
    expect(p.state.evidence.entries.at(-1)).toMatchObject({ kind: 'callback-invalid' });
  });

  it.each([
    ['another amount', notification('success', { amountCents: 1 }), 'conflict-mismatch'],
    ['another merchant', notification('success', { platformId: 'PF0009' }), 'conflict-mismatch'],
    ['another payout_id', notification('success', { payoutId: 'POT2' }), 'conflict-payout-id'],
  ])('a callback with %s is a conflict', (_, payload, reason) => {
    const p = confirming().callback(payload);
    expect(p.state.escalation).toMatchObject({ reason, kind: 'conflict' });
    expect(p.state.status).toBe('NEEDS_REVIEW');
  });

  it('two final callbacks that disagree are a conflict', () => {
    const p = confirming().callback(notification('success')).answered(found('processing'));
    p.callback(notification('failed'));
    expect(p.state.escalation?.reason).toBe('conflict-callbacks');
  });

  it('a rejected submit with a callback for the order never ends REJECTED', () => {
    const p = new Payout().started().submitted(rejected()).callback(notification('processing'));
    p.answered(notFound());
    expect(p.state.result).toBeNull();
    expect(p.state.escalation?.reason).toBe('conflict-callback-query');
  });
});

describe('decide: operator decisions', () => {
  const rejectedBy = (p: Payout) => p.state.lastRejectedDecision?.rule;

  it.each([
    ['no operatorId', { action: 'confirm-succeeded', reason: 'x' }, 'invalid-input'],
    [
      'an empty reason',
      { action: 'confirm-failed', operatorId: 'op', reason: ' ' },
      'invalid-input',
    ],
    ['an unknown action', { action: 'approve', ...OPERATOR }, 'invalid-input'],
    ['not an object', 'confirm-succeeded', 'invalid-input'],
    ['an extra field', { action: 'resubmit', ...OPERATOR, amount: 1 }, 'invalid-input'],
    [
      'keep-waiting with both',
      { action: 'keep-waiting', ...OPERATOR, for: '1h', until: '2030-01-01T00:00:00Z' },
      'invalid-input',
    ],
    ['keep-waiting with neither', { action: 'keep-waiting', ...OPERATOR }, 'invalid-input'],
    [
      'keep-waiting until the past',
      { action: 'keep-waiting', ...OPERATOR, until: '2020-01-01T00:00:00Z' },
      'deadline-not-in-future',
    ],
    [
      'resubmit after an unknown status',
      { action: 'resubmit', ...OPERATOR },
      'resubmit-requires-not-found',
    ],
  ])('a decision with %s is refused and changes nothing', (_, input, rule) => {
    // In review, the order never seen, the latest query unavailable.
    const p = lostAfterUnknown().tick().feed({ type: 'query-unavailable', detail: 'down' });
    const before = p.state;
    p.decision(input);
    expect(p.commands).toEqual([]);
    expect(rejectedBy(p)).toBe(rule);
    expect({ ...p.state, evidence: before.evidence, lastRejectedDecision: null }).toEqual(before);
    expect(p.state.evidence.entries.at(-1)).toMatchObject({
      kind: 'decision',
      accepted: false,
      rule,
      message: expect.stringMatching(new RegExp(`^${rule}: `)) as unknown,
    });
  });

  it.each(['confirm-succeeded', 'confirm-failed', 'resubmit', 'keep-waiting'])(
    '%s outside NEEDS_REVIEW is refused',
    (action) => {
      const p = confirming().checked(found('processing'));
      p.decision({ action, ...OPERATOR, ...(action === 'keep-waiting' ? { for: '1h' } : {}) });
      expect(rejectedBy(p)).toBe('only-in-needs-review');
      expect(p.state.status).toBe('CONFIRMING');
    },
  );

  it.each([
    ['confirm-succeeded', 'SUCCEEDED'],
    ['confirm-failed', 'FAILED'],
  ] as const)('%s in NEEDS_REVIEW finishes %s, resolved by the operator', (action, status) => {
    const p = confirming().checked({ kind: 'bad-signature', detail: 'x' });
    p.decision({ action, ...OPERATOR }, 'update');
    expect(p.state.result).toMatchObject({
      status,
      resolvedBy: { by: 'operator', operatorId: 'op-7', reason: OPERATOR.reason, action },
    });
    expect(p.state.evidence.entries).toContainEqual(
      expect.objectContaining({ kind: 'decision', via: 'update', accepted: true }),
    );
  });

  it('resubmit while the latest query reports no order submits again, then confirms', () => {
    const p = lostAfterUnknown().decision({ action: 'resubmit', ...OPERATOR });
    expect(p.commands).toEqual([
      { type: 'upsert-status', status: 'SUBMITTING' },
      { type: 'submit', origin: 'operator-resubmit' },
    ]);
    expect(p.state).toMatchObject({ submits: 2, escalation: null, lastQuery: null });
    p.submitted(accepted('POT5'), 'operator-resubmit').checked(
      found('success', { payoutId: 'POT5' }),
    );
    expect(p.state.result).toMatchObject({ status: 'SUCCEEDED', payoutId: 'POT5' });
  });

  it('resubmit is refused once the order was seen, or while a check runs', () => {
    const seen = new Payout().started().submitted(rejected()).checked(found('pending'));
    seen.checked(notFound());
    seen.decision({ action: 'resubmit', ...OPERATOR });
    expect(rejectedBy(seen)).toBe('resubmit-order-seen');

    const running = lostAfterUnknown().tick();
    running.decision({ action: 'resubmit', ...OPERATOR });
    expect(rejectedBy(running)).toBe('check-in-progress');
  });

  it('keep-waiting resets the escalation until its deadline, then escalates again', () => {
    const p = lostAfterUnknown();
    const escalatedAt = p.now;
    p.decision({ action: 'keep-waiting', ...OPERATOR, for: '2h' });
    expect(p.state).toMatchObject({
      status: 'CONFIRMING',
      escalation: null,
      waitingUntil: escalatedAt + 2 * HOUR,
    });
    expect(p.commands).toEqual([
      { type: 'upsert-status', status: 'CONFIRMING' },
      { type: 'schedule-check', delayMs: 5_000, at: p.now + 5_000 },
    ]);
    while (p.state.status === 'CONFIRMING') p.checked(notFound());
    expect(p.now).toBe(escalatedAt + 2 * HOUR);
    expect(p.state.escalation?.reason).toBe('waiting-deadline-passed');
  });

  it('keep-waiting accepts an ISO timestamp', () => {
    const p = lostAfterUnknown();
    p.decision({ action: 'keep-waiting', ...OPERATOR, until: '2025-03-05T00:00:00+08:00' });
    expect(p.state.waitingUntil).toBe(Date.parse('2025-03-04T16:00:00Z'));
  });

  it('keep-waiting after a conflict lets queries finalize again', () => {
    const p = confirming().checked({ kind: 'bad-signature', detail: 'x' });
    p.decision({ action: 'keep-waiting', ...OPERATOR, for: 'PT6H' });
    p.checked(found('success'));
    expect(p.state.result?.status).toBe('SUCCEEDED');
  });

  it('a final payout ignores everything', () => {
    const p = confirming().checked(found('success'));
    const before = p.state;
    p.decision({ action: 'confirm-failed', ...OPERATOR })
      .callback(notification('failed'))
      .tick();
    expect(p.state).toBe(before);
    expect(p.commands).toEqual([]);
  });
});

describe('decide: evidence and continue-as-new', () => {
  it('continue-as-new is recorded and counted', () => {
    const p = confirming().feed({ type: 'continue-as-new' });
    expect(p.state.run).toBe(1);
    expect(p.state.evidence.entries.at(-1)).toMatchObject({ kind: 'continued-as-new', run: 1 });
    expect(p.commands).toEqual([]);
  });

  it('the evidence keeps the first and the latest entries and counts the dropped ones', () => {
    const policy = payoutPolicySchema.parse({ evidenceHead: 2, evidenceTail: 3 });
    const p = new Payout(policy).started().submitted(accepted());
    const states: GatewayPayoutState[] = ['scheduled', 'pending', 'processing', 'processing'];
    for (const s of states) p.checked(found(s));
    const { entries, dropped, total } = p.state.evidence;
    // submit, status->CONFIRMING, then four queries.
    expect(total).toBe(6);
    expect(dropped).toBe(1);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 4, 5, 6]);
    expect(entries[0]).toMatchObject({ kind: 'submit', at: new Date(T0).toISOString() });
  });
});

describe('decide: properties', () => {
  const STATES: GatewayPayoutState[] = [
    'scheduled',
    'pending',
    'processing',
    'success',
    'cancelled',
    'failed',
    'under-review',
    'unknown-status',
  ];
  type Move =
    | { k: 'complete'; submit: SubmitOutcome | 'fail'; query: QueryOutcome | 'fail' }
    | { k: 'timer' }
    | { k: 'callback'; payload: unknown }
    | { k: 'decision'; input: unknown; via: 'signal' | 'update' }
    | { k: 'wait'; ms: number }
    | { k: 'continue-as-new' };

  // Biased towards success so that runs often reach a confirmed end.
  const stateArb = fc.oneof(fc.constantFrom(...STATES), fc.constant('success' as const));
  const queryArb: fc.Arbitrary<QueryOutcome | 'fail'> = fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .record({
          state: stateArb,
          payoutId: fc.constantFrom('POT1', 'POT1', 'POT1', 'POT2'),
          amountCents: fc.constantFrom(50_000, 50_000, 50_000, 1),
        })
        .map(({ state, ...over }) => found(state, over)),
    },
    { weight: 3, arbitrary: fc.constant(notFound()) },
    { weight: 1, arbitrary: fc.constant<QueryOutcome>({ kind: 'bad-signature', detail: 'x' }) },
    {
      weight: 1,
      arbitrary: fc.constant<QueryOutcome>({
        kind: 'mismatch',
        field: 'amount',
        expected: '50000',
        actual: '1',
      }),
    },
    {
      weight: 2,
      arbitrary: fc.constant<QueryOutcome>({ kind: 'unavailable', reason: 'timeout', detail: '' }),
    },
    { weight: 1, arbitrary: fc.constant('fail' as const) },
  );
  const submitArb = fc.constantFrom<SubmitOutcome | 'fail'>(
    accepted(),
    rejected(),
    unknown(),
    'fail',
  );
  const decisionArb: fc.Arbitrary<unknown> = fc.oneof(
    fc.record({
      action: fc.constantFrom('confirm-succeeded', 'confirm-failed', 'resubmit'),
      operatorId: fc.constantFrom('op-1', 'op-1', 'op-1', ''),
      reason: fc.constantFrom('seen at the bank', 'seen at the bank', ''),
    }),
    fc
      .record({
        action: fc.constant('keep-waiting'),
        operatorId: fc.constant('op-1'),
        reason: fc.constant('gateway says tomorrow'),
        for: fc.constantFrom(undefined, '1h', '30m'),
        until: fc.constantFrom(undefined, '2020-01-01T00:00:00Z', '2031-01-01T00:00:00Z'),
      })
      .map((d) => Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined))),
    fc.constantFrom({ action: 'approve', operatorId: 'op-1', reason: 'x' }, 'confirm', null),
  );
  const moveArb: fc.Arbitrary<Move> = fc.oneof(
    {
      weight: 8,
      arbitrary: fc.record({
        k: fc.constant('complete' as const),
        submit: submitArb,
        query: queryArb,
      }),
    },
    { weight: 8, arbitrary: fc.constant({ k: 'timer' as const }) },
    {
      weight: 3,
      arbitrary: fc.record({
        k: fc.constant('callback' as const),
        payload: fc.oneof(
          fc
            .record({ state: stateArb, payoutId: fc.constantFrom('POT1', 'POT1', 'POT3') })
            .map(({ state, payoutId }) => notification(state, { payoutId })),
          fc.constant({ junk: true }),
        ),
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
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constant('wait' as const),
        ms: fc.integer({ min: 0, max: 2 * 24 * HOUR }),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ k: 'continue-as-new' as const }) },
  );

  interface Step {
    before: PayoutState;
    event: PayoutEvent;
    after: PayoutState;
    commands: readonly PayoutCommand[];
  }

  /** Plays the moves the way the driver would: outcomes only for the activity that runs. */
  function simulate({ moves, lostFor }: Run): Step[] {
    const policy = payoutPolicySchema.parse({
      evidenceHead: 3,
      evidenceTail: 10,
      callbackConfirmAttempts: 3,
    });
    let state = initialState(IDENTITY, T0, policy);
    let now = T0;
    let queries = 0;
    const steps: Step[] = [];
    const feed = (event: PayoutEvent) => {
      const next = decide(state, event, policy);
      steps.push({ before: state, event, after: next.state, commands: next.commands });
      state = next.state;
    };
    feed({ type: 'start', at: now });
    for (const m of moves) {
      if (m.k === 'wait') {
        now += m.ms;
      } else if (m.k === 'timer') {
        if (state.nextCheckAt !== null) now = Math.max(now, state.nextCheckAt);
        feed({ type: 'timer-fired', at: now });
      } else if (m.k === 'complete') {
        now += 1_000;
        const origin = state.lastSubmit === null ? 'initial' : 'operator-resubmit';
        if (state.inFlight === 'submit') {
          feed(
            m.submit === 'fail'
              ? { type: 'submit-failed', origin, detail: 'crash', at: now }
              : { type: 'submit-outcome', origin, outcome: m.submit, at: now },
          );
        } else if (state.inFlight === 'query') {
          // The first `lostFor` answers find no order: the gateway lost it, or never got it.
          const answer = queries++ < lostFor ? notFound() : m.query;
          feed(
            answer === 'fail'
              ? { type: 'query-unavailable', detail: 'down', at: now }
              : { type: 'query-outcome', outcome: answer, at: now },
          );
        }
      } else if (m.k === 'callback') {
        feed({ type: 'callback', notification: m.payload, at: now });
      } else if (m.k === 'decision') {
        feed({ type: 'operator-decision', via: m.via, input: m.input, at: now });
      } else {
        feed({ type: 'continue-as-new', at: now });
      }
    }
    return steps;
  }

  const finishOf = (s: Step) =>
    s.commands.find((c): c is Extract<PayoutCommand, { type: 'finish' }> => c.type === 'finish');
  const validDecision = (s: Step) =>
    s.event.type === 'operator-decision' &&
    validateDecision(s.before, s.event.input, s.event.at).ok;
  const decided = (s: Step, action: string) =>
    validDecision(s) && (s.event as { input: { action: string } }).input.action === action;
  interface Run {
    moves: readonly Move[];
    lostFor: number;
  }
  const movesArb: fc.Arbitrary<Run> = fc.record({
    moves: fc.array(moveArb, { minLength: 10, maxLength: 120, size: 'max' }),
    lostFor: fc.oneof(fc.constant(0), fc.integer({ min: 5, max: 25 })),
  });

  it('the generated runs reach every ending and every decision', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(movesArb, (moves) => {
        for (const s of simulate(moves)) {
          const fin = finishOf(s);
          if (fin) seen.add(`${fin.result.status}:${fin.result.resolvedBy.by}`);
          if (s.after.escalation && !s.before.escalation) seen.add(s.after.escalation.kind);
          if (decided(s, 'resubmit')) seen.add('resubmit');
          if (decided(s, 'keep-waiting')) seen.add('keep-waiting');
        }
      }),
      { numRuns: 300, seed: 42 },
    );
    expect([...seen].sort()).toEqual(
      expect.arrayContaining([
        'FAILED:operator',
        'FAILED:query',
        'REJECTED:query',
        'SUCCEEDED:callback-confirmed-by-query',
        'SUCCEEDED:operator',
        'SUCCEEDED:query',
        'conflict',
        'keep-waiting',
        'no-answer',
        'resubmit',
      ]),
    );
  });

  it('never finishes SUCCEEDED or FAILED without a final query state or an operator', () => {
    fc.assert(
      fc.property(movesArb, (moves) => {
        for (const s of simulate(moves)) {
          const fin = finishOf(s);
          if (fin === undefined || fin.result.status === 'REJECTED') continue;
          const byQuery =
            s.event.type === 'query-outcome' &&
            s.event.outcome.kind === 'found' &&
            finalOutcome(s.event.outcome.order.state) === fin.result.status;
          const byOperator = decided(
            s,
            fin.result.status === 'SUCCEEDED' ? 'confirm-succeeded' : 'confirm-failed',
          );
          expect(byQuery || byOperator).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never submits again without an accepted operator resubmit', () => {
    fc.assert(
      fc.property(movesArb, (moves) => {
        const steps = simulate(moves);
        for (const s of steps) {
          for (const c of s.commands.filter((c) => c.type === 'submit')) {
            if (s.event.type === 'start') expect(c).toEqual({ type: 'submit', origin: 'initial' });
            else {
              expect(decided(s, 'resubmit')).toBe(true);
              expect(c).toEqual({ type: 'submit', origin: 'operator-resubmit' });
            }
          }
        }
        const last = steps.at(-1)!.after;
        expect(last.submits).toBe(1 + steps.filter((s) => decided(s, 'resubmit')).length);
      }),
      { numRuns: 300 },
    );
  });

  it('after a conflict only an operator finishes the payout', () => {
    fc.assert(
      fc.property(movesArb, (moves) => {
        for (const s of simulate(moves)) {
          if (s.before.escalation?.kind === 'conflict' && finishOf(s) !== undefined) {
            expect(s.event.type).toBe('operator-decision');
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('an invalid decision never changes the state (beyond recording it)', () => {
    fc.assert(
      fc.property(movesArb, (moves) => {
        for (const s of simulate(moves)) {
          if (s.event.type !== 'operator-decision' || validDecision(s)) continue;
          expect(s.commands).toEqual([]);
          const { evidence: _e, lastRejectedDecision: _r, ...after } = s.after;
          const { evidence: _e2, lastRejectedDecision: _r2, ...before } = s.before;
          expect(after).toEqual(before);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('REJECTED only after a rejected submit and a not-found query', () => {
    fc.assert(
      fc.property(movesArb, (moves) => {
        for (const s of simulate(moves)) {
          if (finishOf(s)?.result.status !== 'REJECTED') continue;
          expect(s.event.type === 'query-outcome' && s.event.outcome.kind).toBe('not-found');
          expect(s.before.lastSubmit?.result).toBe('rejected');
          expect(s.before.rejection).not.toBeNull();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('runs at most one activity at a time, keeps the evidence bounded, and stays final', () => {
    fc.assert(
      fc.property(movesArb, (moves) => {
        for (const s of simulate(moves)) {
          const runs = s.commands.filter((c) => c.type === 'submit' || c.type === 'run-query');
          expect(runs.length).toBeLessThanOrEqual(1);
          if (runs.length === 1) expect(s.after.inFlight).not.toBe('none');
          const { entries, dropped, total } = s.after.evidence;
          expect(entries.length).toBeLessThanOrEqual(3 + 10);
          expect(entries.length + dropped).toBe(total);
          if (s.before.result !== null) {
            expect(s.after).toBe(s.before);
            expect(s.commands).toEqual([]);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
