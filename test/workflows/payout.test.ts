import {
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { GatewayPayoutState } from '../../vocabulary/gateway.js';
import {
  AmountCentsKey,
  MerchantOrderIdKey,
  checkNowUpdate,
  PayoutStatusKey,
  PlatformIdKey,
  operatorDecisionSignal,
  operatorDecisionUpdate,
  payoutCallbackSignal,
  payoutStatusQuery,
  payoutWorkflowId,
  type PayoutStatusView,
} from '../../workflows/api.js';
import { initialState } from '../../workflows/state.js';
import {
  OPERATOR,
  accepted,
  exists,
  found,
  notFound,
  notification,
  unknown,
} from './decide-fixtures.js';
import {
  PLATFORM_ID,
  ScriptedGateway,
  newRequest,
  useTimeSkippingHarness,
  evidenceKinds,
  type PayoutHandle,
  type TestContext,
} from './payout-harness.js';

const harness = useTimeSkippingHarness();

/** A verified callback about the payout behind `handle` (its merchant order id). */
const callbackFor = (handle: PayoutHandle, state: GatewayPayoutState) =>
  notification(state, { payoutClId: handle.workflowId.split(':')[2]! });
const inReview = (s: PayoutStatusView) => s.status === 'NEEDS_REVIEW';
const confirming = (s: PayoutStatusView) => s.status === 'CONFIRMING';
/** A check an hour away, so only what the test does moves the payout. */
const QUIET = { firstCheckDelay: '1h', maxCheckDelay: '1h' } as const;

/** Brings a payout to NEEDS_REVIEW: the order stays not found after an unknown create. */
async function lost(ctx: TestContext, gateway: ScriptedGateway): Promise<PayoutHandle> {
  const handle = await ctx.start();
  await ctx.advanceUntil(handle, inReview, 'NEEDS_REVIEW');
  expect(gateway.submits).toHaveLength(1);
  return handle;
}

/** The failure a workflow ended with. */
async function failureOf(handle: PayoutHandle): Promise<ApplicationFailure> {
  const err: unknown = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

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

describe('payoutWorkflow: submit and confirm', () => {
  it("happy path: one submit for the workflow's merchant, confirmed by queries", async () => {
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
        amountCents: request.amountCents,
        payoutId: 'POT1',
        gatewayState: 'success',
        creates: 1,
        escalations: [],
        resolvedBy: { by: 'query', afterEscalation: null },
      });
      // The result does not repeat the evidence; the status query still has it.
      expect(result).not.toHaveProperty('evidence');
      expect(evidenceKinds(await handle.query(payoutStatusQuery))).toEqual([
        'query',
        'create',
        'status',
        'query',
        'query',
        'status',
      ]);
      expect(gateway.submits).toEqual([{ request, platformId: PLATFORM_ID, origin: 'initial' }]);
      expect(gateway.queries).toBe(2);
      expect(await ctx.payoutStatusAttribute(handle)).toBe('SUCCEEDED');
    });
  });

  it('a start without search attributes (the CLI, "start like this one") gets them from the workflow', async () => {
    const gateway = new ScriptedGateway([accepted()], [found('processing')]);
    await harness.run(gateway, async (ctx) => {
      const request = newRequest();
      const handle = await ctx.start(request, QUIET, { bare: true });
      await ctx.waitFor(handle, confirming, 'CONFIRMING');
      const sa = (await handle.describe()).typedSearchAttributes;
      expect(sa.get(MerchantOrderIdKey)).toBe(request.merchantOrderId);
      expect(sa.get(PlatformIdKey)).toBe(PLATFORM_ID);
      expect(sa.get(AmountCentsKey)).toBe(request.amountCents);
      expect(sa.get(PayoutStatusKey)).toBe('CONFIRMING');
    });
  });

  it('an order the gateway knows already is followed: nothing is created', async () => {
    const gateway = new ScriptedGateway([exists(found('processing'))], [found('success')]);
    await harness.run(gateway, async (ctx) => {
      const result = await ctx.finish(await ctx.start());
      expect(result).toMatchObject({ status: 'SUCCEEDED', creates: 0, payoutId: 'POT1' });
      expect(gateway.submits).toHaveLength(1);
    });
  });

  it.each([
    ['throws', 'throw', {}],
    ['times out', 'hang', { submitTimeout: '200ms', submitScheduleToCloseTimeout: '1s' }],
  ] as const)(
    'a submit activity that %s may have created: never retried, confirmed by a query',
    async (_, step, policy) => {
      const gateway = new ScriptedGateway([step], [found('success')]);
      await harness.run(gateway, async (ctx) => {
        const handle = await ctx.start(newRequest(), policy);
        const result = await handle.result();
        expect(result).toMatchObject({ status: 'SUCCEEDED', creates: 1 });
        expect(gateway.submits).toHaveLength(1);
        expect(evidenceKinds(await handle.query(payoutStatusQuery))[0]).toBe('submit-failed');
      });
    },
  );

  it('a status query that fails after its retries is no answer: recorded, and the payout goes on', async () => {
    const gateway = new ScriptedGateway([accepted()], ['throw', 'throw', found('success')]);
    await harness.run(gateway, async (ctx) => {
      const handle = await ctx.start(newRequest(), {
        queryMaxAttempts: 1,
        queryRetryInterval: '10ms',
      });
      const result = await ctx.finish(handle);
      expect(result.status).toBe('SUCCEEDED');
      const failed = (await handle.query(payoutStatusQuery)).evidence.entries.filter(
        (e) => e.kind === 'query-failed',
      );
      expect(failed).toEqual([expect.objectContaining({ kind: 'query-failed', count: 2 })]);
    });
  });

  it("a payout for another merchant than the worker's is refused, non-retryably, nothing sent", async () => {
    const gateway = new ScriptedGateway(['platform-mismatch'], [found('success')]);
    await harness.run(gateway, async (ctx) => {
      const failure = await failureOf(await ctx.start());
      expect(failure.type).toBe('InvalidPayoutInput');
      expect(failure.nonRetryable).toBe(true);
      expect(failure.message).toContain('platformId');
      expect(gateway.submits).toHaveLength(1);
      expect(gateway.queries).toBe(0);
    });
  });
});

