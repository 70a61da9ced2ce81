/**
 * End to end: operator decisions on payouts in NEEDS_REVIEW, through the client library (an
 * update, answered at once) and as a raw signal (fire-and-forget). Valid decisions resolve the
 * payout; invalid ones are refused by name and change nothing.
 */
import { describe, it } from 'vitest';
import { DecisionRejectedError, type OperatorDecisionInput } from '../../src/client/index.js';
import type { RuleInput } from '../../src/sandbox/scenario.js';
import { operatorDecisionSignal } from '../../workflows/api.js';
import type { PayoutStatusView } from '../../workflows/api.js';
import { useE2e, type E2e } from './harness.js';
import {
  createCounts,
  entriesOf,
  eventually,
  waitForStatus,
  evidenceOf,
  sentCreates,
  staysProcessing,
} from './support.js';

const RESUBMIT_RULE = 'the first create of RESUB- orders is lost';
const RULES: RuleInput[] = [
  {
    name: RESUBMIT_RULE,
    match: { payoutClIdPrefix: 'RESUB-' },
    scenario: { create: { kind: 'lost' } },
  },
  staysProcessing('STUCK-'),
];

const e2e = useE2e({ name: 'decisions', rules: RULES });
const OPERATOR = { operatorId: 'ops-alice', reason: 'checked with the gateway support desk' };
/** Review checks 30 s apart: nothing moves the payout while the test looks. */
const QUIET_REVIEW = { reviewCheckInterval: '30s' } as const;

/** A payout in NEEDS_REVIEW: its create was lost, the gateway has no order. */
async function inReview(x: E2e): Promise<PayoutStatusView> {
  const request = x.request('DEMO-LOST-');
  await x.start(request, QUIET_REVIEW);
  const view = await waitForStatus(x, request.merchantOrderId, 'NEEDS_REVIEW');
  if (view.escalation?.reason !== 'not-found-after-unknown-submit') {
    throw new Error(`unexpected escalation ${JSON.stringify(view.escalation)}`);
  }
  return view;
}

/** Sends a decision as the Web UI or CLI would: a signal straight to the workflow. */
async function signal(x: E2e, merchantOrderId: string, decision: unknown): Promise<void> {
  await x.handle(merchantOrderId).signal(operatorDecisionSignal, decision as OperatorDecisionInput);
}

