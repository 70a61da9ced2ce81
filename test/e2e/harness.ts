/**
 * The whole product wired as `npm start` wires it, in one test process: a Temporal dev server,
 * the sandbox gateway on a fast timed schedule, the real gateway client with short timeouts, the
 * callback receiver behind `notify_url` signalling Temporal, a real payout worker on its own task
 * queue, and the client library. Every payload is encrypted with a key of the harness's own, as
 * in production. One harness per test file ({@link useE2e}); everything it started is closed in
 * `afterAll`, even when a test or the start itself failed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, type WorkflowHandle } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type RuntimeOptions, type Worker } from '@temporalio/worker';
import { afterAll, beforeAll, inject } from 'vitest';
import { createTemporalDelivery } from '../../src/callback/deliver.js';
import { startCallbackReceiver } from '../../src/callback/receiver.js';
import { parsePayloadCodecConfig, payoutDataConverter } from '../../src/codec/index.js';
import {
  createPayoutClient,
  type PayoutClient,
  type PayoutPolicyInput,
  type StartedPayout,
} from '../../src/client/index.js';
import { createGatewayClient, type GatewayClient } from '../../src/gateway/client.js';
import {
  gatewayCallDeadlineMs,
  parseGatewayConfig,
  type GatewayConfig,
} from '../../src/gateway/config.js';
import type { PayoutRequest } from '../../src/client/request.js';
import { DEMO_RULE_INPUTS } from '../../src/sandbox/demo-rules.js';
import type { RuleInput } from '../../src/sandbox/scenario.js';
import { startSandboxGateway, type SandboxGateway } from '../../src/sandbox/server.js';
import { createPayoutWorker } from '../../src/worker/create-worker.js';
import { payoutWorkflowId } from '../../workflows/api.js';
import type { payoutWorkflow } from '../../workflows/payout.js';
import { parsePayoutPolicy } from '../../workflows/policy.js';
import { createMemoryLogger } from '../support/logger.js';
import { harnessMerchant } from '../../src/sandbox/options.js';
import { startDevServerEnv } from '../support/temporal.js';

/**
 * The merchant of every e2e payout. The secret and token are distinctive so a test can search a
 * workflow history for them; they are the sandbox's test credentials, not real ones.
 */
export const E2E_MERCHANT = harnessMerchant('PFE2E01', 'e2e');

/** Path of the callback endpoint behind `notify_url`. */
export const CALLBACK_PATH = '/callbacks/payout';

/** The sandbox's schedule: created → pending 100 ms → processing 200 ms → final 400 ms. */
export const SANDBOX_SCHEDULE = {
  mode: 'timed',
  pendingAfterMs: 100,
  processingAfterMs: 200,
  finalAfterMs: 400,
} as const;

/** Gateway client timeouts: short, so a hanging create costs about a second (undici adds ~1 s). */
const GATEWAY_TIMEOUTS = {
  GATEWAY_CONNECT_TIMEOUT_MS: '500',
  GATEWAY_HEADERS_TIMEOUT_MS: '800',
  GATEWAY_BODY_TIMEOUT_MS: '800',
} as const;

/**
 * The policy every e2e payout starts with (a test may override fields): checks every 200 ms to
 * 1 s, escalation of a missing order after 3 s, slow checks in review every 500 ms. Activity
 * timeouts are well above the gateway client's own deadline (checked at start).
 */
export const FAST_POLICY = {
  firstCheckDelay: '200ms',
  maxCheckDelay: '1s',
  notFoundGrace: '3s',
  rejectionConfirmWindow: '1s',
  reviewCheckInterval: '500ms',
  callbackConfirmDelay: '200ms',
  submitTimeout: '10s',
  submitScheduleToCloseTimeout: '30s',
  queryTimeout: '6s',
  queryRetryInterval: '200ms',
  queryMaxAttempts: 4,
} as const satisfies PayoutPolicyInput;

/** What a test file asks of its harness. */
export interface E2eOptions {
  /** Names the task queue (with a random suffix). */
  readonly name: string;
  /** Scenario rules tried before the demo rules (src/sandbox/demo-rules.ts). */
  readonly rules?: readonly RuleInput[];
  /** The dev server keeps its state in this SQLite file; in memory without it. */
  readonly dbFilename?: string;
  /**
   * The SDK runtime's logger and telemetry (a worker's logs, its Prometheus endpoint), instead of
   * a quiet logger. The runtime is installed once per process: the first harness of a file decides.
   */
  readonly runtime?: Pick<RuntimeOptions, 'logger' | 'telemetryOptions'>;
}

