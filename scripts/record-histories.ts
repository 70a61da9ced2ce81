/**
 * `npm run histories:record`: runs each payout path on a Temporal dev server with scripted
 * activities and writes its event history to test/workflows/histories/. The replay test replays
 * them against the current workflow code, so a change that would break running payouts fails CI.
 * Re-record only for a change that is meant to be incompatible (and then version the workflow).
 * `npm run histories:record -- NAME...` records only the named paths: a new path gets its
 * history without the older ones being rewritten by newer code.
 */
import { ApplicationFailure } from '@temporalio/common';
import { spawnSync } from 'node:child_process';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PayoutActivities, SubmitResult } from '../activities/types.js';
import type { GatewayOrder, QueryOutcome, SubmitOutcome } from '../vocabulary/gateway.js';
import { resolveTemporalBinary, toExecutable } from '../src/temporal/provision.js';
import { sharedWorkflowModulePaths } from '../src/worker/workflow-sources.js';
import {
  operatorDecisionUpdate,
  PAYOUT_WORKFLOW_TYPE,
  payoutCallbackSignal,
  payoutStatusQuery,
  payoutWorkflowId,
} from '../workflows/api.js';
import type { payoutWorkflow } from '../workflows/payout.js';
import type { PayoutPolicyInput } from '../workflows/policy.js';
import { PAYOUT_SEARCH_ATTRIBUTES } from '../workflows/api.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = `${root}test/workflows/histories`;
const PLATFORM_ID = 'PF0002';
/** Short timings, so the whole set records in seconds. */
const FAST: PayoutPolicyInput = {
  firstCheckDelay: '300ms',
  maxCheckDelay: '1s',
  queryRetryInterval: '200ms',
};

type Step = SubmitOutcome | QueryOutcome | 'throw';

const order = (
  merchantOrderId: string,
  state: GatewayOrder['state'],
  statusCode: number,
): QueryOutcome => ({
  kind: 'found',
  order: {
    payoutId: `POT-${merchantOrderId}`,
    payoutClId: merchantOrderId,
    platformId: PLATFORM_ID,
    state,
    statusCode,
    amountCents: 50_000,
  },
});