describe.concurrent('operator decisions', () => {
  it('confirm-failed through the client library: FAILED, resolved by the operator', async ({
    expect,
  }) => {
    const { payouts, sandbox } = e2e();
    const { merchantOrderId } = await inReview(e2e());
    const receipt = await payouts.resolvePayout(merchantOrderId, {
      action: 'confirm-failed',
      ...OPERATOR,
    });
    expect(receipt).toEqual({ accepted: true, action: 'confirm-failed', status: 'FAILED' });

    const result = await payouts.waitForPayout(merchantOrderId, { timeoutMs: 10_000 });
    const evidence = await evidenceOf(e2e(), merchantOrderId);
    expect(result).toMatchObject({
      status: 'FAILED',
      resolvedBy: { by: 'operator', action: 'confirm-failed', ...OPERATOR },
    });
    expect(entriesOf(evidence, 'decision')).toMatchObject([
      { via: 'update', accepted: true, decision: { action: 'confirm-failed', ...OPERATOR } },
    ]);
    expect(createCounts(sandbox, merchantOrderId)).toEqual({ calls: 1, created: 0 });

    // A final payout takes no further decision.
    await expect(
      payouts.resolvePayout(merchantOrderId, { action: 'confirm-succeeded', ...OPERATOR }),
    ).rejects.toMatchObject({ name: 'DecisionRejectedError', rule: 'payout-final' });
    expect(await payouts.waitForPayout(merchantOrderId)).toEqual(result);
  });

  it('confirm-failed as a raw signal: FAILED, resolved by the operator', async ({ expect }) => {
    const { payouts } = e2e();
    const { merchantOrderId } = await inReview(e2e());
    await signal(e2e(), merchantOrderId, { action: 'confirm-failed', ...OPERATOR });

    const result = await payouts.waitForPayout(merchantOrderId, { timeoutMs: 10_000 });
    const evidence = await evidenceOf(e2e(), merchantOrderId);
    expect(result).toMatchObject({
      status: 'FAILED',
      resolvedBy: { by: 'operator', action: 'confirm-failed', ...OPERATOR },
    });
    expect(entriesOf(evidence, 'decision')).toMatchObject([{ via: 'signal', accepted: true }]);
  });

  it('an invalid decision is refused by the update, by rule, and changes nothing', async ({
    expect,
  }) => {
    const { payouts } = e2e();
    // In review, but without a reason.
    const review = await inReview(e2e());
    const noReason = payouts.resolvePayout(review.merchantOrderId, {
      action: 'confirm-succeeded',
      operatorId: 'ops-alice',
    } as OperatorDecisionInput);
    await expect(noReason).rejects.toBeInstanceOf(DecisionRejectedError);
    await expect(noReason).rejects.toMatchObject({
      code: 'ERR_DECISION_REJECTED',
      rule: 'invalid-input',
      message: expect.stringContaining('reason') as string,
    });
    // Refused: nothing changed but the record of the refusal.
    expect(await payouts.getPayout(review.merchantOrderId)).toMatchObject({
      status: 'NEEDS_REVIEW',
      escalation: review.escalation,
      resolution: null,
      lastRefusedDecision: { rule: 'invalid-input', via: 'update', operatorId: 'ops-alice' },
    });

    // Valid, but the payout is still confirming on its own (its next check is 30 s away).
    const confirming = e2e().request('STUCK-');
    await e2e().start(confirming, { firstCheckDelay: '30s', maxCheckDelay: '30s' });
    const before = await waitForStatus(e2e(), confirming.merchantOrderId, 'CONFIRMING');
    const early = payouts.resolvePayout(confirming.merchantOrderId, {
      action: 'confirm-succeeded',
      ...OPERATOR,
    });
    await expect(early).rejects.toMatchObject({
      name: 'DecisionRejectedError',
      rule: 'only-in-needs-review',
    });
    expect(await payouts.getPayout(confirming.merchantOrderId)).toMatchObject({
      status: before.status,
      nextCheckAt: before.nextCheckAt,
      lastRefusedDecision: { rule: 'only-in-needs-review' },
    });
  });

  it('the same invalid decisions as signals are visible as lastRefusedDecision', async ({
    expect,
  }) => {
    const { payouts } = e2e();
    const review = await inReview(e2e());
    await signal(e2e(), review.merchantOrderId, {
      action: 'confirm-succeeded',
      operatorId: 'ops-bob',
    });
    const refused = await eventually('the refusal to show', async () => {
      const view = await payouts.getPayout(review.merchantOrderId);
      return view.lastRefusedDecision !== null ? view : undefined;
    });
    expect(refused.lastRefusedDecision).toMatchObject({
      rule: 'invalid-input',
      action: 'confirm-succeeded',
      operatorId: 'ops-bob',
    });
    expect(refused.lastRefusedDecision?.message).toContain('reason');
    expect(refused).toMatchObject({
      status: 'NEEDS_REVIEW',
      escalation: review.escalation,
      resolution: null,
    });
    expect(entriesOf(refused.evidence, 'decision')).toMatchObject([
      { via: 'signal', accepted: false, rule: 'invalid-input' },
    ]);

    const confirming = e2e().request('STUCK-');
    await e2e().start(confirming, { firstCheckDelay: '30s', maxCheckDelay: '30s' });
    await waitForStatus(e2e(), confirming.merchantOrderId, 'CONFIRMING');
    await signal(e2e(), confirming.merchantOrderId, { action: 'confirm-succeeded', ...OPERATOR });
    const stillConfirming = await eventually('the refusal to show', async () => {
      const view = await payouts.getPayout(confirming.merchantOrderId);
      return view.lastRefusedDecision !== null ? view : undefined;
    });
    expect(stillConfirming).toMatchObject({
      status: 'CONFIRMING',
      resolution: null,
      lastRefusedDecision: { rule: 'only-in-needs-review', operatorId: OPERATOR.operatorId },
    });
  });

  it('resubmit on a lost order: a second create, then SUCCEEDED', async ({ expect }) => {
    const { payouts, sandbox } = e2e();
    const request = e2e().request('RESUB-');
    await e2e().start(request, { notFoundGrace: '2s', ...QUIET_REVIEW });
    const review = await waitForStatus(e2e(), request.merchantOrderId, 'NEEDS_REVIEW');
    expect(review.escalation?.reason).toBe('not-found-after-unknown-submit');
    expect(createCounts(sandbox, request.merchantOrderId)).toEqual({ calls: 1, created: 0 });

    // The gateway works again for this order.
    sandbox.setRules(sandbox.rules().filter((rule) => rule.name !== RESUBMIT_RULE));
    const receipt = await payouts.resolvePayout(request.merchantOrderId, {
      action: 'resubmit',
      ...OPERATOR,
    });
    expect(receipt).toEqual({ accepted: true, action: 'resubmit', status: 'SUBMITTING' });
    const result = await payouts.waitForPayout(request.merchantOrderId, { timeoutMs: 15_000 });
    const evidence = await evidenceOf(e2e(), request.merchantOrderId);

    const record = sandbox.record(request.merchantOrderId);
    expect(record.creates.map((c) => [c.created, c.outcome])).toEqual([
      [false, 'lost'],
      [true, '0000'],
    ]);
    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      payoutId: record.creates[1]?.payoutId,
      resolvedBy: { afterEscalation: null },
    });
    expect(['query', 'callback-confirmed-by-query']).toContain(result.resolvedBy.by);
    const submits = sentCreates(evidence);
    expect(submits.map((s) => [s.origin, s.outcome.kind])).toEqual([
      ['initial', 'unknown'],
      ['operator-resubmit', 'accepted'],
    ]);
    const decision = entriesOf(evidence, 'decision')[0];
    expect(decision).toMatchObject({ accepted: true, decision: { action: 'resubmit' } });
    expect(submits[1]?.seq).toBeGreaterThan(decision?.seq ?? Infinity);
    expect((await payouts.getPayout(request.merchantOrderId)).creates).toBe(2);
  });

  it('keep-waiting moves the deadline', async ({ expect }) => {
    const { payouts, sandbox } = e2e();
    const request = e2e().request('STUCK-');
    await e2e().start(request, { maxPending: '1500ms' });
    const first = await waitForStatus(e2e(), request.merchantOrderId, 'NEEDS_REVIEW');
    expect(first.escalation?.reason).toBe('max-pending-exceeded');

    const decidedAt = Date.now();
    const receipt = await payouts.resolvePayout(request.merchantOrderId, {
      action: 'keep-waiting',
      for: '2s',
      ...OPERATOR,
    });
    expect(receipt).toEqual({ accepted: true, action: 'keep-waiting', status: 'CONFIRMING' });
    const waiting = await payouts.getPayout(request.merchantOrderId);
    expect(waiting).toMatchObject({ status: 'CONFIRMING', escalation: null });
    const until = Date.parse(waiting.waitingUntil ?? '');
    expect(until).toBeGreaterThanOrEqual(decidedAt + 1_500);
    expect(until).toBeLessThanOrEqual(Date.now() + 2_500);

    // Past the new deadline, still not final: back to a person, for that reason.
    const again = await waitForStatus(e2e(), request.merchantOrderId, 'NEEDS_REVIEW');
    expect(again.escalation?.reason).toBe('waiting-deadline-passed');
    expect(Date.parse(again.escalation?.at ?? '')).toBeGreaterThanOrEqual(until);

    sandbox.forceStatus(request.merchantOrderId, 'success');
    const result = await payouts.waitForPayout(request.merchantOrderId, { timeoutMs: 15_000 });
    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      resolvedBy: { afterEscalation: 'waiting-deadline-passed' },
    });
  });
});
