import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PayoutNotification } from '../../src/gateway/types.js';
import {
  PAYOUT_WORKFLOW_TYPE,
  operatorDecisionSignal,
  operatorDecisionUpdate,
  payoutCallbackSignal,
  payoutStatusQuery,
  payoutWorkflowId,
} from '../../workflows/definitions.js';
import type { payoutWorkflow } from '../../workflows/payout.js';
import {
  MerchantOrderIdKey,
  payoutStartSearchAttributes,
} from '../../workflows/search-attributes.js';
import type { GatewayPayoutState } from '../../src/gateway/types.js';
import type { PayoutStatusView } from '../../workflows/types.js';
import { startTimeSkippingEnv } from '../support/temporal.js';
import {
  OPERATOR,
  accepted,
  found,
  notFound,
  notification,
  rejected,
  unknown,
} from './decide-fixtures.js';
import {
  Harness,
  PLATFORM_ID,
  ScriptedGateway,
  newRequest,
  prepareWorkflows,
  registerSearchAttributes,
  type PayoutHandle,
  type TestContext,
} from './payout-harness.js';

let env: TestWorkflowEnvironment;
let harness: Harness;

beforeAll(async () => {
  const { workflowBundle } = await prepareWorkflows();
  env = await startTimeSkippingEnv();
  await registerSearchAttributes(env);
  harness = new Harness(env, workflowBundle);
});
afterAll(async () => {
  await env?.teardown();
});

/** A verified callback about the payout behind `handle` (its merchant order id). */
const callbackFor = (handle: PayoutHandle, state: GatewayPayoutState) =>
  notification(state, { payoutClId: handle.workflowId.split(':')[2]! });
const kinds = (s: { evidence: PayoutStatusView['evidence'] }) =>
  s.evidence.entries.map((e) => e.kind);
const inReview = (s: PayoutStatusView) => s.status === 'NEEDS_REVIEW';
const confirming = (s: PayoutStatusView) => s.status === 'CONFIRMING';
/** A check an hour away, so only what the test does moves the payout. */
const QUIET = { firstCheckDelay: '1h', maxCheckDelay: '1h' } as const;
/** Pending for at most an hour, checked every few minutes: few steps to skip through. */
const SHORT_PENDING = { maxPending: '1h', firstCheckDelay: '5m', maxCheckDelay: '30m' } as const;

/** Brings a payout to NEEDS_REVIEW: the order stays not found after an unknown submit. */
async function lost(ctx: TestContext, gateway: ScriptedGateway): Promise<PayoutHandle> {
  const handle = await ctx.start();
  await ctx.advanceUntil(handle, inReview, 'NEEDS_REVIEW');
  expect(gateway.submits).toHaveLength(1);
  return handle;
}

