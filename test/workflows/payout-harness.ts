import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import type { PayoutActivities, SubmitPayoutInput, SubmitResult } from '../../activities/types.js';
import type { QueryOutcome, SubmitOutcome } from '../../vocabulary/gateway.js';
import type { PayoutRequest } from '../../src/client/request.js';
import {
  AmountCentsKey,
  MerchantOrderIdKey,
  PAYOUT_SEARCH_ATTRIBUTES,
  PAYOUT_WORKFLOW_TYPE,
  PayoutStatusKey,
  PlatformIdKey,
  payoutStatusQuery,
  payoutWorkflowId,
  type PayoutResult,
  type PayoutStatusView,
} from '../../workflows/api.js';
import type { payoutWorkflow } from '../../workflows/payout.js';
import type { PayoutPolicyInput } from '../../workflows/policy.js';
import { startTimeSkippingEnv, useTestEnv } from '../support/temporal.js';

/**
 * What the scripted submit does: a create outcome (after a pre-check that found nothing), a whole
 * submit result, throw (a crash), throw `PlatformMismatch`, or hang past its timeout.
 */
export type SubmitStep = SubmitOutcome | SubmitResult | 'throw' | 'hang' | 'platform-mismatch';
/** What the scripted query does: answer, or throw (the gateway is down). */
export type QueryStep = QueryOutcome | 'throw';

/**
 * Scripted payout activities that record their calls. Submits consume their steps in order;
 * queries too, and the last query step repeats. `answer` replaces the query script mid-test.
 */
export class ScriptedGateway {
  readonly submits: SubmitPayoutInput[] = [];
  queries = 0;
  /** Each query answers after this long (real time), e.g. to send a decision while it runs. */
  queryDelayMs = 0;
  /** Each submit answers after this long (real time): the inline first check's wait. */
  submitDelayMs = 0;
  /** Submits that have answered (returned or thrown). */
  submitsAnswered = 0;
  private queryIndex = 0;
  constructor(
    private readonly submitSteps: SubmitStep[],
    private querySteps: QueryStep[],
  ) {}

  answer(...steps: QueryStep[]): void {
    this.querySteps = steps;
    this.queryIndex = 0;
  }

  /** The next scripted submit's answer. */
  private async scriptedSubmit(): Promise<SubmitResult> {
    const step = this.submitSteps.shift();
    if (step === undefined) throw new Error('the script has no further submit');
    if (step === 'throw') throw new Error('worker crashed during the create call');
    if (step === 'platform-mismatch') {
      throw ApplicationFailure.nonRetryable('for merchant X, not PF0002', 'PlatformMismatch');
    }
    if (step === 'hang') {
      await new Promise((resolve) => setTimeout(resolve, 600));
      return { kind: 'sent', outcome: { kind: 'accepted', payoutId: 'POT-LATE' } };
    }
    return 'outcome' in step || step.kind === 'exists' || step.kind === 'not-sent'
      ? step
      : { kind: 'sent', outcome: step };
  }

  activities(): PayoutActivities {
    return {
      submitPayout: async (input) => {
        this.submits.push(input);
        try {
          if (this.submitDelayMs > 0) await new Promise((r) => setTimeout(r, this.submitDelayMs));
          return await this.scriptedSubmit();
        } finally {
          this.submitsAnswered += 1;
        }
      },
      queryPayoutStatus: async (input) => {
        this.queries += 1;
        if (this.queryDelayMs > 0) await new Promise((r) => setTimeout(r, this.queryDelayMs));
        const step = this.querySteps[Math.min(this.queryIndex, this.querySteps.length - 1)];
        this.queryIndex += 1;
        if (step === undefined) throw new Error('the script has no query answer');
        if (step === 'throw') throw ApplicationFailure.retryable('gateway answered 503');
        // A found order is the one asked about (each test uses its own merchant order id).
        return step.kind === 'found'
          ? { ...step, order: { ...step.order, payoutClId: input.merchantOrderId } }
          : step;
      },
    };
  }
}

