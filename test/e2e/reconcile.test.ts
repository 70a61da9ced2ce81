/**
 * End to end: reconciliation holds the gateway's own list of orders up against the payouts.
 * Each kind of difference is set up for real (an order created outside the orchestrator, a
 * terminated payout, a payout the gateway is ahead of, a SUCCEEDED payout the gateway does not
 * know, a FAILED payout the gateway reports paid), then one run finds them all, opens the
 * disputes, asks the behind payout to check, and a second run raises nothing twice.
 */
import { describe, it } from 'vitest';
import { createGatewayClient } from '../../src/gateway/client.js';
import { ensureReconciliationSchedule } from '../../src/reconcile/schedule.js';
import type { RuleInput } from '../../src/sandbox/scenario.js';
import { PayoutEscalationKey, PayoutStatusKey } from '../../workflows/api.js';
import { disputeQuery, disputeWorkflowId, resolveDisputeUpdate } from '../../workflows/dispute.js';
import {
  PAYOUT_RECONCILIATION_WORKFLOW_TYPE,
  reconciliationScheduleId,
  type ReconciliationInput,
  type ReconciliationReport,
} from '../../workflows/reconciliation-api.js';
import { E2E_MERCHANT, useE2e } from './harness.js';
import { eventually, listWorkflows, waitForStatus } from './support.js';

const RULES: RuleInput[] = [
  {
    name: 'stays processing, no callback',
    match: { payoutClIdPrefix: 'HOLD-' },
    scenario: { finalize: { kind: 'never' }, callbacks: { send: false } },
  },
  {
    name: 'fails, no callback',
    match: { payoutClIdPrefix: 'QUIETFAIL-' },
    scenario: { outcome: 'failed', callbacks: { send: false } },
  },
];

const e2e = useE2e({ name: 'reconcile', rules: RULES });

/** Checks so slow that only reconciliation (or a person) makes the payout look again. */
const SLEEPY = { firstCheckDelay: '1h', maxCheckDelay: '1h' } as const;

async function reconcile(input: Omit<ReconciliationInput, 'platformId'>) {
  const { client, taskQueue } = e2e();
  return client.workflow.execute(PAYOUT_RECONCILIATION_WORKFLOW_TYPE, {
    workflowId: `reconcile-test-${Date.now()}`,
    taskQueue,
    args: [{ platformId: E2E_MERCHANT.platformId, ...input }],
  }) as Promise<ReconciliationReport>;
}

const differenceOf = (report: ReconciliationReport, id: string) =>
  report.differences.filter((d) => d.merchantOrderId === id);