describe('payoutWorkflow: confirmation', () => {
  it('happy path: accepted, confirmed by a query, exactly one submit', async () => {
    const gateway = new ScriptedGateway(
      [accepted('POT1')],
      [found('processing'), found('success')],
    );
    await harness.run(gateway, async (ctx) => {
      const request = newRequest();
      const handle = await ctx.start(request);
      const result = await ctx.finish(handle);
      expect(result).toMatchObject({
        status: 'SUCCEEDED',
        merchantOrderId: request.merchantOrderId,
        platformId: 'PF0002',
        payoutId: 'POT1',
        gatewayState: 'success',
        resolvedBy: { by: 'query', afterEscalation: null },
      });
      expect(gateway.submits).toEqual([{ request, origin: 'initial' }]);
      expect(gateway.queries).toBe(2);
      expect(kinds(result)).toEqual(['submit', 'status', 'query', 'query', 'status']);
      expect(await ctx.payoutStatusAttribute(handle)).toBe('SUCCEEDED');
      const described = await handle.describe();
      expect(described.typedSearchAttributes.get(MerchantOrderIdKey)).toBe(request.merchantOrderId);
    });
  });

  it.each([
    ['success', 'SUCCEEDED'],
    ['failed', 'FAILED'],
  ] as const)(
    'an unknown submit confirmed as %s ends %s with one submit',
    async (state, status) => {
      const gateway = new ScriptedGateway(
        [unknown()],
        [notFound(), found('processing'), found(state)],
      );
      await harness.run(gateway, async (ctx) => {
        const result = await ctx.finish(await ctx.start());
        expect(result).toMatchObject({ status, payoutId: 'POT1', resolvedBy: { by: 'query' } });
        expect(gateway.submits).toHaveLength(1);
        expect(gateway.queries).toBe(3);
      });
    },
  );

  it.each([
    ['throws', 'throw', {}],
    ['times out', 'hang', { submitTimeout: '200ms', submitScheduleToCloseTimeout: '1s' }],
  ] as const)(
    'a submit activity that %s is unknown: never retried, confirmed by a query',
    async (_, step, policy) => {
      const gateway = new ScriptedGateway([step], [found('success')]);
      await harness.run(gateway, async (ctx) => {
        const result = await (await ctx.start(newRequest(), policy)).result();
        expect(result.status).toBe('SUCCEEDED');
        expect(gateway.submits).toHaveLength(1);
        expect(result.evidence.entries[0]).toMatchObject({
          kind: 'submit-failed',
          origin: 'initial',
        });
      });
    },
  );

  it('a rejection confirmed by a not-found query ends REJECTED', async () => {
    const gateway = new ScriptedGateway([rejected()], [notFound()]);
    await harness.run(gateway, async (ctx) => {
      const result = await ctx.finish(await ctx.start());
      expect(result).toMatchObject({
        status: 'REJECTED',
        payoutId: null,
        resolvedBy: { by: 'query' },
      });
      expect(gateway.queries).toBe(1);
    });
  });

  it('a rejection whose order exists after all is followed', async () => {
    const gateway = new ScriptedGateway([rejected()], [found('pending'), found('success')]);
    await harness.run(gateway, async (ctx) => {
      const result = await ctx.finish(await ctx.start());
      expect(result).toMatchObject({ status: 'SUCCEEDED', payoutId: 'POT1' });
    });
  });

  it('query failures are evidence and the loop goes on', async () => {
    const gateway = new ScriptedGateway([accepted()], ['throw', 'throw', found('success')]);
    await harness.run(gateway, async (ctx) => {
      const policy = { queryMaxAttempts: 1, queryRetryInterval: '10ms' };
      const result = await (await ctx.start(newRequest(), policy)).result();
      expect(result.status).toBe('SUCCEEDED');
      expect(kinds(result)).toEqual([
        'submit',
        'status',
        'query-failed',
        'query-failed',
        'query',
        'status',
      ]);
    });
  });
});