/** Quiets the SDK's own logs (once per process); the workflows come bundled by the global setup. */
export function prepareWorkflows(): { workflowBundle: { code: string } } {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed by an earlier test file in this process.
  }
  return { workflowBundle: { code: inject('workflowBundleCode') } };
}

/**
 * The time-skipping server accepts custom search attributes once they are added through its
 * operator service (checked: an unregistered one fails the start with INVALID_ARGUMENT).
 */
export async function registerSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(
      PAYOUT_SEARCH_ATTRIBUTES.map((key) => [
        key.name,
        encodeSearchAttributeIndexedValueType(key.type)!,
      ]),
    ),
  });
}

export const PLATFORM_ID = 'PF0002';
let orders = 0;

/** A fresh, valid request with a merchant order id unique to this test file. */
export function newRequest(): PayoutRequest {
  orders += 1;
  return {
    merchantOrderId: `ORDER-${orders}`,
    amountCents: 50_000,
    bankName: '中国农业银行',
    recipientName: 'Zhang San',
    accountNumber: '6228480402564890018',
  };
}

export type PayoutHandle = WorkflowHandleWithFirstExecutionRunId<typeof payoutWorkflow>;

/** Per-test context: a worker on its own task queue; started payouts are terminated at the end. */
export class Harness {
  private queue = 0;
  constructor(
    readonly env: TestWorkflowEnvironment,
    private readonly workflowBundle: { code: string },
  ) {}

  async run<T>(gateway: ScriptedGateway, body: (ctx: TestContext) => Promise<T>): Promise<T> {
    this.queue += 1;
    const taskQueue = `payouts-test-${this.queue}`;
    const worker = await Worker.create({
      connection: this.env.nativeConnection,
      taskQueue,
      workflowBundle: this.workflowBundle,
      activities: gateway.activities(),
      // Same sandbox, run on the main thread: a worker starts in ~50 ms instead of ~500 ms.
      debugMode: true,
    });
    const ctx = new TestContext(this.env, taskQueue);
    try {
      return await worker.runUntil(body(ctx));
    } finally {
      await ctx.cleanUp();
    }
  }
}

export class TestContext {
  private readonly handles: PayoutHandle[] = [];
  constructor(
    readonly env: TestWorkflowEnvironment,
    readonly taskQueue: string,
  ) {}

  /**
   * Starts a payout the way the client library does: by its payout workflow id, with the search
   * attributes (`bare`: as `temporal workflow start` would, without them). `extra` adds fields
   * to the input, as a forger would.
   */
  async start(
    request: PayoutRequest = newRequest(),
    policy?: PayoutPolicyInput,
    options: { workflowId?: string; bare?: boolean; extra?: Record<string, unknown> } = {},
  ): Promise<PayoutHandle> {
    const workflowId = options.workflowId ?? payoutWorkflowId(PLATFORM_ID, request.merchantOrderId);
    const handle = await this.env.client.workflow.start<typeof payoutWorkflow>(
      PAYOUT_WORKFLOW_TYPE,
      {
        taskQueue: this.taskQueue,
        workflowId,
        args: [
          {
            request,
            platformId: PLATFORM_ID,
            ...(policy ? { policy } : {}),
            ...(options.extra ?? {}),
          },
        ],
        ...(options.bare
          ? {}
          : {
              typedSearchAttributes: [
                { key: PayoutStatusKey, value: 'SUBMITTING' },
                { key: MerchantOrderIdKey, value: request.merchantOrderId },
                { key: PlatformIdKey, value: PLATFORM_ID },
                { key: AmountCentsKey, value: request.amountCents },
              ],
            }),
      },
    );
    this.handles.push(handle);
    return handle;
  }

