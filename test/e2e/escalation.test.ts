/**
 * End to end: when a payout asks a person. Each way of reaching NEEDS_REVIEW shows the right
 * `escalation.reason`; a "no answer yet" escalation is still resolved by a late final status,
 * and the PayoutStatus search attribute follows along.
 */
import { describe, it } from 'vitest';
import { PayoutWaitTimeoutError } from '../../src/client/index.js';
import type { RuleInput } from '../../src/sandbox/scenario.js';
import { PayoutStatusKey } from '../../workflows/api.js';
import { useE2e } from './harness.js';
import {
  checksOf,
  createCounts,
  eventually,
  listWorkflows,
  waitForStatus,
  sentCreates,
  staysProcessing,
} from './support.js';

const RULES: RuleInput[] = [
  staysProcessing('STUCK-'),
  {
    name: 'items with a bad sign, no callback',
    match: { payoutClIdPrefix: 'BADSIGN-' },
    scenario: { queries: { badSign: true }, callbacks: { send: false } },
  },
];

const e2e = useE2e({ name: 'escalation', rules: RULES });

describe.concurrent('escalation to NEEDS_REVIEW', () => {
  it('lost request: not found beyond notFoundGrace after an unknown submit', async ({ expect }) => {
    const { sandbox, client } = e2e();
    const request = e2e().request('DEMO-LOST-');
    await e2e().start(request);
    const view = await waitForStatus(e2e(), request.merchantOrderId, 'NEEDS_REVIEW');

    expect(view.escalation).toMatchObject({
      reason: 'not-found-after-unknown-submit',
      kind: 'waiting',
    });
    expect(view).toMatchObject({ payoutId: null, gatewayState: null, creates: 1 });
    expect(view.gateway).toMatchObject({ state: 'not-found', source: 'query' });
    const submit = sentCreates(view.evidence)[0];
    expect(submit?.outcome).toMatchObject({ kind: 'unknown', reason: 'timeout' });
    // Escalated no sooner than the grace (3 s) after the unknown answer.
    const escalatedAt = Date.parse(view.escalation?.at ?? '');
    expect(escalatedAt - Date.parse(submit?.at ?? '')).toBeGreaterThanOrEqual(3_000);
    expect(checksOf(view.evidence).every((q) => q.outcome.kind === 'not-found')).toBe(true);
    // Nothing was resubmitted on its own.
    expect(createCounts(sandbox, request.merchantOrderId)).toEqual({ calls: 1, created: 0 });

    // Operators find it by status.
    const listed = await eventually('the payout listed as NEEDS_REVIEW', async () => {
      const found = await listWorkflows(
        client,
        `PayoutStatus = "NEEDS_REVIEW" AND MerchantOrderId = "${request.merchantOrderId}"`,
      );
      return found.length > 0 ? found : undefined;
    });
    expect(listed.map((w) => w.workflowId)).toEqual([
      e2e().handle(request.merchantOrderId).workflowId,
    ]);
  });

  it('stuck beyond maxPending; a late final status still resolves it', async ({ expect }) => {
    const { payouts, sandbox, client } = e2e();
    const request = e2e().request('STUCK-');
    await e2e().start(request, { maxPending: '2s' });
    const view = await waitForStatus(e2e(), request.merchantOrderId, 'NEEDS_REVIEW');
    expect(view.escalation).toMatchObject({ reason: 'max-pending-exceeded', kind: 'waiting' });
    expect(view).toMatchObject({ gatewayState: 'processing', gateway: { statusCode: 2 } });
    await eventually('PayoutStatus NEEDS_REVIEW in visibility', async () => {
      const [info] = await listWorkflows(client, `MerchantOrderId = "${request.merchantOrderId}"`);
      return info?.typedSearchAttributes.get(PayoutStatusKey) === 'NEEDS_REVIEW' ? info : undefined;
    });

    // The gateway finishes the order late; the slow review checks see it.
    sandbox.forceStatus(request.merchantOrderId, 'success');
    const result = await payouts.waitForPayout(request.merchantOrderId, { timeoutMs: 15_000 });
    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      gatewayState: 'success',
      payoutId: sandbox.order(request.merchantOrderId)?.payoutId,
      resolvedBy: { afterEscalation: 'max-pending-exceeded' },
    });
    expect(['query', 'callback-confirmed-by-query']).toContain(result.resolvedBy.by);
    expect(createCounts(sandbox, request.merchantOrderId)).toEqual({ calls: 1, created: 1 });
    // PayoutStatus followed it to the end.
    await eventually('PayoutStatus SUCCEEDED in visibility', async () => {
      const [info] = await listWorkflows(client, `MerchantOrderId = "${request.merchantOrderId}"`);
      return info?.typedSearchAttributes.get(PayoutStatusKey) === 'SUCCEEDED' ? info : undefined;
    });
  });

  it('amount mismatch: a conflict', async ({ expect }) => {
    const { sandbox } = e2e();
    const request = e2e().request('DEMO-MISMATCH-');
    await e2e().start(request);
    const view = await waitForStatus(e2e(), request.merchantOrderId, 'NEEDS_REVIEW');
    expect(view.escalation).toMatchObject({ reason: 'conflict-mismatch', kind: 'conflict' });
    expect(view.escalation?.detail).toContain(String(request.amountCents + 1));
    expect(view.resolution).toBeNull();
    expect(createCounts(sandbox, request.merchantOrderId)).toEqual({ calls: 1, created: 1 });

    // A conflict stays for a person, even though the gateway's order is final by now.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(sandbox.order(request.merchantOrderId)?.statusName).toBe('success');
    const later = await e2e().payouts.getPayout(request.merchantOrderId);
    expect(later.status).toBe('NEEDS_REVIEW');
    expect(later.checks).toBeGreaterThan(view.checks);
    expect(later.escalation?.reason).toBe('conflict-mismatch');
    // A caller waiting for the result gives up on its own deadline; the payout goes on.
    await expect(
      e2e().payouts.waitForPayout(request.merchantOrderId, { timeoutMs: 300 }),
    ).rejects.toBeInstanceOf(PayoutWaitTimeoutError);
    expect((await e2e().handle(request.merchantOrderId).describe()).status.name).toBe('RUNNING');
  });

  it('answers whose sign does not verify carry no information: never trusted, no conflict', async ({
    expect,
  }) => {
    const request = e2e().request('BADSIGN-');
    await e2e().start(request, { maxCheckDelay: '300ms' });
    const view = await eventually('a few unverified answers', async () => {
      const v = await e2e().payouts.getPayout(request.merchantOrderId);
      return v.checks >= 4 ? v : undefined;
    });
    expect(view.status).toBe('CONFIRMING');
    expect(view.escalation).toBeNull();
    expect(checksOf(view.evidence).every((q) => q.outcome.kind === 'bad-signature')).toBe(true);
    // Nothing from the unverified answers was taken over: only the create's payout_id.
    expect(view).toMatchObject({ gatewayState: null, gateway: null });
    expect(view.payoutId).toBe(e2e().sandbox.order(request.merchantOrderId)?.payoutId);
  });

  it('a status going backwards is recorded, and the final state still finishes the payout', async ({
    expect,
  }) => {
    const { sandbox, payouts } = e2e();
    const request = e2e().request('STUCK-');
    await e2e().start(request);
    await eventually('a query to report processing', async () => {
      const view = await payouts.getPayout(request.merchantOrderId);
      return view.gatewayState === 'processing' ? view : undefined;
    });
    sandbox.forceStatus(request.merchantOrderId, 'pending');
    const back = await eventually('a query to report pending', async () => {
      const view = await payouts.getPayout(request.merchantOrderId);
      return view.gatewayState === 'pending' ? view : undefined;
    });
    expect(back.status).toBe('CONFIRMING');
    sandbox.forceStatus(request.merchantOrderId, 'success');
    const result = await payouts.waitForPayout(request.merchantOrderId, { timeoutMs: 15_000 });
    expect(result).toMatchObject({ status: 'SUCCEEDED', escalations: [] });
  });
});