describe('payoutWorkflow: callbacks', () => {
  it('a callback finalizes early, confirmed by a query; the status query has the documented shape', async () => {
    const gateway = new ScriptedGateway([accepted()], [found('success')]);
    await harness.run(gateway, async (ctx) => {
      const handle = await ctx.start(newRequest(), QUIET);
      const status = await ctx.waitFor(handle, confirming, 'CONFIRMING');
      expect(Object.keys(status).sort()).toEqual(
        [
          'amountCents',
          'checks',
          'escalation',
          'evidence',
          'gatewayState',
          'gatewayStatusCode',
          'lastRejectedDecision',
          'merchantOrderId',
          'nextCheckAt',
          'payoutId',
          'platformId',
          'resolution',
          'run',
          'status',
          'submits',
          'waitingUntil',
        ].sort(),
      );
      expect(status).toMatchObject({ payoutId: 'POT1', submits: 1, checks: 0, escalation: null });
      // An hour, shortened by up to 20% of jitter.
      const delay = Date.parse(status.nextCheckAt!) - Date.parse(status.evidence.entries[0]!.at);
      expect(delay).toBeGreaterThan(0.8 * 3_600_000);
      expect(delay).toBeLessThanOrEqual(3_600_000);
      expect(await ctx.payoutStatusAttribute(handle)).toBe('CONFIRMING');

      await handle.signal(payoutCallbackSignal, callbackFor(handle, 'success'));
      const result = await ctx.finish(handle);
      expect(result.resolvedBy).toEqual({
        by: 'callback-confirmed-by-query',
        afterEscalation: null,
      });
      expect(gateway.queries).toBe(1);
      const submittedAt = Date.parse(result.evidence.entries[0]!.at);
      expect(Date.parse(result.resolvedAt) - submittedAt).toBeLessThan(60_000);
    });
  });

  it('a callback sent with the start (signal-with-start) does not hold the submit back', async () => {
    const gateway = new ScriptedGateway([accepted()], [found('success')]);
    await harness.run(gateway, async (ctx) => {
      const request = newRequest();
      const handle = await ctx.env.client.workflow.signalWithStart<
        typeof payoutWorkflow,
        [PayoutNotification]
      >(PAYOUT_WORKFLOW_TYPE, {
        taskQueue: ctx.taskQueue,
        workflowId: payoutWorkflowId(PLATFORM_ID, request.merchantOrderId),
        args: [{ request, platformId: PLATFORM_ID }],
        typedSearchAttributes: payoutStartSearchAttributes(request, PLATFORM_ID),
        signal: payoutCallbackSignal,
        signalArgs: [notification('success', { payoutClId: request.merchantOrderId })],
      });
      const result = await handle.result();
      expect(result.resolvedBy.by).toBe('callback-confirmed-by-query');
      expect(gateway.submits).toHaveLength(1);
      // The callback was applied while the submit ran; the submit still happened, once.
      expect(kinds(result).slice(0, 2)).toEqual(['callback', 'submit']);
    });
  });

  it('duplicate callbacks change nothing; a late one cannot reach a finished payout', async () => {
    const gateway = new ScriptedGateway([accepted()], [found('processing')]);
    await harness.run(gateway, async (ctx) => {
      const handle = await ctx.start(newRequest(), QUIET);
      await ctx.waitFor(handle, confirming, 'CONFIRMING');
      await handle.signal(payoutCallbackSignal, callbackFor(handle, 'processing'));
      await ctx.waitFor(handle, (s) => s.checks === 1, 'the confirming query');
      await handle.signal(payoutCallbackSignal, callbackFor(handle, 'processing'));
      const after = await ctx.waitFor(
        handle,
        (s) => s.evidence.entries.some((e) => e.kind === 'callback' && e.note === 'duplicate'),
        'the duplicate',
      );
      expect(after.checks).toBe(1);
      expect(after.evidence.entries.at(-1)).toMatchObject({ kind: 'callback', note: 'duplicate' });

      gateway.answer(found('success'));
      await handle.signal(payoutCallbackSignal, callbackFor(handle, 'success'));
      const result = await ctx.finish(handle);
      expect(result.resolvedBy.by).toBe('callback-confirmed-by-query');
      expect(gateway.queries).toBe(2);
      const notes = result.evidence.entries.flatMap((e) => (e.kind === 'callback' ? [e.note] : []));
      expect(notes).toEqual(['new', 'duplicate', 'new']);
      await expect(
        handle.signal(payoutCallbackSignal, callbackFor(handle, 'failed')),
      ).rejects.toThrow(/completed/i);
    });
  });
});