/** One recorded path: scripted gateway answers, and what a person or the gateway does meanwhile. */
interface Scenario {
  readonly name: string;
  /** How the payout must end; a recording that ends otherwise is refused. */
  readonly expect: 'SUCCEEDED' | 'FAILED' | 'REJECTED';
  /** What each submit does: a create outcome (after a pre-check that found nothing), or a whole result. */
  readonly submits: (SubmitOutcome | SubmitResult)[];
  readonly queries: (id: string) => Step[];
  /** The answer of the first check inside an accepted submit, when it ran there. */
  readonly firstCheck?: (id: string) => QueryOutcome;
  readonly policy?: PayoutPolicyInput;
  readonly during?: (
    handle: ReturnType<TestWorkflowEnvironment['client']['workflow']['getHandle']>,
    id: string,
  ) => Promise<void>;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'accepted-then-success',
    expect: 'SUCCEEDED',
    submits: [{ kind: 'accepted', payoutId: '' }],
    queries: (id) => [order(id, 'pending', 1), order(id, 'processing', 2), order(id, 'success', 3)],
  },
  {
    name: 'unknown-then-failed',
    expect: 'FAILED',
    submits: [{ kind: 'unknown', reason: 'timeout', detail: 'headers timeout after 10000 ms' }],
    queries: (id) => [
      { kind: 'not-found' },
      'throw',
      order(id, 'processing', 2),
      order(id, 'failed', 5),
    ],
  },
  {
    name: 'rejected-confirmed',
    expect: 'REJECTED',
    submits: [{ kind: 'rejected', code: '0012', message: 'Unsupported bank' }],
    queries: () => [{ kind: 'not-found' }],
    policy: { rejectionConfirmWindow: '1s' },
  },
  {
    name: 'known-order-followed',
    expect: 'SUCCEEDED',
    submits: [{ kind: 'exists', precheck: { kind: 'not-found' } }],
    queries: (id) => [order(id, 'success', 3)],
  },
  {
    name: 'callback-early',
    expect: 'SUCCEEDED',
    submits: [{ kind: 'accepted', payoutId: '' }],
    queries: (id) => [order(id, 'success', 3)],
    policy: { firstCheckDelay: '1h', maxCheckDelay: '1h' },
    during: async (handle, id) => {
      await handle.signal(payoutCallbackSignal, {
        payoutId: `POT-${id}`,
        payoutClId: id,
        platformId: PLATFORM_ID,
        state: 'success',
        statusCode: 3,
        amountCents: 50_000,
      });
    },
  },
  {
    name: 'escalated-then-operator',
    expect: 'FAILED',
    submits: [{ kind: 'unknown', reason: 'connection', detail: 'socket hang up' }],
    queries: () => [{ kind: 'not-found' }],
    policy: { notFoundGrace: '2s' },
    during: async (handle) => {
      // Wait until it escalates (a refused update would be recorded), then confirm the failure.
      for (let i = 0; i < 200; i += 1) {
        const view = await handle.query(payoutStatusQuery).catch(() => undefined);
        if (view?.status === 'NEEDS_REVIEW') {
          await handle.executeUpdate(operatorDecisionUpdate, {
            args: [
              {
                action: 'confirm-failed',
                operatorId: 'alice',
                reason: 'gateway support: no order',
              },
            ],
          });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error('the payout never escalated');
    },
  },
  {
    name: 'continued-as-new',
    expect: 'SUCCEEDED',
    submits: [{ kind: 'accepted', payoutId: '' }],
    queries: (id) => [
      ...Array.from({ length: 12 }, () => order(id, 'processing', 2)),
      order(id, 'success', 3),
    ],
    policy: { maxRunEvents: 50, firstCheckDelay: '50ms', maxCheckDelay: '50ms' },
  },
  {
    name: 'first-check-in-submit',
    expect: 'SUCCEEDED',
    submits: [{ kind: 'accepted', payoutId: '' }],
    firstCheck: (id) => order(id, 'processing', 2),
    queries: (id) => [order(id, 'success', 3)],
  },
  {
    name: 'first-check-final-in-submit',
    expect: 'SUCCEEDED',
    submits: [{ kind: 'accepted', payoutId: '' }],
    firstCheck: (id) => order(id, 'success', 3),
    queries: () => [],
  },
];

function scripted(scenario: Scenario, id: string): PayoutActivities {
  const submits = [...scenario.submits];
  const queries = scenario.queries(id);
  let q = 0;
  return {
    submitPayout: () => {
      const next = submits.shift();
      if (!next) throw new Error(`${scenario.name}: no further submit scripted`);
      if (next.kind === 'exists')
        return Promise.resolve({ ...next, precheck: order(id, 'processing', 2) });
      if (next.kind === 'sent' || next.kind === 'not-sent') return Promise.resolve(next);
      // The gateway's payout_id is the same in the create answer and in every query answer.
      const outcome = next.kind === 'accepted' ? { ...next, payoutId: `POT-${id}` } : next;
      const firstCheck = next.kind === 'accepted' ? scenario.firstCheck?.(id) : undefined;
      if (firstCheck !== undefined && firstCheck.kind !== 'unavailable') {
        return Promise.resolve({ kind: 'sent', outcome, firstCheck });
      }
      return Promise.resolve({ kind: 'sent', outcome });
    },
    queryPayoutStatus: () => {
      const step = queries[Math.min(q, queries.length - 1)];
      q += 1;
      if (step === undefined || step === 'throw') {
        const failure = ApplicationFailure.retryable('gateway answered 503');
        // A committed history must not carry this machine's paths in a stack trace.
        failure.stack = 'ApplicationFailure: gateway answered 503';
        throw failure;
      }
      return Promise.resolve(step as QueryOutcome);
    },
  };
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  // The dev server, in real time with short timings: the time-skipping server can jump past an
  // activity's timeout, which would record a path no real payout takes.
  const cli = resolveTemporalBinary('cli', { projectRoot: root, env: process.env });
  if (cli.source === 'sdk-download') throw new Error('recording needs a local temporal CLI');
  const cliPath = cli.path;
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: toExecutable(cli), searchAttributes: [...PAYOUT_SEARCH_ATTRIBUTES] },
  });
  try {
    mkdirSync(outDir, { recursive: true });
    const only = process.argv.slice(2);
    const unknown = only.filter((name) => !SCENARIOS.some((s) => s.name === name));
    if (unknown.length > 0) throw new Error(`no recorded path named ${unknown.join(', ')}`);
    for (const scenario of SCENARIOS.filter((s) => only.length === 0 || only.includes(s.name))) {
      const id = `HIST-${scenario.name}`.slice(0, 32);
      const taskQueue = `record-${scenario.name}`;
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowsPath: `${root}workflows/index.ts`,
        // As the product's worker bundles them: the pure modules shared.
        bundlerOptions: { preloadModules: sharedWorkflowModulePaths() },
        activities: scripted(scenario, id),
      });
      await worker.runUntil(async () => {
        const handle = await env.client.workflow.start<typeof payoutWorkflow>(
          PAYOUT_WORKFLOW_TYPE,
          {
            taskQueue,
            workflowId: payoutWorkflowId(PLATFORM_ID, id),
            args: [
              {
                request: {
                  merchantOrderId: id,
                  amountCents: 50_000,
                  bankName: '中国农业银行',
                  recipientName: '测试用户',
                  accountNumber: '6228480000000000000',
                },
                platformId: PLATFORM_ID,
                policy: { ...FAST, ...scenario.policy },
              },
            ],
          },
        );
        if (scenario.during)
          await scenario.during(env.client.workflow.getHandle(handle.workflowId), id);
        const result = await Promise.race([
          env.client.workflow.getHandle<typeof payoutWorkflow>(handle.workflowId).result(),
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error(`${scenario.name}: no result within 60 s`)), 60_000),
          ),
        ]);
        if (result.status !== scenario.expect) {
          throw new Error(`${scenario.name}: ended ${result.status}, expected ${scenario.expect}`);
        }
        // The CLI writes histories in the standard JSON form that `historyFromJSON` reads. The
        // first run always; the last one too when the payout continued as new.
        const show = (runId?: string) => {
          const shown = spawnSync(
            cliPath,
            [
              'workflow',
              'show',
              '--address',
              env.address,
              '--workflow-id',
              handle.workflowId,
              '--output',
              'json',
              ...(runId ? ['--run-id', runId] : []),
            ],
            { encoding: 'utf8' },
          );
          if (shown.status !== 0) throw new Error(`temporal workflow show failed: ${shown.stderr}`);
          return JSON.parse(shown.stdout) as { events?: { eventType?: string }[] };
        };
        const first = show(handle.firstExecutionRunId);
        writeFileSync(`${outDir}/${scenario.name}.json`, `${JSON.stringify(first, null, 2)}\n`);
        const history = show();
        if (first.events?.at(-1)?.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW') {
          writeFileSync(
            `${outDir}/${scenario.name}.last-run.json`,
            `${JSON.stringify(history, null, 2)}\n`,
          );
        }
        process.stdout.write(
          `${scenario.name}: ${result.status}, ${history.events?.length ?? 0} events\n`,
        );
      });
    }
  } finally {
    await env.teardown();
  }
}

await main();