describe('reconciliation', () => {
  it('finds every kind of difference, acts on each once, and raises nothing twice', async ({
    expect,
  }) => {
    const { sandbox, client, payouts, gatewayConfig } = e2e();
    const from = new Date(Date.now() - 60_000).toISOString();

    // Agrees: a payout that succeeded.
    const agreed = e2e().request('DEMO-OK-');
    await e2e().start(agreed);
    // An order created outside the orchestrator, with our merchant's credentials.
    const foreign = e2e().request('OUTSIDE-');
    const gateway = createGatewayClient({ config: gatewayConfig });
    expect((await gateway.submitPayout(foreign)).kind).toBe('accepted');
    await gateway.close();
    // A payout whose workflow someone terminated; its order then pays.
    const terminated = e2e().request('HOLD-');
    await e2e().start(terminated);
    await waitForStatus(e2e(), terminated.merchantOrderId, 'CONFIRMING');
    await e2e().handle(terminated.merchantOrderId).terminate('by hand, in the test');
    sandbox.forceStatus(terminated.merchantOrderId, 'success');
    // A payout the gateway is ahead of: paid, no callback, next check an hour away.
    const behind = e2e().request('HOLD-');
    await e2e().start(behind, SLEEPY);
    await waitForStatus(e2e(), behind.merchantOrderId, 'CONFIRMING');
    sandbox.forceStatus(behind.merchantOrderId, 'success');
    // A payout an operator confirmed SUCCEEDED although the gateway never had the order.
    const missing = e2e().request('DEMO-LOST-');
    await e2e().start(missing);
    await waitForStatus(e2e(), missing.merchantOrderId, 'NEEDS_REVIEW');
    await payouts.resolvePayout(missing.merchantOrderId, {
      action: 'confirm-succeeded',
      operatorId: 'op-1',
      reason: 'the bank statement shows it',
      override: 'the gateway does not find the order; the bank says paid',
    });
    // A FAILED payout the gateway later reports paid, without a callback.
    const contradicted = e2e().request('QUIETFAIL-');
    await e2e().start(contradicted);
    expect((await payouts.waitForPayout(contradicted.merchantOrderId)).status).toBe('FAILED');
    sandbox.forceStatus(contradicted.merchantOrderId, 'success');
    expect((await payouts.waitForPayout(agreed.merchantOrderId)).status).toBe('SUCCEEDED');

    const window = { from, to: new Date(Date.now() + 60_000).toISOString() };
    const report = await reconcile({ window, staleAfterMs: 0 });

    expect(report.window).toEqual(window);
    expect(report.gatewayOrders).toBeGreaterThanOrEqual(5);
    expect(differenceOf(report, agreed.merchantOrderId)).toEqual([]);
    expect(differenceOf(report, foreign.merchantOrderId)).toMatchObject([
      { kind: 'unknown-order', action: 'dispute', outcome: 'done', payout: null },
    ]);
    expect(differenceOf(report, terminated.merchantOrderId)).toMatchObject([
      {
        kind: 'abandoned',
        action: 'dispute',
        payout: { workflowStatus: 'TERMINATED', payoutStatus: 'CONFIRMING' },
        gateway: { state: 'success' },
      },
    ]);
    expect(differenceOf(report, behind.merchantOrderId)).toMatchObject([
      { kind: 'open-behind-gateway', action: 'check-now', outcome: 'done' },
    ]);
    expect(differenceOf(report, missing.merchantOrderId)).toMatchObject([
      { kind: 'missing-at-gateway', action: 'dispute', gateway: null },
    ]);
    expect(differenceOf(report, contradicted.merchantOrderId)).toMatchObject([
      { kind: 'final-contradicted', action: 'dispute', gateway: { state: 'success' } },
    ]);
    expect(report.summary).toMatch(/differences, 4 disputes opened, 1 payouts asked to check/);

    // The behind payout checked when asked, and is final by the gateway's word.
    const result = await payouts.waitForPayout(behind.merchantOrderId, { timeoutMs: 10_000 });
    expect(result).toMatchObject({ status: 'SUCCEEDED', resolvedBy: { by: 'query' } });

    // Each dispute is listed with the stuck payouts, its reason in PayoutEscalation.
    for (const [order, reason] of [
      [foreign, 'unknown-order'],
      [terminated, 'abandoned'],
      [missing, 'missing-at-gateway'],
      [contradicted, 'final-contradicted'],
    ] as const) {
      const listed = await eventually(`the ${reason} dispute listed`, async () => {
        const found = await listWorkflows(
          client,
          `PayoutStatus = "NEEDS_REVIEW" AND PayoutEscalation = "${reason}" AND MerchantOrderId = "${order.merchantOrderId}"`,
        );
        return found.length > 0 ? found : undefined;
      });
      expect(listed).toHaveLength(1);
      expect(listed[0]?.typedSearchAttributes.get(PayoutEscalationKey)).toBe(reason);
    }

    // Overlapping windows: the same news again adds nothing to an open dispute.
    const again = await reconcile({ window, staleAfterMs: 0 });
    expect(differenceOf(again, foreign.merchantOrderId)).toHaveLength(1);
    expect(differenceOf(again, behind.merchantOrderId)).toEqual([]);
    const dispute = client.workflow.getHandle(
      disputeWorkflowId(E2E_MERCHANT.platformId, foreign.merchantOrderId),
    );
    expect((await dispute.query(disputeQuery)).news).toHaveLength(1);

    // Resolved by an operator, it is not raised again by the next run.
    await dispute.executeUpdate(resolveDisputeUpdate, {
      args: [{ operatorId: 'op-2', reason: 'an order of the old system; refunded' }],
    });
    const afterResolve = await reconcile({ window, staleAfterMs: 0 });
    expect(differenceOf(afterResolve, foreign.merchantOrderId)).toMatchObject([
      { kind: 'unknown-order', outcome: 'done' },
    ]);
    const description = await dispute.describe();
    expect(description.status.name).toBe('COMPLETED');
    expect(description.typedSearchAttributes.get(PayoutStatusKey)).toBeUndefined();
  });

  it('refuses a run with a bad window, naming the field', async ({ expect }) => {
    const error = await reconcile({ window: { from: 'yesterday', to: 'today' } }).catch(
      (e: unknown) => e,
    );
    expect(String((error as Error).cause)).toMatch(/window: \{from, to\} in ISO 8601/);
  });

  it('the worker keeps one schedule, updated in place, whose runs compare the last two intervals', async ({
    expect,
  }) => {
    const { client, taskQueue } = e2e();
    const options = {
      platformId: E2E_MERCHANT.platformId,
      taskQueue,
      everyMs: 3_600_000,
      staleAfterMs: 7_200_000,
    };
    expect(await ensureReconciliationSchedule(client, options)).toBe(true);
    expect(await ensureReconciliationSchedule(client, { ...options, everyMs: 1_800_000 })).toBe(
      false,
    );
    const handle = client.schedule.getHandle(reconciliationScheduleId(E2E_MERCHANT.platformId));
    const described = await handle.describe();
    expect(described.spec.intervals).toMatchObject([{ every: 1_800_000 }]);
    expect(described.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: PAYOUT_RECONCILIATION_WORKFLOW_TYPE,
      args: [{ platformId: E2E_MERCHANT.platformId, spanMs: 3_600_000, staleAfterMs: 7_200_000 }],
    });
    await handle.trigger();
    const run = await eventually('the triggered run', async () => {
      const found = await listWorkflows(
        client,
        `WorkflowType = "${PAYOUT_RECONCILIATION_WORKFLOW_TYPE}" AND ExecutionStatus = "Completed" AND TemporalScheduledById = "${reconciliationScheduleId(E2E_MERCHANT.platformId)}"`,
      );
      return found.length > 0 ? found : undefined;
    });
    const report = (await client.workflow
      .getHandle(run[0]!.workflowId, run[0]!.runId)
      .result()) as ReconciliationReport;
    expect(report.platformId).toBe(E2E_MERCHANT.platformId);
    expect(Date.parse(report.window.to) - Date.parse(report.window.from)).toBe(3_600_000);
    await handle.delete();
  });
});
