/**
 * Everything one bench run talks to, in one process tree: a Temporal dev server on a SQLite file
 * (a child process, so its CPU can be read from /proc), and in this process the sandbox gateway,
 * the gateway client, the callback receiver, the payout worker with default settings
 * (`createPayoutWorker`) and a bench-only worker for the floor workflows on its own task queue.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createTemporalDelivery } from '../../src/callback/deliver.js';
import { startCallbackReceiver, type CallbackReceiver } from '../../src/callback/receiver.js';
import { createPayoutClient, type PayoutClient } from '../../src/client/index.js';
import { parsePayloadCodecConfig, payoutDataConverter } from '../../src/codec/index.js';
import { createGatewayClient, type GatewayClient } from '../../src/gateway/client.js';
import { parseGatewayConfig } from '../../src/gateway/config.js';
import type { RuleInput } from '../../src/sandbox/scenario.js';
import { startSandboxGateway, type SandboxGateway } from '../../src/sandbox/server.js';
import { freePort } from '../../src/stack/wait.js';
import { resolveTemporalBinary } from '../../src/temporal/provision.js';
import type { Logger } from '../../src/log.js';
import { createPayoutWorker } from '../../src/worker/create-worker.js';
import { headlessDevServerArgs, waitForTemporal } from '../temporal-ready.js';
import { harnessMerchant } from '../../src/sandbox/options.js';
import { floorActivities } from './floor/activities.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export const BENCH_MERCHANT = harnessMerchant('PFBENCH', 'bench');
export const PAYOUT_QUEUE = 'payouts-bench';
export const FLOOR_QUEUE = 'bench-floors';
const CALLBACK_PATH = '/callbacks/payout';
const silent: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** Order id prefixes the sandbox rules tell apart (see {@link benchRules}). */
export const PREFIX = {
  happy: 'BH-',
  unknown: 'BU-',
  unknownOk: 'BK-',
  callback: 'BC-',
  waiting: 'BW-',
  floorA: 'BA-',
} as const;

/**
 * The sandbox's behaviour per prefix: every order is final at once (schedule 0 ms) and sends no
 * callback, except the callback mix's; unknown creates are accepted, answer HTTP 500 and resolve
 * after `unknownQueries` non-final queries; waiting payouts never finalize.
 */
export function benchRules(unknownQueries: number, callbackAfterMs: number): RuleInput[] {
  const noCallback = { send: false };
  return [
    {
      name: 'bench-unknown',
      match: { payoutClIdPrefix: PREFIX.unknown },
      scenario: {
        create: { kind: 'accept-then-fault', fault: 'http-500' },
        finalize: { kind: 'after-queries', queries: unknownQueries },
        callbacks: noCallback,
      },
    },
    {
      name: 'bench-callback',
      match: { payoutClIdPrefix: PREFIX.callback },
      scenario: { finalize: { kind: 'after-ms', ms: callbackAfterMs } },
    },
    {
      name: 'bench-waiting',
      match: { payoutClIdPrefix: PREFIX.waiting },
      scenario: { finalize: { kind: 'never' }, callbacks: noCallback },
    },
    { name: 'bench-at-once', match: {}, scenario: { callbacks: noCallback } },
  ];
}

export interface BenchStack {
  readonly sandbox: SandboxGateway;
  readonly gateway: GatewayClient;
  readonly client: Client;
  readonly payouts: PayoutClient;
  /** The run's payload codec: what the history's size would be without it is read through it. */
  readonly codec: PayloadCodec;
  /**
   * What a worker process of this run needs in its env (Temporal, the codec key, the sandbox
   * merchant), for the probes that run the worker as a process of its own.
   */
  readonly workerEnv: Readonly<Record<string, string>>;
  /** The dev server's pid, for its CPU time. */
  readonly serverPid: number;
  close(): Promise<void>;
}

export interface StackOptions {
  readonly dir: string;
  readonly unknownQueries: number;
  readonly callbackAfterMs: number;
  /** `--sqlite-pragma` values for the dev server (`journal_mode=wal`), to compare settings. */
  readonly sqlitePragmas?: readonly string[];
  /** `--dynamic-config-value` values for the dev server (`KEY=VALUE`), to compare settings. */
  readonly dynamicConfig?: readonly string[];
}

/** CPU seconds (user + system) a process has used, from /proc; NaN where there is no /proc. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / 100; // USER_HZ is 100 on Linux
  } catch {
    return Number.NaN;
  }
}

/** Resident memory of a process in bytes, from /proc; NaN where there is none. */
export function processRssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? Number.NaN : Number(kb) * 1024;
  } catch {
    return Number.NaN;
  }
}