/** A running product, as one test file sees it. */
export interface E2e {
  readonly env: TestWorkflowEnvironment;
  /** The Temporal client (visibility, raw signals, history), with the product's data converter. */
  readonly client: Client;
  /** A client with Temporal's default data converter: it sees payloads as Temporal stores them. */
  readonly rawClient: Client;
  /** The payload codec every client and the worker of this harness use. */
  readonly codec: PayloadCodec;
  /** Its key ring as PAYLOAD_CODEC_KEYS, for the product's processes a test spawns (the CLI). */
  readonly codecKeys: string;
  /** The client library, as a backend service would use it. */
  readonly payouts: PayoutClient;
  readonly sandbox: SandboxGateway;
  readonly gatewayConfig: GatewayConfig;
  /** What the callback receiver logged. */
  readonly receiverLog: ReturnType<typeof createMemoryLogger>;
  readonly taskQueue: string;
  /** A valid payout request whose merchant order id is `prefix` plus a number unique to the file. */
  request(prefix: string, overrides?: Partial<PayoutRequest>): PayoutRequest;
  /** Starts a payout through the client library with {@link FAST_POLICY} plus `policy`. */
  start(request: PayoutRequest, policy?: PayoutPolicyInput): Promise<StartedPayout>;
  /** The Temporal handle of a payout. */
  handle(merchantOrderId: string): WorkflowHandle<typeof payoutWorkflow>;
  /** Stops everything this harness started, in reverse order. */
  close(): Promise<void>;
}

let runtimeInstalled = false;

/** Keeps the SDK quiet (activity retries are expected here); once per process. */
function quietRuntime(runtime?: E2eOptions['runtime']): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install(runtime ?? { logger: new DefaultLogger('ERROR') });
  } catch {
    // Installed already by another module in this process.
  }
}

