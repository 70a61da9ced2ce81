import { describe, expect, it } from 'vitest';
import {
  HOUR,
  MINUTE,
  OPERATOR,
  Payout,
  SECOND,
  T0,
  accepted,
  badSignature,
  confirming,
  exists,
  found,
  lostAfterUnknown,
  loop,
  mismatchAt,
  notFound,
  notification,
  policyWith,
  rejected,
  sent,
  unanswered,
  unavailable,
  unknown,
} from './decide-fixtures.js';

describe('decide: the submit asks the gateway first', () => {
  it('start submits once; a second start does nothing', () => {
    const p = new Payout().started();
    expect(p.commands).toEqual([{ type: 'submit', origin: 'initial' }]);
    expect(p.state).toMatchObject({ busy: 'submit', status: 'SUBMITTING' });
    expect(p.started().commands).toEqual([]);
  });

  it('an order the gateway knows already is followed, and nothing is created', () => {
    const p = new Payout().started().submitted(exists(found('processing')));
    expect(p.state.status).toBe('CONFIRMING');
    expect(p.state.submit.creates).toBe(0);
    expect(p.state.gateway).toMatchObject({ payoutId: 'POT1', orderSeen: true });
    p.checked(found('success'));
    expect(p.state.result).toMatchObject({ status: 'SUCCEEDED', creates: 0, payoutId: 'POT1' });
    expect(p.entries('query')[0]).toMatchObject({ purpose: 'pre-check' });
  });

  it('a known order with another amount is a conflict, and nothing is created', () => {
    const p = new Payout().started().submitted(exists(mismatchAt('success', 60_000)));
    expect(p.state.status).toBe('NEEDS_REVIEW');
    expect(p.state.review.escalation?.reason).toBe('conflict-mismatch');
    expect(p.state.submit.creates).toBe(0);
    // The gateway's own report of the order stays visible: it paid, at another amount.
    expect(p.state.gateway.latest).toMatchObject({ state: 'success', source: 'query' });
    expect(p.state.gateway.latest?.mismatch).toContain('60000');
    p.checked(found('success'));
    expect(p.state.result).toBeNull();
  });

  it('a pre-check without an answer sends no create: the submit is tried again later', () => {
    const p = new Payout().started().submitted(unanswered());
    expect(p.state.submit).toMatchObject({ creates: 0, attempts: 1 });
    expect(p.state.status).toBe('SUBMITTING');
    expect(p.state.checks).toMatchObject({ next: 'submit', nextAt: T0 + 5 * SECOND });
    p.tick();
    expect(p.commands).toEqual([{ type: 'submit', origin: 'initial' }]);
  });

  it('a pre-check unanswered for maxPending escalates, and no create is ever sent blind', () => {
    const p = new Payout(policyWith({ maxPending: '1h' })).started();
    loop(
      () => p.state.status === 'SUBMITTING',
      () => p.submitted(unanswered()).tick(),
    );
    expect(p.state.status).toBe('NEEDS_REVIEW');
    expect(p.state.review.escalation?.reason).toBe('max-pending-exceeded');
    expect(p.state.review.escalation?.detail).toContain('no create sent');
    expect(p.state.submit.creates).toBe(0);
  });

  it('a refusal of our query token during the pre-check escalates at once as configuration', () => {
    const p = new Payout().started().submitted(unanswered(unavailable('0006')));
    expect(p.state.status).toBe('NEEDS_REVIEW');
    expect(p.state.review.escalation).toMatchObject({
      reason: 'gateway-credentials-rejected',
      kind: 'waiting',
    });
    expect(p.state.review.escalation?.detail).toContain('GATEWAY_AUTH_TOKEN');
    expect(p.state.submit.creates).toBe(0);
  });

  it('a create that cannot be sent is known not sent: NEEDS_REVIEW at once, not after a grace', () => {
    const p = new Payout()
      .started()
      .submitted({ kind: 'not-sent', reason: 'unsendable', detail: 'name: cannot be signed' });
    expect(p.state.status).toBe('NEEDS_REVIEW');
    expect(p.state.review.escalation?.reason).toBe('submit-not-sent');
    expect(p.state.submit.creates).toBe(0);
    expect(p.state.checks.nextAt).not.toBeNull();
  });

  it.each([
    ['accepted', accepted(), 'POT1'],
    ['rejected', rejected(), null],
    ['unknown', unknown(), null],
  ] as const)('a %s create goes to confirmation with a check in 5s', (_, outcome, payoutId) => {
    const p = new Payout().started().submitted(outcome);
    expect(p.state.status).toBe('CONFIRMING');
    expect(p.state.gateway.payoutId).toBe(payoutId);
    expect(p.state.submit.creates).toBe(1);
    expect(p.commands).toEqual([]);
    expect(p.state.checks.nextAt).toBe(T0 + 5 * SECOND);
  });

  it('a failed submit activity counts as a create that may have reached the gateway', () => {
    const p = new Payout()
      .started()
      .feed({ type: 'submit-failed', origin: 'initial', detail: 'TimeoutFailure: timed out' });
    expect(p.state.submit).toMatchObject({ creates: 1, lastSentAt: T0 });
    expect(p.state.status).toBe('CONFIRMING');
    expect(p.entries('submit-failed')).toHaveLength(1);
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

describe('decide: resubmit only when no order can exist', () => {
  const resubmit = { action: 'resubmit', ...OPERATOR };

  it('after an unknown create that stayed not found, resubmit sends one submit (pre-checked)', () => {
    const p = lostAfterUnknown();
    expect(p.state.review.escalation?.reason).toBe('not-found-after-unknown-submit');
    p.decision(resubmit);
    expect(p.refused).toBeUndefined();
    expect(p.commands).toContainEqual({ type: 'submit', origin: 'operator-resubmit' });
    // The resubmit's pre-check finds the first create's order after all: it is followed.
    p.submitted(exists(found('processing')), 'operator-resubmit');
    expect(p.state.submit.creates).toBe(1);
    expect(p.state.status).toBe('CONFIRMING');
  });

  it('is refused once a create was accepted, even if no query ever found the order', () => {
    const p = confirming();
    p.notFoundWhileConfirming();
    expect(p.state.review.escalation?.reason).toBe('not-found-after-accepted-submit');
    p.decision(resubmit);
    expect(p.refused?.rule).toBe('resubmit-create-accepted');
    expect(p.commands).toEqual([]);
  });

  it('is refused once a signed callback reported the order', () => {
    const p = new Payout().started().submitted(unknown()).callback(notification('processing'));
    p.notFoundWhileConfirming();
    expect(p.state.status).toBe('NEEDS_REVIEW');
    p.decision(resubmit);
    expect(p.refused?.rule).toMatch(/^resubmit-(order-seen|payout-id-known)$/);
  });

  it('is refused once a query reported the order, even if it is not found now', () => {
    const p = new Payout()
      .started()
      .submitted(unknown())
      .checked(found('pending', { payoutId: 'P2' }));
    p.notFoundWhileConfirming();
    expect(p.state.review.escalation?.reason).toBe('order-not-found-any-more');
    p.decision(resubmit);
    expect(p.refused?.rule).toBe('resubmit-payout-id-known');
  });

  it('never REJECTED while an accepted create is on record', () => {
    const p = confirming();
    // Even a (contrived) rejection afterwards cannot end it: an order may exist.
    p.state = {
      ...p.state,
      submit: { ...p.state.submit, rejection: { code: '0018', message: 'x', at: p.now } },
    };
    for (let i = 0; i < 30; i++) p.checked(notFound());
    expect(p.state.result).toBeNull();
  });
});

describe('decide: final only on verified, consistent evidence', () => {
  it('a rejection is confirmed only by not-found answers spanning the window', () => {
    const p = new Payout().started().submitted(rejected());
    p.checked(notFound());
    expect(p.now).toBe(T0 + 5 * SECOND);
    expect(p.state.result).toBeNull();
    loop(
      () => p.state.result === null,
      () => p.checked(notFound()),
    );
    expect(p.state.result?.status).toBe('REJECTED');
    // The window (3 min by default) counts from the first not-found answer.
    expect(p.now - (T0 + 5 * SECOND)).toBeGreaterThanOrEqual(3 * MINUTE);
    expect(p.now - (T0 + 5 * SECOND)).toBeLessThan(4 * MINUTE);
  });

  it('a rejection whose order appears within the window is followed to its final state', () => {
    const p = new Payout().started().submitted(rejected()).checked(notFound()).checked(notFound());
    p.checked(found('processing')).checked(found('success'));
    expect(p.state.result?.status).toBe('SUCCEEDED');
  });

  it('the rejection window is configurable', () => {
    const p = new Payout(policyWith({ rejectionConfirmWindow: '30m' }))
      .started()
      .submitted(rejected());
    loop(
      () => p.state.result === null,
      () => p.checked(notFound()),
    );
    expect(p.now - T0).toBeGreaterThanOrEqual(30 * MINUTE);
  });

  it('a 0004 create (our sign) is a configuration problem: NEEDS_REVIEW at once, never REJECTED', () => {
    const p = new Payout().started().submitted(rejected('0004'));
    expect(p.state.status).toBe('NEEDS_REVIEW');
    expect(p.state.review.escalation?.reason).toBe('gateway-credentials-rejected');
    for (let i = 0; i < 20; i++) p.checked(notFound());
    expect(p.state.result).toBeNull();
    // Nothing was created: after fixing the configuration, an operator resubmits.
    p.decision({ action: 'resubmit', ...OPERATOR });
    expect(p.commands).toContainEqual({ type: 'submit', origin: 'operator-resubmit' });
  });

  it('a 0006 query (our token) escalates at once, and a later verified answer still finishes', () => {
    const p = confirming().checked(unavailable('0006'));
    expect(p.state.review.escalation?.reason).toBe('gateway-credentials-rejected');
    p.checked(found('success'));
    expect(p.state.result?.resolvedBy).toEqual({
      by: 'query',
      afterEscalation: 'gateway-credentials-rejected',
    });
  });

  it('after the final state, a contradicting signed callback opens a dispute', () => {
    const p = confirming().checked(found('success'));
    p.callback(notification('failed'));
    expect(p.commands).toEqual([
      expect.objectContaining({
        type: 'dispute',
        news: expect.objectContaining({ state: 'failed' }) as unknown,
      }),
    ]);
    expect(p.entries('dispute')).toHaveLength(1);
    expect(p.state.result?.status).toBe('SUCCEEDED');
  });

  it('after the final state, an agreeing callback is no dispute', () => {
    const p = confirming().checked(found('failed'));
    p.callback(notification('cancelled'));
    expect(p.commands).toEqual([]);
  });
});

describe('decide: escalate on real conflicts only', () => {
  it('an answer whose sign does not verify is no answer: a later verified answer finishes', () => {
    const p = confirming().checked(badSignature()).checked(badSignature());
    expect(p.state.status).toBe('CONFIRMING');
    expect(p.state.review.escalation).toBeNull();
    p.checked(found('success'));
    expect(p.state.result?.status).toBe('SUCCEEDED');
  });

  it('a final callback queries do not confirm yet is "no answer yet": the confirming query finishes', () => {
    const p = confirming().callback(notification('success'));
    expect(p.commands).toEqual([{ type: 'query' }]);
    p.answered(found('processing'));
    for (let i = 0; i < 10; i++) p.checked(found('processing'));
    expect(p.state.status).toBe('CONFIRMING');
    expect(p.state.review.history).toEqual([]);
    p.checked(found('success'));
    expect(p.state.result?.resolvedBy).toEqual({
      by: 'callback-confirmed-by-query',
      afterEscalation: null,
    });
  });

  it('quick re-checks follow a final callback, then the regular backoff', () => {
    const p = confirming().callback(notification('success')).answered(found('processing'));
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      const before = p.now;
      p.checked(found('processing'));
      delays.push(p.now - before);
    }
    expect(delays.slice(0, 4)).toEqual([5_000, 5_000, 5_000, 5_000]);
    expect(delays[5]).toBeGreaterThan(5_000);
  });

  it('a callback and a query that disagree on the final state are a conflict', () => {
    const p = confirming().callback(notification('success')).answered(found('failed'));
    expect(p.state.review.escalation).toMatchObject({
      reason: 'conflict-callback-query',
      kind: 'conflict',
    });
    p.checked(found('failed'));
    expect(p.state.result).toBeNull();
  });

  it('cancelled versus failed is the same outcome (not paid)', () => {
    const p = confirming().callback(notification('cancelled')).answered(found('failed'));
    expect(p.state.result?.status).toBe('FAILED');
  });

  it('two final callbacks that disagree are a conflict', () => {
    const p = confirming().callback(notification('success')).answered(found('processing'));
    p.callback(notification('failed'));
    expect(p.state.review.escalation?.reason).toBe('conflict-callbacks');
  });

  it('a payout_id that changes between verified answers is a conflict', () => {
    const p = confirming().checked(found('processing', { payoutId: 'POT-OTHER' }));
    expect(p.state.review.escalation?.reason).toBe('conflict-payout-id');
  });

  it('keep-waiting cannot erase a conflict; the result records every escalation passed', () => {
    const p = confirming().callback(notification('success')).answered(found('failed'));
    p.decision({ action: 'keep-waiting', ...OPERATOR, for: '6h' });
    expect(p.refused?.rule).toBe('conflict-needs-confirm');
    p.decision({ action: 'confirm-failed', ...OPERATOR });
    expect(p.state.result?.escalations.map((e) => e.reason)).toEqual(['conflict-callback-query']);
  });

  it('a waiting escalation resolved by a late query keeps its history in the result', () => {
    const p = lostAfterUnknown();
    p.decision({ action: 'keep-waiting', ...OPERATOR, for: '1h' });
    p.checked(found('success'));
    expect(p.state.result?.escalations.map((e) => e.reason)).toEqual([
      'not-found-after-unknown-submit',
    ]);
  });
});

describe('decide: operator decisions checked against the evidence', () => {
  const inReview = () => {
    const p = confirming().checked(found('processing'));
    // Twenty-four hours of "processing": maxPending escalates.
    loop(
      () => p.state.status === 'CONFIRMING',
      () => p.checked(found('processing')),
    );
    return p;
  };

  it('confirm-failed while the gateway says processing needs an override, recorded as such', () => {
    const p = inReview();
    expect(p.state.review.escalation?.reason).toBe('max-pending-exceeded');
    p.decision({ action: 'confirm-failed', ...OPERATOR });
    expect(p.refused?.rule).toBe('contradicts-gateway');
    expect(p.refused?.message).toContain('processing');
    expect(p.state.result).toBeNull();
    p.decision({ action: 'confirm-failed', ...OPERATOR, override: 'bank returned the funds' });
    expect(p.state.result?.resolvedBy).toMatchObject({
      by: 'operator',
      action: 'confirm-failed',
      override: 'bank returned the funds',
    });
  });

  it('confirm-succeeded while the gateway says failed needs an override', () => {
    const p = confirming().callback(notification('success')).answered(found('failed'));
    p.decision({ action: 'confirm-succeeded', ...OPERATOR });
    expect(p.refused?.rule).toBe('contradicts-gateway');
  });

  it('confirm-succeeded while the gateway finds no order needs an override', () => {
    const p = lostAfterUnknown();
    p.decision({ action: 'confirm-succeeded', ...OPERATOR });
    expect(p.refused?.rule).toBe('contradicts-gateway');
    p.decision({ action: 'confirm-failed', ...OPERATOR });
    expect(p.state.result).toMatchObject({ status: 'FAILED' });
  });

  it('a decision while a gateway call runs is refused by decide (the driver holds it back)', () => {
    const p = inReview().tick();
    expect(p.state.busy).toBe('query');
    p.decision({ action: 'confirm-failed', ...OPERATOR, override: 'x' });
    expect(p.refused?.rule).toBe('check-in-progress');
  });

  it('every refused decision is in the evidence and the status, with rule, operator and channel', () => {
    const p = confirming();
    p.decision({ action: 'confirm-failed', ...OPERATOR }, 'signal');
    expect(p.refused?.rule).toBe('only-in-needs-review');
    expect(p.entries('decision')).toEqual([
      expect.objectContaining({
        accepted: false,
        via: 'signal',
        rule: 'only-in-needs-review',
        operatorId: 'op-7',
        action: 'confirm-failed',
      }),
    ]);
    expect(p.state.review.lastRefused).toMatchObject({
      rule: 'only-in-needs-review',
      via: 'signal',
    });
  });

  it('a signal no handler knows is recorded', () => {
    const p = confirming().feed({ type: 'unknown-signal', name: 'operatorDecison' });
    expect(p.entries('unknown-signal')).toEqual([
      expect.objectContaining({ name: 'operatorDecison' }),
    ]);
  });

  it('decisions stay open while a keep-waiting deadline runs', () => {
    const p = lostAfterUnknown();
    p.decision({ action: 'keep-waiting', ...OPERATOR, for: '6h' });
    expect(p.state.status).toBe('CONFIRMING');
    p.checked(notFound());
    p.decision({ action: 'confirm-failed', ...OPERATOR });
    expect(p.refused).toBeUndefined();
    expect(p.state.result?.status).toBe('FAILED');
  });

  it('keep-waiting escalates again when its deadline passes', () => {
    const p = lostAfterUnknown();
    p.decision({ action: 'keep-waiting', ...OPERATOR, for: '1h' });
    p.notFoundWhileConfirming();
    expect(p.state.review.escalation?.reason).toBe('waiting-deadline-passed');
    expect(p.now - T0).toBeLessThan(2 * HOUR);
  });

  it.each([
    ['for: 99999999d', { for: '99999999d' }, 'invalid-input'],
    ['for: 31 days', { for: '31d' }, 'invalid-input'],
    ['until in the past', { until: '2020-01-01T00:00:00Z' }, 'deadline-not-in-future'],
    ['until beyond 30 days', { until: '2030-01-01T00:00:00Z' }, 'deadline-too-far'],
    ['both until and for', { for: '1h', until: '2025-03-02T00:00:00Z' }, 'invalid-input'],
  ])('keep-waiting with %s is refused', (_, extra, rule) => {
    const p = lostAfterUnknown();
    p.decision({ action: 'keep-waiting', ...OPERATOR, ...extra });
    expect(p.refused?.rule).toBe(rule);
    expect(p.state.status).toBe('NEEDS_REVIEW');
  });

  it.each([
    [{ action: 'confirm-failed', operatorId: 'op' }, 'reason: required'],
    [{ action: 'confirm-failed', operatorId: ' ', reason: 'x' }, 'operatorId: must not be empty'],
    [{ action: 'approve', ...OPERATOR }, 'action: one of'],
    [{ action: 'resubmit', ...OPERATOR, for: '1h' }, 'for: not a field of resubmit'],
    [null, '(decision)'],
  ])('a malformed decision %j is refused naming the field', (input, text) => {
    const p = lostAfterUnknown();
    const before = p.state.status;
    p.decision(input);
    expect(p.refused?.rule).toBe('invalid-input');
    expect(p.refused?.message).toContain(text);
    expect(p.state.status).toBe(before);
  });

  it('decisions on a final payout are refused and recorded', () => {
    const p = confirming().checked(found('success'));
    p.decision({ action: 'confirm-failed', ...OPERATOR });
    expect(p.refused?.rule).toBe('payout-final');
    expect(p.state.result?.status).toBe('SUCCEEDED');
  });
});

describe('decide: four-eyes above the configured amount', () => {
  const big = () => {
    const p = new Payout(policyWith({ fourEyesAboveCents: 10_000 })).started().submitted(unknown());
    p.notFoundWhileConfirming();
    return p;
  };

  it('the first confirm waits for a second operator; the same operator twice is refused', () => {
    const p = big();
    p.decision({ action: 'confirm-failed', operatorId: 'alice', reason: 'bank says no' });
    expect(p.refused).toBeUndefined();
    expect(p.state.result).toBeNull();
    expect(p.state.review.pendingConfirm).toMatchObject({
      action: 'confirm-failed',
      operatorId: 'alice',
    });
    p.decision({ action: 'confirm-failed', operatorId: 'alice', reason: 'again' });
    expect(p.refused?.rule).toBe('four-eyes-same-operator');
    p.decision({ action: 'confirm-failed', operatorId: 'bob', reason: 'agreed' });
    expect(p.state.result?.resolvedBy).toMatchObject({
      by: 'operator',
      operatorId: 'alice',
      approvedBy: 'bob',
      action: 'confirm-failed',
    });
  });

  it('a second operator asking for the other outcome replaces the pending confirm', () => {
    const p = big();
    p.decision({ action: 'confirm-failed', operatorId: 'alice', reason: 'x' });
    p.decision({
      action: 'confirm-succeeded',
      operatorId: 'bob',
      reason: 'y',
      override: 'statement',
    });
    expect(p.state.result).toBeNull();
    expect(p.state.review.pendingConfirm).toMatchObject({
      action: 'confirm-succeeded',
      operatorId: 'bob',
    });
  });

  it('at or below the amount, one operator is enough', () => {
    const p = lostAfterUnknown(policyWith({ fourEyesAboveCents: 50_000 }));
    p.decision({ action: 'confirm-failed', ...OPERATOR });
    expect(p.state.result?.resolvedBy).toMatchObject({ approvedBy: null });
  });
});

describe('decide: a check on request', () => {
  it('runs a status query now, and is recorded with the operator', () => {
    const p = confirming().feed({ type: 'check-requested', operatorId: 'alice' });
    expect(p.commands).toEqual([{ type: 'query' }]);
    expect(p.entries('check-requested')).toEqual([
      expect.objectContaining({ operatorId: 'alice' }),
    ]);
  });

  it('while a query runs, that query is the check', () => {
    const p = confirming().tick().feed({ type: 'check-requested', operatorId: 'alice' });
    expect(p.commands).toEqual([]);
  });
});

describe('decide: the workflow trusts only what it made', () => {
  it('one callback replayed 210 times costs a counter, not evidence', () => {
    const p = confirming().callback(notification('processing'));
    const entries = p.state.evidence.total;
    for (let i = 0; i < 209; i++) p.callback(notification('processing'));
    expect(p.state.evidence.total).toBe(entries);
    expect(p.state.gateway.callbacks['POT1:2']).toBe(210);
  });

  it('repeated identical answers fold into one entry with a count', () => {
    const p = lostAfterUnknown();
    const notFoundEntries = p.entries('query').filter((e) => e.purpose === 'check');
    expect(notFoundEntries).toHaveLength(1);
    expect(notFoundEntries[0]?.count).toBeGreaterThan(5);
    expect(notFoundEntries[0]?.lastAt).toBeDefined();
  });

  it('an unusable callback payload is recorded and ignored', () => {
    const p = confirming().callback({ payoutId: 'POT1', state: 'success' });
    expect(p.entries('callback-invalid')[0]?.issues.join(' ')).toContain('payoutClId');
    expect(p.state.gateway.orderSeen).toBe(false);
  });

  it('a signed callback for another amount is a conflict', () => {
    const p = confirming().callback(notification('success', { amountCents: 1 }));
    expect(p.state.review.escalation?.reason).toBe('conflict-mismatch');
  });
});

describe('decide: cancellation', () => {
  it('a cancel request during confirmation: NEEDS_REVIEW, checks go on, a verified final ends it', () => {
    const p = confirming().feed({ type: 'cancel-requested' });
    expect(p.state.status).toBe('NEEDS_REVIEW');
    expect(p.state.review.escalation?.reason).toBe('cancel-requested');
    expect(p.state.review.escalation?.detail).toContain('may still pay');
    p.checked(found('processing')).checked(found('success'));
    expect(p.state.result?.status).toBe('SUCCEEDED');
  });

  it('a cancel request before any create was sent: none is sent afterwards', () => {
    const p = new Payout().started().submitted(unanswered()).feed({ type: 'cancel-requested' });
    p.tick();
    expect(p.commands).toEqual([{ type: 'query' }]);
    expect(p.state.review.escalation?.detail).toContain('none will be sent');
  });
});

describe('decide: schedule and evidence', () => {
  it('the backoff doubles up to 10 minutes, and jitter only shortens it', () => {
    const p = confirming();
    const delays: number[] = [];
    for (let i = 0; i < 10; i++) {
      const before = p.now;
      p.checked(found('processing'));
      delays.push(p.now - before);
    }
    expect(delays.slice(0, 5)).toEqual([5_000, 10_000, 20_000, 40_000, 80_000]);
    expect(Math.max(...delays)).toBe(600_000);
    const jittered = new Payout()
      .started()
      .feed({ type: 'submit-outcome', origin: 'initial', result: sent(accepted()), random: 0.99 });
    const delay = (jittered.state.checks.nextAt ?? 0) - jittered.now;
    expect(delay).toBeGreaterThanOrEqual(4_000);
    expect(delay).toBeLessThan(5_000);
  });

  it('a check is never scheduled past the not-found grace', () => {
    const p = new Payout().started().submitted(unknown());
    let last = p.now;
    while (p.state.status === 'CONFIRMING') {
      p.checked(notFound());
      last = p.now;
    }
    // The escalating answer came at the grace's end, not a backoff step later.
    expect(last - (T0 + 5 * SECOND)).toBe(10 * MINUTE);
  });

  it('continue-as-new is recorded and counted', () => {
    const p = confirming().feed({ type: 'continue-as-new' });
    expect(p.state.run).toBe(1);
    expect(p.entries('continued-as-new')).toHaveLength(1);
  });

  it('the evidence keeps the first and the latest entries and counts the dropped ones', () => {
    const p = new Payout(policyWith({ evidenceHead: 2, evidenceTail: 3 }))
      .started()
      .submitted(accepted());
    for (let i = 0; i < 10; i++) p.checked(i % 2 === 0 ? found('pending') : found('processing'));
    const { entries, dropped, total } = p.state.evidence;
    expect(entries).toHaveLength(5);
    expect(entries.length + dropped).toBe(total);
    expect(entries[0]?.seq).toBe(1);
  });
});
