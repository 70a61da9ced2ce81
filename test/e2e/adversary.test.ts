/**
 * End to end, as an adversary or a careless operator would try it: deleting closed runs (as
 * retention does), resetting, starting outside the client library, the wrong merchant, forged
 * input and cancel requests. The gateway's own records (the sandbox's) say whether money moved
 * twice.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { describe, it } from 'vitest';
import {
  PayoutWorkflowFailedError,
  PlatformMismatchError,
  createPayoutClient,
} from '../../src/client/index.js';
import { createGatewayClient } from '../../src/gateway/client.js';
import type { RuleInput } from '../../src/sandbox/scenario.js';
import { PAYOUT_WORKFLOW_TYPE, payoutWorkflowId } from '../../workflows/api.js';
import { E2E_MERCHANT, useE2e, type E2e } from './harness.js';
import { resetToFirstWorkflowTask } from '../support/reset.js';
import { createCounts, eventually, waitForStatus, staysProcessing } from './support.js';

const RULES: RuleInput[] = [staysProcessing('ADV-STUCK-')];
const e2e = useE2e({ name: 'adversary', rules: RULES });
const WAIT = { timeoutMs: 20_000 };

/** A payout that ran to SUCCEEDED, with the one create the sandbox recorded. */
async function succeeded(x: E2e, prefix: string) {
  const request = x.request(prefix);
  await x.start(request);
  const result = await x.payouts.waitForPayout(request.merchantOrderId, WAIT);
  if (result.status !== 'SUCCEEDED') throw new Error(`unexpected ${result.status}`);
  return { request, result, runId: (await x.handle(request.merchantOrderId).describe()).runId };
}

/** Deletes the closed run, as the namespace's retention would, and waits until it is gone. */
async function deleteRun(x: E2e, merchantOrderId: string, runId: string): Promise<void> {
  const workflowId = payoutWorkflowId(E2E_MERCHANT.platformId, merchantOrderId);
  await x.client.workflowService.deleteWorkflowExecution({
    namespace: 'default',
    workflowExecution: { workflowId, runId },
  });
  // The dev server deletes a closed run about 30 s after the request.
  await eventually(
    'the run to be deleted',
    async () => {
      try {
        await x.handle(merchantOrderId).describe();
        return undefined;
      } catch (error) {
        return error instanceof WorkflowNotFoundError ? true : undefined;
      }
    },
    { timeoutMs: 150_000, intervalMs: 500 },
  );
}

describe.concurrent('the gateway, not the workflow id, guards the create', () => {
  it(
    'a duplicate start after the closed run left retention follows the order: no second create',
    {
      timeout: 200_000,
    },
    async ({ expect }) => {
      const x = e2e();
      const { request, result, runId } = await succeeded(x, 'ADV-DEL-');
      await deleteRun(x, request.merchantOrderId, runId);

      const again = await x.start(request);
      expect(again.created).toBe(true);
      const second = await x.payouts.waitForPayout(request.merchantOrderId, WAIT);
      expect(second).toMatchObject({ status: 'SUCCEEDED', creates: 0, payoutId: result.payoutId });
      expect(createCounts(x.sandbox, request.merchantOrderId)).toEqual({ calls: 1, created: 1 });
    },
  );

  it('an order the gateway holds with another amount is a conflict: no create', async ({
    expect,
  }) => {
    const x = e2e();
    // As after retention, or an order created behind the orchestrator's back.
    const request = x.request('ADV-HELD-');
    const direct = createGatewayClient({ config: x.gatewayConfig });
    try {
      expect(await direct.submitPayout(request)).toMatchObject({ kind: 'accepted' });
    } finally {
      await direct.close();
    }
    await eventually('the order to be paid', () =>
      x.sandbox.order(request.merchantOrderId)?.statusName === 'success' ? true : undefined,
    );

    const started = await x.start({ ...request, amountCents: request.amountCents + 100 });
    expect(started.created).toBe(true);
    await waitForStatus(x, request.merchantOrderId, 'NEEDS_REVIEW');
    // The order's own signed callback may reach the payout before its submit's pre-check answer
    // (both say conflict): wait for the answer, whose record is what the operator sees.
    const view = await eventually('the pre-check answer recorded', async () => {
      const now = await x.payouts.getPayout(request.merchantOrderId);
      return now.gateway === null ? undefined : now;
    });
    expect(view.status).toBe('NEEDS_REVIEW');
    expect(view.escalation).toMatchObject({ reason: 'conflict-mismatch', kind: 'conflict' });
    // The gateway's record stays visible: it paid, at the first amount.
    expect(view.gateway).toMatchObject({ state: 'success', source: 'query' });
    expect(createCounts(x.sandbox, request.merchantOrderId)).toEqual({ calls: 1, created: 1 });
  });

  it('a reset to the first workflow task asks the gateway again: no second create', async ({
    expect,
  }) => {
    const x = e2e();
    const { request, result, runId } = await succeeded(x, 'ADV-RESET-');
    const handle = x.handle(request.merchantOrderId);
    await resetToFirstWorkflowTask(x.client, handle, runId, 'adversary test');
    const reset = await eventually('the reset run to finish', async () => {
      const d = await handle.describe();
      return d.runId !== runId && d.status.name === 'COMPLETED' ? d : undefined;
    });
    expect(reset.runId).not.toBe(runId);
    const second = await handle.result();
    expect(second).toMatchObject({ status: 'SUCCEEDED', payoutId: result.payoutId });
    expect(createCounts(x.sandbox, request.merchantOrderId)).toEqual({ calls: 1, created: 1 });
  });

  it("a start outside the client library, with Temporal's default id reuse, sends no second create", async ({
    expect,
  }) => {
    const x = e2e();
    const { request, result } = await succeeded(x, 'ADV-RAW-');
    // As `temporal workflow start` or the Web UI's "Start Workflow Like This One" would.
    const handle = await x.client.workflow.start(PAYOUT_WORKFLOW_TYPE, {
      taskQueue: x.taskQueue,
      workflowId: payoutWorkflowId(E2E_MERCHANT.platformId, request.merchantOrderId),
      args: [{ request, platformId: E2E_MERCHANT.platformId }],
    });
    const second = (await handle.result()) as { status: string; creates: number; payoutId: string };
    expect(second).toMatchObject({ status: 'SUCCEEDED', creates: 0, payoutId: result.payoutId });
    expect(createCounts(x.sandbox, request.merchantOrderId)).toEqual({ calls: 1, created: 1 });
  });
});