  /** Polls the status query until `ok` holds (real time: the server only skips time on waits). */
  async waitFor(
    handle: PayoutHandle,
    ok: (s: PayoutStatusView) => boolean,
    what: string,
  ): Promise<PayoutStatusView> {
    const until = Date.now() + 10_000;
    let last: PayoutStatusView | undefined;
    while (Date.now() < until) {
      try {
        // With a deadline: a query that reaches a run just closing by continue-as-new can hang.
        last = await this.env.connection.withDeadline(Date.now() + 2_000, () =>
          handle.query(payoutStatusQuery),
        );
        if (ok(last)) return last;
      } catch {
        // Not answered yet (first workflow task pending, or a run closing): ask again.
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`timed out waiting for ${what}; last status: ${JSON.stringify(last)}`);
  }

  /**
   * Moves server time forward one scheduled check at a time until the status satisfies `ok`.
   * Time is skipped only while the workflow waits on its timer (`nextCheckAt` is set), never
   * while an activity runs: the time-skipping server would otherwise skip to the activity's
   * timeout (the TypeScript SDK does not lock time during activities).
   */
  async advanceUntil(
    handle: PayoutHandle,
    ok: (s: PayoutStatusView) => boolean,
    what: string,
  ): Promise<PayoutStatusView> {
    // The dev server does not skip time: there, real time moves the payout.
    if (!this.env.supportsTimeSkipping) return this.waitFor(handle, ok, what);
    const until = Date.now() + 15_000;
    let last: PayoutStatusView | undefined;
    while (Date.now() < until) {
      last = await this.waitFor(handle, () => true, what);
      if (ok(last)) return last;
      if (last.nextCheckAt !== null && last.resolution === null && last.busy === null) {
        const now = await this.env.currentTimeMs();
        await this.env.sleep(Math.max(1, Date.parse(last.nextCheckAt) - now + 1));
        // Let the fired timer's workflow task and activity run (time is locked again).
        await this.waitFor(handle, (s) => s.nextCheckAt !== last!.nextCheckAt, what);
      } else {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    throw new Error(`timed out advancing to ${what}; last status: ${JSON.stringify(last)}`);
  }

  /** Advances until the payout is final, then returns its result. */
  async finish(handle: PayoutHandle): Promise<PayoutResult> {
    await this.advanceUntil(handle, (s) => s.resolution !== null, 'a final status');
    return handle.result();
  }

  async payoutStatusAttribute(handle: PayoutHandle): Promise<string | undefined> {
    return (await handle.describe()).typedSearchAttributes.get(PayoutStatusKey);
  }

  async cleanUp(): Promise<void> {
    for (const handle of this.handles) {
      const { status } = await handle.describe();
      if (status.name === 'RUNNING') await handle.terminate('test finished');
    }
  }
}

/**
 * A {@link Harness} over a server `start` gives, started before the file's tests (the SDK's logs
 * quieted first) and stopped after them.
 */
export function useHarness(start: () => Promise<TestWorkflowEnvironment>): {
  run<T>(gateway: ScriptedGateway, body: (ctx: TestContext) => Promise<T>): Promise<T>;
  readonly env: TestWorkflowEnvironment;
} {
  let bundle: { code: string } | undefined;
  const env = useTestEnv(async () => {
    bundle = prepareWorkflows().workflowBundle;
    return start();
  });
  let harness: Harness | undefined;
  return {
    run: (gateway, body) => {
      harness ??= new Harness(env(), bundle ?? prepareWorkflows().workflowBundle);
      return harness.run(gateway, body);
    },
    get env() {
      return env();
    },
  };
}

/** {@link useHarness} over the time-skipping server, the payout search attributes registered. */
export function useTimeSkippingHarness(): ReturnType<typeof useHarness> {
  return useHarness(async () => {
    const env = await startTimeSkippingEnv();
    await registerSearchAttributes(env);
    return env;
  });
}

/** The kinds of the evidence entries a status view holds, in order. */
export const evidenceKinds = (s: PayoutStatusView): string[] =>
  s.evidence.entries.map((e) => e.kind);