describe('payoutWorkflow: escalation', () => {
  it.each([
    [
      'not found after an unknown submit',
      [unknown()],
      [notFound()],
      {},
      'not-found-after-unknown-submit',
    ],
    [
      'not found after an accepted submit',
      [accepted()],
      [notFound()],
      {},
      'not-found-after-accepted-submit',
    ],
    [
      'non-final beyond maxPending',
      [accepted()],
      [found('processing')],
      SHORT_PENDING,
      'max-pending-exceeded',
    ],
    ['an unknown status code', [accepted()], [found('unknown-status')], {}, 'unknown-status'],
    [
      'a bad signature',
      [accepted()],
      [{ kind: 'bad-signature', detail: 'sign' }],
      {},
      'conflict-bad-signature',
    ],
    [
      'an amount mismatch',
      [accepted()],
      [{ kind: 'mismatch', field: 'amount', expected: '50000', actual: '1' }],
      {},
      'conflict-mismatch',
    ],
    [
      'a status going backwards',
      [accepted()],
      [found('processing'), found('pending')],
      {},
      'conflict-status-regressed',
    ],
  ] as const)('%s escalates to NEEDS_REVIEW', async (_, submits, queries, policy, reason) => {
    const gateway = new ScriptedGateway([...submits], [...queries]);
    await harness.run(gateway, async (ctx) => {
      const handle = await ctx.start(newRequest(), policy);
      const status = await ctx.advanceUntil(handle, inReview, 'NEEDS_REVIEW');
      expect(status.escalation).toMatchObject({
        reason,
        kind: reason.startsWith('conflict') ? 'conflict' : 'no-answer',
      });
      expect(await ctx.payoutStatusAttribute(handle)).toBe('NEEDS_REVIEW');
      expect(status.nextCheckAt).not.toBeNull();
    });
  });

  it('a final callback contradicted by the query escalates as a conflict', async () => {
    const gateway = new ScriptedGateway([accepted()], [found('failed')]);
    await harness.run(gateway, async (ctx) => {
      const handle = await ctx.start(newRequest(), QUIET);
      await ctx.waitFor(handle, confirming, 'CONFIRMING');
      await handle.signal(payoutCallbackSignal, callbackFor(handle, 'success'));
      const status = await ctx.waitFor(handle, inReview, 'NEEDS_REVIEW');
      expect(status.escalation?.reason).toBe('conflict-callback-query');
    });
  });

  it('a "no answer yet" escalation keeps polling, and a late final status resolves it', async () => {
    const gateway = new ScriptedGateway([accepted()], [found('processing')]);
    await harness.run(gateway, async (ctx) => {
      const handle = await ctx.start(newRequest(), SHORT_PENDING);
      await ctx.advanceUntil(handle, inReview, 'NEEDS_REVIEW');
      gateway.answer(found('success'));
      const result = await ctx.finish(handle);
      expect(result).toMatchObject({
        status: 'SUCCEEDED',
        resolvedBy: { by: 'query', afterEscalation: 'max-pending-exceeded' },
      });
    });
  });

  it('a conflict is never resolved by queries; an operator signal resolves it', async () => {
    const gateway = new ScriptedGateway([accepted()], [{ kind: 'bad-signature', detail: 'sign' }]);
    await harness.run(gateway, async (ctx) => {
      const handle = await ctx.start();
      const escalated = await ctx.advanceUntil(handle, inReview, 'NEEDS_REVIEW');
      gateway.answer(found('success'));
      const later = await ctx.advanceUntil(
        handle,
        (s) => s.checks >= escalated.checks + 3,
        'more checks',
      );
      expect(later.status).toBe('NEEDS_REVIEW');
      expect(later.gatewayState).toBe('success');

      await handle.signal(operatorDecisionSignal, { action: 'confirm-succeeded', ...OPERATOR });
      const result = await ctx.finish(handle);
      expect(result.resolvedBy).toEqual({
        by: 'operator',
        operatorId: OPERATOR.operatorId,
        reason: OPERATOR.reason,
        action: 'confirm-succeeded',
      });
    });
  });
});

