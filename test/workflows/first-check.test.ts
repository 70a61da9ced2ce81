import { WorkflowUpdateStage } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import type { SubmitResult } from '../../activities/types.js';
import type { QueryOutcome } from '../../vocabulary/gateway.js';
import {
  checkNowUpdate,
  payoutCallbackSignal,
  payoutStatusQuery,
  type PayoutStatusView,
} from '../../workflows/api.js';
import { accepted, found, notification } from './decide-fixtures.js';
import {
  ScriptedGateway,
  newRequest,
  useTimeSkippingHarness,
  evidenceKinds,
  type PayoutHandle,
} from './payout-harness.js';

const harness = useTimeSkippingHarness();

const EventType = temporal.api.enums.v1.EventType;

/** The event types of the payout's history, in order. */
async function eventTypes(handle: PayoutHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).map((e) => EventType[e.eventType ?? 0] ?? 'unknown');
}

/** A submit whose create was accepted and whose inline first check got `state`. */
function acceptedAndChecked(state: Parameters<typeof found>[0]): SubmitResult {
  const firstCheck = found(state) as Extract<QueryOutcome, { kind: 'found' }>;
  return { kind: 'sent', outcome: accepted('POT1'), firstCheck };
}

describe('payoutWorkflow: a short first check runs inside the submit', () => {
  it('a first check of at most 1 s is asked of the submit; 5 s (the default) waits on a timer', async () => {
    const gateway = new ScriptedGateway([accepted(), accepted()], [found('success')]);
    await harness.run(gateway, async (ctx) => {
      await ctx.finish(await ctx.start(newRequest(), { firstCheckDelay: '100ms' }));
      await ctx.finish(await ctx.start(newRequest()));
    });
    expect(gateway.submits.map((s) => s.firstCheckAfterMs)).toEqual([100, undefined]);
  });

  it('a final answer from the inline check ends the payout: no timer, no second query, one status write', async () => {
    const gateway = new ScriptedGateway([acceptedAndChecked('success')], []);
    await harness.run(gateway, async (ctx) => {
      const handle = await ctx.start(newRequest(), { firstCheckDelay: '100ms' });
      const result = await ctx.finish(handle);
      expect(result).toMatchObject({
        status: 'SUCCEEDED',
        payoutId: 'POT1',
        gatewayState: 'success',
        creates: 1,
        resolvedBy: { by: 'query', afterEscalation: null },
      });
      expect(gateway.queries).toBe(0);
      expect(evidenceKinds(await handle.query(payoutStatusQuery))).toEqual([
        'query',
        'create',
        'status',
        'query',
        'status',
      ]);
      const types = await eventTypes(handle);
      expect(types).not.toContain('EVENT_TYPE_TIMER_STARTED');
      expect(types).not.toContain('EVENT_TYPE_MARKER_RECORDED');
      expect(
        types.filter((t) => t === 'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES'),
      ).toHaveLength(1);
      expect(await ctx.payoutStatusAttribute(handle)).toBe('SUCCEEDED');
    });
  });

  it('a non-final inline answer is the first check: the schedule goes on from there', async () => {
    const gateway = new ScriptedGateway([acceptedAndChecked('processing')], [found('success')]);
    await harness.run(gateway, async (ctx) => {
      const handle = await ctx.start(newRequest(), { firstCheckDelay: '100ms' });
      const result = await ctx.finish(handle);
      expect(result).toMatchObject({ status: 'SUCCEEDED', creates: 1 });
      // The inline check plus one timed check: not a second "first" check.
      expect(gateway.queries).toBe(1);
      expect(evidenceKinds(await handle.query(payoutStatusQuery))).toEqual([
        'query',
        'create',
        'status',
        'query',
        'query',
        'status',
      ]);
    });
  });

  it('without an inline answer (none in time), the first check waits on its timer as before', async () => {
    const gateway = new ScriptedGateway([accepted('POT1')], [found('success')]);
    await harness.run(gateway, async (ctx) => {
      const handle = await ctx.start(newRequest(), { firstCheckDelay: '100ms' });
      expect(await ctx.finish(handle)).toMatchObject({ status: 'SUCCEEDED', creates: 1 });
      expect(gateway.queries).toBe(1);
      expect(await eventTypes(handle)).toContain('EVENT_TYPE_TIMER_STARTED');
    });
  });
});