export async function startBenchStack(options: StackOptions): Promise<BenchStack> {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Installed already.
  }
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const cli = resolveTemporalBinary('cli', {
      projectRoot: root,
      env: process.env,
      log: () => {},
    });
    if (cli.source === 'sdk-download') throw new Error('the bench needs a local temporal CLI');
    const port = await freePort();
    const address = `127.0.0.1:${port}`;
    const server = spawnServer(cli.path, port, join(options.dir, 'temporal.sqlite'), [
      ...(options.sqlitePragmas ?? []).flatMap((p) => ['--sqlite-pragma', p]),
      ...(options.dynamicConfig ?? []).flatMap((v) => ['--dynamic-config-value', v]),
    ]);
    cleanups.push(() => stopChild(server));
    await waitForServer(address, server);

    const codecKeys = `bench:${randomBytes(32).toString('base64')}`;
    const dataConverter = payoutDataConverter(
      parsePayloadCodecConfig({ PAYLOAD_CODEC_KEYS: codecKeys }),
    );
    const codec = dataConverter.payloadCodecs?.[0];
    if (codec === undefined) throw new Error('the bench runs with the payload codec on');
    const connection = await Connection.connect({ address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: 'default', dataConverter });

    const verifier: { gateway?: GatewayClient } = {};
    const receiver: CallbackReceiver = await startCallbackReceiver(
      {
        verify: (body) => {
          if (verifier.gateway === undefined) throw new Error('gateway client not ready');
          return verifier.gateway.verifyCallback(body);
        },
        deliver: createTemporalDelivery(client, BENCH_MERCHANT.platformId, {
          taskQueue: PAYOUT_QUEUE,
        }),
        log: silent,
      },
      { host: '127.0.0.1', port: 0, path: CALLBACK_PATH, maxBodyBytes: 16_384 },
    );
    cleanups.push(() => receiver.close());

    const sandbox = await startSandboxGateway({
      merchant: BENCH_MERCHANT,
      schedule: { mode: 'timed', pendingAfterMs: 0, processingAfterMs: 0, finalAfterMs: 0 },
      callbacks: { attempts: 3, intervalMs: 200, timeoutMs: 5_000 },
      rules: benchRules(options.unknownQueries, options.callbackAfterMs),
    });
    cleanups.push(() => sandbox.close());

    const gatewayEnv = {
      GATEWAY_BASE_URL: sandbox.url,
      GATEWAY_PLATFORM_ID: BENCH_MERCHANT.platformId,
      GATEWAY_SECRET: BENCH_MERCHANT.secret,
      GATEWAY_AUTH_TOKEN: BENCH_MERCHANT.authToken,
      GATEWAY_SIGN_MODE: BENCH_MERCHANT.signMode,
      GATEWAY_NOTIFY_URL: `${receiver.url}${CALLBACK_PATH}`,
      GATEWAY_ALLOW_HTTP: 'true',
    };
    const gateway = createGatewayClient({ config: parseGatewayConfig(gatewayEnv) });
    const workerEnv = {
      ...gatewayEnv,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: 'default',
      PAYLOAD_CODEC_KEYS: codecKeys,
    };
    verifier.gateway = gateway;
    cleanups.push(() => gateway.close());

    const native = await NativeConnection.connect({ address });
    cleanups.push(() => native.close());
    // Default worker settings: only what the product's own worker process sets.
    const payoutWorker = await createPayoutWorker({
      connection: native,
      namespace: 'default',
      taskQueue: PAYOUT_QUEUE,
      gateway,
      dataConverter,
    });
    const floorWorker = await Worker.create({
      connection: native,
      namespace: 'default',
      taskQueue: FLOOR_QUEUE,
      workflowsPath: fileURLToPath(new URL('./floor/workflows.ts', import.meta.url)),
      activities: floorActivities,
      dataConverter,
    });
    for (const worker of [payoutWorker, floorWorker]) {
      const running = worker.run();
      cleanups.push(async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      });
    }
    const payouts = createPayoutClient({
      client,
      platformId: BENCH_MERCHANT.platformId,
      taskQueue: PAYOUT_QUEUE,
    });
    return { sandbox, gateway, client, payouts, codec, workerEnv, serverPid: server.pid!, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function spawnServer(
  cli: string,
  port: number,
  dbFile: string,
  extraArgs: readonly string[],
): ChildProcess {
  return spawn(cli, [...headlessDevServerArgs(port, dbFile), ...extraArgs], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

function waitForServer(address: string, child: ChildProcess): Promise<void> {
  return waitForTemporal(address, () => child.exitCode === null);
}