describe('payoutWorkflow: operator decisions', () => {
  /** The failure an update was refused with. */
  async function refusal(promise: Promise<unknown>): Promise<ApplicationFailure> {
    const err: unknown = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('InvalidOperatorDecision');
    return cause as ApplicationFailure;
  }

  it('an update outside NEEDS_REVIEW is refused at once and changes nothing', async () => {
    const gateway = new ScriptedGateway([accepted()], [found('processing')]);
    await harness.run(gateway, async (ctx) => {
      const handle = await ctx.start(newRequest(), QUIET);
      const before = await ctx.waitFor(handle, confirming, 'CONFIRMING');
      const failure = await refusal(
        handle.executeUpdate(operatorDecisionUpdate, {
          args: [{ action: 'confirm-failed', ...OPERATOR }],
        }),
      );
      expect(failure.message).toMatch(/^only-in-needs-review: .*CONFIRMING/);
      expect(await handle.query(payoutStatusQuery)).toEqual(before);
    });
  });

  it('an invalid signal is recorded as rejected, visibly, and changes nothing else', async () => {
    const gateway = new ScriptedGateway([unknown()], [notFound()]);
    await harness.run(gateway, async (ctx) => {
      const handle = await lost(ctx, gateway);
      await handle.signal(operatorDecisionSignal, {
        action: 'confirm-failed',
        operatorId: 'op-7',
        reason: '',
      });
      const status = await ctx.waitFor(
        handle,
        (s) => s.lastRejectedDecision !== null,
        'the refusal',
      );
      expect(status.status).toBe('NEEDS_REVIEW');
      expect(status.lastRejectedDecision).toMatchObject({
        rule: 'invalid-input',
        operatorId: 'op-7',
        action: 'confirm-failed',
        message: expect.stringContaining('reason: must not be empty') as unknown,
      });
      expect(status.evidence.entries.at(-1)).toMatchObject({
        kind: 'decision',
        via: 'signal',
        accepted: false,
      });
    });
  });

  it('confirm-failed by update answers with a receipt and ends FAILED', async () => {
    const gateway = new ScriptedGateway([accepted()], [found('unknown-status')]);
    await harness.run(gateway, async (ctx) => {
      const handle = await ctx.start();
      await ctx.advanceUntil(handle, inReview, 'NEEDS_REVIEW');
      const failure = await refusal(
        handle.executeUpdate(operatorDecisionUpdate, {
          args: [{ action: 'confirm-failed', operatorId: 'op-7' } as never],
        }),
      );
      expect(failure.message).toMatch(/^invalid-input: reason: required/);
      const receipt = await handle.executeUpdate(operatorDecisionUpdate, {
        args: [{ action: 'confirm-failed', ...OPERATOR }],
      });
      expect(receipt).toEqual({ accepted: true, action: 'confirm-failed', status: 'FAILED' });
      const result = await ctx.finish(handle);
      expect(result).toMatchObject({
        status: 'FAILED',
        resolvedBy: { by: 'operator', operatorId: 'op-7' },
      });
    });
  });

  it('resubmit while no order exists submits once more with the same order id, then confirms', async () => {
    const gateway = new ScriptedGateway([unknown(), accepted('POT7')], [notFound()]);
    await harness.run(gateway, async (ctx) => {
      const handle = await lost(ctx, gateway);
      gateway.answer(found('success', { payoutId: 'POT7' }));
      const receipt = await handle.executeUpdate(operatorDecisionUpdate, {
        args: [{ action: 'resubmit', ...OPERATOR }],
      });
      expect(receipt).toEqual({ accepted: true, action: 'resubmit', status: 'SUBMITTING' });
      const result = await ctx.finish(handle);
      expect(result).toMatchObject({ status: 'SUCCEEDED', payoutId: 'POT7' });
      expect(gateway.submits.map((s) => s.origin)).toEqual(['initial', 'operator-resubmit']);
      expect(gateway.submits[1]!.request).toEqual(gateway.submits[0]!.request);
    });
  });

  it('resubmit is refused once the gateway has reported the order', async () => {
    const gateway = new ScriptedGateway([accepted()], [found('unknown-status')]);
    await harness.run(gateway, async (ctx) => {
      const handle = await ctx.start();
      await ctx.advanceUntil(handle, inReview, 'NEEDS_REVIEW');
      const failure = await refusal(
        handle.executeUpdate(operatorDecisionUpdate, {
          args: [{ action: 'resubmit', ...OPERATOR }],
        }),
      );
      expect(failure.message).toMatch(/^resubmit-order-seen: /);
      await handle.signal(operatorDecisionSignal, { action: 'resubmit', ...OPERATOR });
      const status = await ctx.waitFor(
        handle,
        (s) => s.lastRejectedDecision !== null,
        'the refusal',
      );
      expect(status.lastRejectedDecision?.rule).toBe('resubmit-order-seen');
      expect(gateway.submits).toHaveLength(1);
    });
  });

  it('keep-waiting goes back to confirming until its deadline, then escalates again', async () => {
    const gateway = new ScriptedGateway([accepted()], [found('processing')]);
    await harness.run(gateway, async (ctx) => {
      const handle = await ctx.start(newRequest(), SHORT_PENDING);
      await ctx.advanceUntil(handle, inReview, 'NEEDS_REVIEW');
      const past = await refusal(
        handle.executeUpdate(operatorDecisionUpdate, {
          args: [{ action: 'keep-waiting', ...OPERATOR, until: '2001-01-01T00:00:00Z' }],
        }),
      );
      expect(past.message).toMatch(/^deadline-not-in-future: /);
      const receipt = await handle.executeUpdate(operatorDecisionUpdate, {
        args: [{ action: 'keep-waiting', ...OPERATOR, for: '3h' }],
      });
      expect(receipt.status).toBe('CONFIRMING');
      const waiting = await handle.query(payoutStatusQuery);
      expect(waiting).toMatchObject({ status: 'CONFIRMING', escalation: null });
      expect(await ctx.payoutStatusAttribute(handle)).toBe('CONFIRMING');
      const deadline = Date.parse(waiting.waitingUntil!);
      const again = await ctx.advanceUntil(handle, inReview, 'NEEDS_REVIEW again');
      expect(again.escalation?.reason).toBe('waiting-deadline-passed');
      const lastCheck = again.evidence.entries.filter((e) => e.kind === 'query').at(-1)!;
      // The last check ran at the deadline (plus the real milliseconds the activity took).
      expect(Date.parse(lastCheck.at)).toBeGreaterThanOrEqual(deadline);
      expect(Date.parse(lastCheck.at)).toBeLessThan(deadline + 5_000);
    });
  });
});