/** Starts the whole product. On failure, whatever had started is closed before the error. */
export async function startE2e(options: E2eOptions): Promise<E2e> {
  quietRuntime(options.runtime);
  const cleanups: Array<() => Promise<void>> = [];
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const errors: unknown[] = [];
      for (const cleanup of cleanups.reverse()) {
        try {
          await cleanup();
        } catch (error) {
          errors.push(error);
        }
      }
      if (errors.length > 0) throw new AggregateError(errors, 'e2e teardown failed');
    })();
    return closing;
  };

  try {
    const taskQueue = `e2e-${options.name}-${randomUUID().slice(0, 8)}`;
    const env = await startDevServerEnv(
      options.dbFilename === undefined ? {} : { dbFilename: options.dbFilename },
    );
    cleanups.push(() => env.teardown());
    // Through the config parser, as the processes read their key.
    const codecKeys = `e2e:${randomBytes(32).toString('base64')}`;
    const dataConverter = payoutDataConverter(
      parsePayloadCodecConfig({ PAYLOAD_CODEC_KEYS: codecKeys }),
    );
    const [codec] = dataConverter.payloadCodecs ?? [];
    if (codec === undefined) throw new Error('the e2e data converter has no codec');
    const client = new Client({ connection: env.connection, namespace: 'default', dataConverter });

    // The receiver's URL goes into the gateway config, whose client verifies the callbacks.
    const verifier: { gateway?: GatewayClient } = {};
    const receiverLog = createMemoryLogger();
    const receiver = await startCallbackReceiver(
      {
        verify: (body) => {
          if (verifier.gateway === undefined) throw new Error('gateway client not ready');
          return verifier.gateway.verifyCallback(body);
        },
        deliver: createTemporalDelivery(client, E2E_MERCHANT.platformId, { taskQueue }),
        log: receiverLog,
      },
      { host: '127.0.0.1', port: 0, path: CALLBACK_PATH, maxBodyBytes: 16_384 },
    );
    cleanups.push(() => receiver.close());

    const sandbox = await startSandboxGateway({
      merchant: E2E_MERCHANT,
      schedule: SANDBOX_SCHEDULE,
      callbacks: { attempts: 3, intervalMs: 100, timeoutMs: 2_000 },
      rules: [...(options.rules ?? []), ...DEMO_RULE_INPUTS],
    });
    cleanups.push(() => sandbox.close());

    const gatewayConfig = parseGatewayConfig({
      GATEWAY_BASE_URL: sandbox.url,
      GATEWAY_PLATFORM_ID: E2E_MERCHANT.platformId,
      GATEWAY_SECRET: E2E_MERCHANT.secret,
      GATEWAY_AUTH_TOKEN: E2E_MERCHANT.authToken,
      GATEWAY_SIGN_MODE: E2E_MERCHANT.signMode,
      GATEWAY_NOTIFY_URL: `${receiver.url}${CALLBACK_PATH}`,
      GATEWAY_ALLOW_HTTP: 'true',
      ...GATEWAY_TIMEOUTS,
    });
    assertActivityTimeoutsExceed(gatewayCallDeadlineMs(gatewayConfig));
    const gatewayClient = createGatewayClient({ config: gatewayConfig });
    verifier.gateway = gatewayClient;
    cleanups.push(() => gatewayClient.close());

    const worker = await createPayoutWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      gateway: gatewayClient,
      dataConverter,
      // The bundle the global setup built once for the whole run, not one per test file.
      overrides: { workflowBundle: { code: inject('workflowBundleCode') } },
    });
    // Settles with the worker's failure, if any; kept until teardown reports it.
    const running = worker.run().then(
      () => undefined,
      (error: unknown) =>
        error instanceof Error ? error : new Error('the worker failed', { cause: error }),
    );
    cleanups.push(() => stopWorker(worker, running));
    // Tests may rely on the worker being seen on the queue (the client's platform check does).
    await waitForPoller(client, taskQueue);

    const payouts = createPayoutClient({
      client,
      platformId: E2E_MERCHANT.platformId,
      taskQueue,
    });
    let orders = 0;
    return {
      env,
      client,
      rawClient: env.client,
      codec,
      codecKeys,
      payouts,
      sandbox,
      gatewayConfig,
      receiverLog,
      taskQueue,
      request(prefix, overrides = {}) {
        orders += 1;
        return {
          merchantOrderId: `${prefix}${orders}`,
          amountCents: 50_000,
          bankName: '中国农业银行',
          recipientName: '张三',
          accountNumber: '6228480402564890018',
          ...overrides,
        };
      },
      start: (request, policy = {}) =>
        payouts.startPayout(request, { policy: { ...FAST_POLICY, ...policy } }),
      handle: (merchantOrderId) =>
        client.workflow.getHandle<typeof payoutWorkflow>(
          payoutWorkflowId(E2E_MERCHANT.platformId, merchantOrderId),
        ),
      close,
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

/**
 * Registers `beforeAll`/`afterAll` for one harness in the calling test file; returns a getter
 * for use inside tests.
 */
export function useE2e(options: E2eOptions): () => E2e {
  let e2e: E2e | undefined;
  beforeAll(async () => {
    e2e = await startE2e(options);
  });
  afterAll(async () => {
    await e2e?.close();
  });
  return () => {
    if (e2e === undefined) throw new Error('the e2e harness did not start');
    return e2e;
  };
}

/** The workflow's activity timeouts must outlast one gateway call, or a create is cut off. */
function assertActivityTimeoutsExceed(deadlineMs: number): void {
  const parsed = parsePayoutPolicy(FAST_POLICY);
  if (!parsed.ok) throw new Error(`FAST_POLICY: ${JSON.stringify(parsed.issues)}`);
  const policy = parsed.policy;
  if (policy.submitTimeout <= deadlineMs || policy.queryTimeout <= deadlineMs) {
    throw new Error(
      `activity timeouts (${policy.submitTimeout}, ${policy.queryTimeout} ms) must exceed the gateway deadline ${deadlineMs} ms`,
    );
  }
}

/** Waits until Temporal lists a poller on the workflow task queue (at most 10 s). */
async function waitForPoller(client: Client, taskQueue: string): Promise<void> {
  const until = Date.now() + 10_000;
  for (;;) {
    const response = await client.workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name: taskQueue },
    });
    if ((response.pollers ?? []).length > 0) return;
    if (Date.now() > until) throw new Error(`no poller on ${taskQueue} after 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Shuts the worker down (it finishes the activities in hand) and reports a worker failure. */
async function stopWorker(worker: Worker, running: Promise<Error | undefined>): Promise<void> {
  if (worker.getState() === 'RUNNING') worker.shutdown();
  const failure = await running;
  if (failure !== undefined) throw failure;
}

/**
 * A copy of `value` (a history, an event, a failure) with every encrypted payload decoded by
 * `codec`: what the Web UI shows through the codec server.
 */
export async function decodePayloads(value: unknown, codec: PayloadCodec): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((v) => decodePayloads(v, codec)));
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return value;
  const record = value as Record<string, unknown>;
  if (isPayload(record)) {
    const [decoded] = await codec.decode([record]);
    return decoded;
  }
  const entries = await Promise.all(
    Object.entries(record).map(async ([k, v]) => [k, await decodePayloads(v, codec)] as const),
  );
  return Object.fromEntries(entries);
}

const isPayload = (v: Record<string, unknown>): boolean =>
  v['data'] instanceof Uint8Array &&
  typeof v['metadata'] === 'object' &&
  v['metadata'] !== null &&
  (v['metadata'] as Record<string, unknown>)['encoding'] instanceof Uint8Array;
