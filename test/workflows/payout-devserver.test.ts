import { describe, expect, it } from 'vitest';
import type { GatewayPayoutState } from '../../vocabulary/gateway.js';
import { payoutCallbackSignal, payoutStatusQuery } from '../../workflows/api.js';
import {
  AmountCentsKey,
  MerchantOrderIdKey,
  PayoutEscalationKey,
  PayoutReviewSinceKey,
  PayoutStatusKey,
  PlatformIdKey,
} from '../../workflows/api.js';
import { startDevServerEnv } from '../support/temporal.js';
import { accepted, found, notification, unknown, notFound, OPERATOR } from './decide-fixtures.js';
import { operatorDecisionUpdate } from '../../workflows/api.js';
import { ScriptedGateway, newRequest, useHarness, type PayoutHandle } from './payout-harness.js';

/**
 * The payout workflow on a real dev server, in real time with a fast policy: search attributes
 * (visibility) and continue-as-new, which the time-skipping server does not handle reliably (a
 * workflow task of the continued run can stay started, which locks its clock).
 */
const harness = useHarness(() => startDevServerEnv());

/** Checks every few milliseconds: the whole payout plays out in real time. */
const FAST = {
  firstCheckDelay: '20ms',
  maxCheckDelay: '40ms',
  reviewCheckInterval: '40ms',
  notFoundGrace: '300ms',
  callbackConfirmDelay: '20ms',
} as const;

const callbackFor = (handle: PayoutHandle, state: GatewayPayoutState) =>
  notification(state, { payoutClId: handle.workflowId.split(':')[2]! });

/** Lists payouts by search attribute, as an operator would in the Web UI or the CLI. */
async function listIds(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of harness.env.client.workflow.list({ query })) ids.push(wf.workflowId);
  return ids;
}