describe('payoutWorkflow: messages', () => {
  it('a callback wakes the payout; a query confirms it at once', async () => {
    const gateway = new ScriptedGateway([accepted()], [found('success')]);
    await harness.run(gateway, async (ctx) => {
      const handle = await ctx.start(newRequest(), QUIET);
      await ctx.waitFor(handle, confirming, 'CONFIRMING');
      await handle.signal(payoutCallbackSignal, callbackFor(handle, 'success'));
      const result = await handle.result();
      expect(result.resolvedBy).toEqual({
        by: 'callback-confirmed-by-query',
        afterEscalation: null,
      });
      expect(gateway.queries).toBe(1);
    });
  });

  it('a decision sent while a query runs takes effect after its answer', async () => {
    const gateway = new ScriptedGateway([unknown()], [notFound()]);
    await harness.run(gateway, async (ctx) => {
      const handle = await lost(ctx, gateway);
      gateway.answer(found('success'));
      gateway.queryDelayMs = 1_500;
      await handle.signal(payoutCallbackSignal, callbackFor(handle, 'success'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      // The query's answer (success) comes first: the confirm-failed meets a final payout.
      const failure = await refusal(
        handle.executeUpdate(operatorDecisionUpdate, {
          args: [{ action: 'confirm-failed', ...OPERATOR }],
        }),
      );
      expect(failure.message).toMatch(/^payout-final: .*SUCCEEDED/);
      expect((await handle.result()).status).toBe('SUCCEEDED');
    });
  });

  it('a refused update is recorded in the evidence, with the rule, the operator and the channel', async () => {
    const gateway = new ScriptedGateway([accepted()], [found('processing')]);
    await harness.run(gateway, async (ctx) => {
      const handle = await ctx.start(newRequest(), QUIET);
      await ctx.waitFor(handle, confirming, 'CONFIRMING');
      const failure = await refusal(
        handle.executeUpdate(operatorDecisionUpdate, {
          args: [{ action: 'confirm-failed', ...OPERATOR }],
        }),
      );
      expect(failure.message).toMatch(/^only-in-needs-review: .*CONFIRMING/);
      const status = await handle.query(payoutStatusQuery);
      expect(status.status).toBe('CONFIRMING');
      expect(status.lastRefusedDecision).toMatchObject({
        rule: 'only-in-needs-review',
        operatorId: OPERATOR.operatorId,
        via: 'update',
      });
      expect(status.evidence.entries.at(-1)).toMatchObject({ kind: 'decision', accepted: false });
    });
  });

  it('an accepted decision by update answers with a receipt', async () => {
    const gateway = new ScriptedGateway([unknown()], [notFound()]);
    await harness.run(gateway, async (ctx) => {
      const handle = await lost(ctx, gateway);
      expect((await handle.query(payoutStatusQuery)).allowedDecisions).toEqual([
        'confirm-succeeded',
        'confirm-failed',
        'resubmit',
        'keep-waiting',
      ]);
      const receipt = await handle.executeUpdate(operatorDecisionUpdate, {
        args: [{ action: 'confirm-failed', ...OPERATOR }],
      });
      expect(receipt).toEqual({ accepted: true, action: 'confirm-failed', status: 'FAILED' });
      expect((await handle.result()).resolvedBy).toMatchObject({
        by: 'operator',
        operatorId: OPERATOR.operatorId,
        override: null,
      });
    });
  });

  it('a signal no handler knows, and a refused decision by signal, are recorded', async () => {
    const gateway = new ScriptedGateway([accepted()], [found('processing')]);
    await harness.run(gateway, async (ctx) => {
      const handle = await ctx.start(newRequest(), QUIET);
      await ctx.waitFor(handle, confirming, 'CONFIRMING');
      await handle.signal('operatorDecison', { action: 'confirm-failed' });
      await handle.signal(operatorDecisionSignal, { action: 'confirm-failed', ...OPERATOR });
      const status = await ctx.waitFor(handle, (s) => s.lastRefusedDecision !== null, 'refusal');
      expect(status.evidence.entries).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ kind: 'unknown-signal', name: 'operatorDecison' }),
          expect.objectContaining({ kind: 'decision', via: 'signal', accepted: false }),
        ]),
      );
    });
  });

  it('a cancel request does not end the payout: NEEDS_REVIEW, checks go on, a verified final ends it', async () => {
    const gateway = new ScriptedGateway([accepted()], [found('processing')]);
    await harness.run(gateway, async (ctx) => {
      const handle = await ctx.start(newRequest(), QUIET);
      await ctx.waitFor(handle, confirming, 'CONFIRMING');
      await handle.cancel();
      const review = await ctx.waitFor(handle, inReview, 'NEEDS_REVIEW');
      expect(review.escalation).toMatchObject({ reason: 'cancel-requested' });
      expect(review.cancelRequestedAt).not.toBeNull();
      expect(await ctx.payoutStatusAttribute(handle)).toBe('NEEDS_REVIEW');
      gateway.answer(found('success'));
      const result = await ctx.finish(handle);
      expect(result).toMatchObject({
        status: 'SUCCEEDED',
        resolvedBy: { afterEscalation: 'cancel-requested' },
      });
      expect((await handle.describe()).status.name).toBe('COMPLETED');
    });
  });
});