describe('payoutWorkflow: input', () => {
  it('an invalid input fails the workflow, non-retryable, naming the fields', async () => {
    const gateway = new ScriptedGateway([], []);
    await harness.run(gateway, async (ctx) => {
      const request = { ...newRequest(), amountCents: -5, notify_url: 'https://evil.example' };
      const handle = await ctx.start(request, { maxPending: 'soon' });
      const err: unknown = await handle.result().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect(cause).toMatchObject({ type: 'InvalidPayoutInput', nonRetryable: true });
      expect(cause.message).toContain('request.amountCents: must be positive');
      expect(cause.message).toContain('notify_url');
      expect(cause.message).toContain('policy.maxPending');
      expect(cause.message).not.toContain('evil.example');
      expect(gateway.submits).toHaveLength(0);
    });
  });

  it('a payout started under another workflow id refuses to run', async () => {
    const gateway = new ScriptedGateway([], []);
    await harness.run(gateway, async (ctx) => {
      const request = newRequest();
      const handle = await ctx.start(request, undefined, `payout-${request.merchantOrderId}`);
      const err: unknown = await handle.result().then(
        () => undefined,
        (e: unknown) => e,
      );
      const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
      expect(cause.type).toBe('InvalidPayoutInput');
      expect(cause.message).toContain(
        `(workflowId): must be payout:PF0002:${request.merchantOrderId}`,
      );
      expect(gateway.submits).toHaveLength(0);
    });
  });
});