describe('payoutWorkflow: news while the submit waits for its inline check', () => {
  /** Until the scripted submit is running, then until it has answered (real time). */
  async function whileSubmitting(gateway: ScriptedGateway, during: () => Promise<unknown>) {
    const until = Date.now() + 10_000;
    while (gateway.submits.length === 0 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20));
    expect(gateway.submitsAnswered).toBe(0);
    await during();
    // The news was recorded while the submit still waited.
    expect(gateway.submitsAnswered).toBe(0);
    while (gateway.submitsAnswered === 0 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20));
    expect(gateway.submitsAnswered).toBe(1);
  }

  it('a callback is kept: the payout confirms it by query after the submit, with one create', async () => {
    const gateway = new ScriptedGateway([acceptedAndChecked('processing')], [found('success')]);
    gateway.submitDelayMs = 1_000;
    await harness.run(gateway, async (ctx) => {
      const handle = await ctx.start(newRequest(), { firstCheckDelay: '100ms' });
      const payoutClId = handle.workflowId.split(':')[2]!;
      await whileSubmitting(gateway, () =>
        handle.signal(payoutCallbackSignal, notification('success', { payoutClId })),
      );
      const result = await ctx.finish(handle);
      // Resolved as the callback's news, confirmed: the callback was not lost to the busy submit.
      expect(result).toMatchObject({
        status: 'SUCCEEDED',
        creates: 1,
        resolvedBy: { by: 'callback-confirmed-by-query' },
      });
      expect(gateway.submits).toHaveLength(1);
      const kinds = evidenceKinds(await handle.query(payoutStatusQuery));
      expect(kinds).toContain('callback');
      // The inline check said processing; the one query after it confirmed the callback's news.
      expect(gateway.queries).toBe(1);
    });
  });

  it('a cancel request does not end the payout: the inline check that reports success ends it', async () => {
    const gateway = new ScriptedGateway([acceptedAndChecked('success')], []);
    gateway.submitDelayMs = 1_000;
    await harness.run(gateway, async (ctx) => {
      const handle = await ctx.start(newRequest(), { firstCheckDelay: '100ms' });
      await whileSubmitting(gateway, () => handle.cancel());
      const result = await ctx.finish(handle);
      expect(result).toMatchObject({ status: 'SUCCEEDED', payoutId: 'POT1', creates: 1 });
      expect(gateway.submits).toHaveLength(1);
      expect((await handle.query(payoutStatusQuery)).cancelRequestedAt).not.toBeNull();
    });
  });

  it('a check-now update waits for the inline answer and reports it, without a second create', async () => {
    const gateway = new ScriptedGateway([acceptedAndChecked('processing')], [found('success')]);
    gateway.submitDelayMs = 1_000;
    await harness.run(gateway, async (ctx) => {
      const handle = await ctx.start(newRequest(), { firstCheckDelay: '100ms' });
      let answer: Promise<PayoutStatusView> | undefined;
      await whileSubmitting(gateway, async () => {
        const update = await handle.startUpdate(checkNowUpdate, {
          args: [{ operatorId: 'alice' }],
          waitForStage: WorkflowUpdateStage.ACCEPTED,
        });
        answer = update.result();
        // Awaited below; a refusal meanwhile must not surface as an unhandled rejection.
        answer.catch(() => undefined);
      });
      const view = await answer;
      expect(view?.status).toBe('CONFIRMING');
      expect(view?.gateway?.state).toBe('processing');
      expect(await ctx.finish(handle)).toMatchObject({ status: 'SUCCEEDED', creates: 1 });
      expect(gateway.submits).toHaveLength(1);
    });
  });
});