describe('payoutWorkflow: what the Web UI shows', () => {
  it("current details say where it stands, why, the gateway's last word and how to resolve it", async () => {
    const gateway = new ScriptedGateway([unknown()], [notFound()]);
    await harness.run(gateway, async (ctx) => {
      const handle = await lost(ctx, gateway);
      const meta = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
      const details = meta.currentDetails ?? '';
      for (const part of [
        '**NEEDS_REVIEW** since',
        'not-found-after-unknown-submit',
        'the create got no clear answer',
        "**Gateway's last word:** no such order, by query",
        'applyOperatorDecision',
        'npm run payout -- resolve',
      ]) {
        expect(details).toContain(part);
      }
      expect(details).not.toContain('6228480402564890018');
    });
  });

  it('checkNow asks the gateway at once and answers with the status after its answer', async () => {
    const gateway = new ScriptedGateway([accepted()], [found('processing')]);
    await harness.run(gateway, async (ctx) => {
      const handle = await ctx.start(newRequest(), QUIET);
      await ctx.waitFor(handle, confirming, 'CONFIRMING');
      gateway.answer(found('success'));
      const view = await handle.executeUpdate(checkNowUpdate, { args: [{ operatorId: 'alice' }] });
      expect(view.status).toBe('SUCCEEDED');
      expect(view.evidence.entries).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ kind: 'check-requested', operatorId: 'alice' }),
        ]),
      );
      // The payout is final, so its workflow closed: it takes no further update.
      await expect(
        handle.executeUpdate(checkNowUpdate, { args: [{ operatorId: 'alice' }] }),
      ).rejects.toBeInstanceOf(WorkflowNotFoundError);
    });
  });
});

describe('payoutWorkflow: input', () => {
  it('an invalid input fails the workflow, non-retryable, naming the fields', async () => {
    const gateway = new ScriptedGateway([accepted()], [found('success')]);
    await harness.run(gateway, async (ctx) => {
      const bad = { ...newRequest(), amountCents: -5, notify_url: 'http://evil' };
      const failure = await failureOf(await ctx.start(bad));
      expect(failure.type).toBe('InvalidPayoutInput');
      expect(failure.nonRetryable).toBe(true);
      expect(failure.message).toContain('request.amountCents');
      expect(gateway.submits).toHaveLength(0);
    });
  });

  it('a payout started under another workflow id refuses to run', async () => {
    const gateway = new ScriptedGateway([accepted()], [found('success')]);
    await harness.run(gateway, async (ctx) => {
      const request = newRequest();
      const handle = await ctx.start(request, undefined, {
        workflowId: `other-${request.merchantOrderId}`,
      });
      const failure = await failureOf(handle);
      expect(failure.message).toContain(payoutWorkflowId(PLATFORM_ID, request.merchantOrderId));
      expect(gateway.submits).toHaveLength(0);
    });
  });

  it('a forged resume holding a SUCCEEDED result is refused: nothing completes, nothing is sent', async () => {
    const gateway = new ScriptedGateway([accepted()], [found('success')]);
    await harness.run(gateway, async (ctx) => {
      const request = newRequest();
      const forged = {
        ...initialState(
          {
            merchantOrderId: request.merchantOrderId,
            platformId: PLATFORM_ID,
            amountCents: request.amountCents,
          },
          Date.now(),
        ),
        status: 'SUCCEEDED',
        result: { status: 'SUCCEEDED' },
      };
      const failure = await failureOf(
        await ctx.start(request, undefined, { extra: { resume: forged } }),
      );
      expect(failure.type).toBe('InvalidPayoutInput');
      expect(failure.message).toContain('resume: only a run continued from another');
      expect(gateway.submits).toHaveLength(0);
    });
  });
});