/** The workflow ids `query` lists, once visibility lists any (at most 10 s). */
async function listedIds(query: string): Promise<string[]> {
  const until = Date.now() + 10_000;
  for (;;) {
    const ids = await listIds(query);
    if (ids.length > 0 || Date.now() > until) return ids;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('payoutWorkflow on a dev server', () => {
  it('clears PayoutEscalation once an operator confirms: the list shows why only while it waits', async () => {
    const gateway = new ScriptedGateway([unknown()], [notFound()]);
    await harness.run(gateway, async (ctx) => {
      const handle = await ctx.start(newRequest(), FAST);
      await ctx.waitFor(handle, (s) => s.status === 'NEEDS_REVIEW', 'NEEDS_REVIEW');
      expect((await handle.describe()).typedSearchAttributes.get(PayoutEscalationKey)).toBe(
        'not-found-after-unknown-submit',
      );
      await handle.executeUpdate(operatorDecisionUpdate, {
        args: [{ action: 'confirm-failed', ...OPERATOR }],
      });
      const result = await handle.result();
      expect(result.status).toBe('FAILED');
      // The result keeps what the payout went through.
      expect(result.resolvedBy).toMatchObject({ by: 'operator' });
      const after = (await handle.describe()).typedSearchAttributes;
      expect(after.get(PayoutStatusKey)).toBe('FAILED');
      expect(after.get(PayoutEscalationKey)).toBeUndefined();
    });
  });

  it('keeps the PayoutStatus search attribute current, so operators can list payouts by it', async () => {
    const gateway = new ScriptedGateway([unknown(), accepted('POT2')], [notFound()]);
    await harness.run(gateway, async (ctx) => {
      const request = newRequest();
      const handle = await ctx.start(request, FAST);
      await ctx.waitFor(handle, (s) => s.status === 'NEEDS_REVIEW', 'NEEDS_REVIEW');
      const described = await handle.describe();
      expect(described.typedSearchAttributes.get(PayoutStatusKey)).toBe('NEEDS_REVIEW');
      expect(described.typedSearchAttributes.get(MerchantOrderIdKey)).toBe(request.merchantOrderId);
      expect(described.typedSearchAttributes.get(PlatformIdKey)).toBe('PF0002');
      expect(described.typedSearchAttributes.get(AmountCentsKey)).toBe(request.amountCents);
      expect(described.typedSearchAttributes.get(PayoutEscalationKey)).toBe(
        'not-found-after-unknown-submit',
      );
      const since = described.typedSearchAttributes.get(PayoutReviewSinceKey);
      expect(since?.getTime()).toBeGreaterThan(Date.now() - 60_000);
      const query = `PayoutStatus="NEEDS_REVIEW" AND MerchantOrderId="${request.merchantOrderId}"`;
      expect(await listedIds(query)).toEqual([handle.workflowId]);

      gateway.answer(found('success', { payoutId: 'POT2' }));
      await handle.executeUpdate(operatorDecisionUpdate, {
        args: [{ action: 'resubmit', ...OPERATOR }],
      });
      await handle.result();
      const after = (await handle.describe()).typedSearchAttributes;
      expect(after.get(PayoutStatusKey)).toBe('SUCCEEDED');
      // Out of review: the review attributes are cleared, so "in review since" lists stay true.
      expect(after.get(PayoutEscalationKey)).toBeUndefined();
      expect(after.get(PayoutReviewSinceKey)).toBeUndefined();
      const succeeded = `PayoutStatus="SUCCEEDED" AND MerchantOrderId="${request.merchantOrderId}"`;
      expect(await listedIds(succeeded)).toEqual([handle.workflowId]);
    });
  });

  it('continue-as-new carries the state, the capped evidence and the search attributes', async () => {
    const gateway = new ScriptedGateway([accepted()], [found('processing')]);
    await harness.run(gateway, async (ctx) => {
      const policy = {
        firstCheckDelay: '1h',
        maxCheckDelay: '1h',
        maxRunEvents: 50,
        evidenceHead: 3,
        evidenceTail: 8,
      };
      const request = newRequest();
      const handle = await ctx.start(request, policy);
      await ctx.waitFor(handle, (s) => s.status === 'CONFIRMING', 'CONFIRMING');
      await handle.signal(payoutCallbackSignal, callbackFor(handle, 'processing'));
      // Signals fill the history (each a few events); distinct ones fill the evidence too.
      for (let i = 0; i < 16; i++) await handle.signal(`probe-${i}`);
      const continued = await ctx.waitFor(handle, (s) => s.run >= 1, 'continue-as-new');
      const described = await handle.describe();
      expect(described.runId).not.toBe(handle.firstExecutionRunId);
      expect(described.typedSearchAttributes.get(PayoutStatusKey)).toBe('CONFIRMING');
      expect(described.typedSearchAttributes.get(MerchantOrderIdKey)).toBe(request.merchantOrderId);
      expect(continued).toMatchObject({ status: 'CONFIRMING', creates: 1, payoutId: 'POT1' });

      // The callback seen before continue-as-new is still known: a repeat costs a count.
      await handle.signal(payoutCallbackSignal, callbackFor(handle, 'processing'));
      const repeated = await ctx.waitFor(handle, (s) => s.callbacksReceived === 2, 'the repeat');
      expect(repeated.evidence.total).toBe(continued.evidence.total);

      gateway.answer(found('success'));
      await handle.signal(payoutCallbackSignal, callbackFor(handle, 'success'));
      const result = await handle.result();
      expect(result).toMatchObject({ status: 'SUCCEEDED', creates: 1 });
      expect(gateway.submits).toHaveLength(1);
      const final = await handle.query(payoutStatusQuery);
      expect(final.run).toBeGreaterThanOrEqual(1);
      const { entries, dropped, total } = final.evidence;
      expect(entries).toHaveLength(11);
      expect(dropped).toBeGreaterThan(0);
      expect(entries.length + dropped).toBe(total);
      expect(entries[0]).toMatchObject({ kind: 'query', purpose: 'pre-check', seq: 1 });
    });
  });
});