describe.concurrent('the workflow trusts only what it made', () => {
  it('a client for another merchant learns it at start: nothing is started', async ({ expect }) => {
    const x = e2e();
    const other = createPayoutClient({
      client: x.client,
      platformId: 'PFOTHER',
      taskQueue: x.taskQueue,
    });
    const request = x.request('ADV-PLAT-');
    await expect(other.startPayout(request)).rejects.toBeInstanceOf(PlatformMismatchError);
    await expect(other.getPayout(request.merchantOrderId)).rejects.toMatchObject({
      name: 'PayoutNotFoundError',
    });
    expect(x.sandbox.record(request.merchantOrderId).creates).toHaveLength(0);
  });

  it('a start for another merchant that skips the client is refused by the workflow, nothing sent', async ({
    expect,
  }) => {
    const x = e2e();
    const request = x.request('ADV-PLATRAW-');
    const handle = await x.client.workflow.start(PAYOUT_WORKFLOW_TYPE, {
      taskQueue: x.taskQueue,
      workflowId: payoutWorkflowId('PFOTHER', request.merchantOrderId),
      args: [{ request, platformId: 'PFOTHER' }],
    });
    await expect(handle.result()).rejects.toMatchObject({
      cause: { type: 'InvalidPayoutInput', message: expect.stringContaining('PFOTHER') as unknown },
    });
    const record = x.sandbox.record(request.merchantOrderId);
    expect(record.creates).toHaveLength(0);
    expect(record.queries).toHaveLength(0);
  });

  it('a start with a forged resume saying SUCCEEDED fails: the backend never hears SUCCEEDED', async ({
    expect,
  }) => {
    const x = e2e();
    const request = x.request('ADV-FORGE-');
    await x.client.workflow.start(PAYOUT_WORKFLOW_TYPE, {
      taskQueue: x.taskQueue,
      workflowId: payoutWorkflowId(E2E_MERCHANT.platformId, request.merchantOrderId),
      args: [
        {
          request,
          platformId: E2E_MERCHANT.platformId,
          resume: { version: 2, status: 'SUCCEEDED', result: { status: 'SUCCEEDED' } },
        },
      ],
    });
    await expect(x.payouts.waitForPayout(request.merchantOrderId, WAIT)).rejects.toBeInstanceOf(
      PayoutWorkflowFailedError,
    );
    expect(x.sandbox.record(request.merchantOrderId).creates).toHaveLength(0);
  });

  it('"Request Cancellation" on a processing payout: NEEDS_REVIEW, checked until the gateway is final', async ({
    expect,
  }) => {
    const x = e2e();
    const request = x.request('ADV-STUCK-');
    await x.start(request);
    await eventually('the order to be processing', async () => {
      const v = await x.payouts.getPayout(request.merchantOrderId);
      return v.gatewayState === 'processing' ? v : undefined;
    });
    await x.handle(request.merchantOrderId).cancel();
    const review = await waitForStatus(x, request.merchantOrderId, 'NEEDS_REVIEW');
    expect(review.escalation?.reason).toBe('cancel-requested');
    x.sandbox.forceStatus(request.merchantOrderId, 'success');
    const result = await x.payouts.waitForPayout(request.merchantOrderId, WAIT);
    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      resolvedBy: { afterEscalation: 'cancel-requested' },
    });
    expect((await x.handle(request.merchantOrderId).describe()).status.name).toBe('COMPLETED');
  });
});
