import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePayloadCodecConfig, payoutDataConverter } from '../../src/codec/index.js';
import { startSandboxGateway, type SandboxGateway } from '../../src/sandbox/server.js';
import { freePorts } from '../../src/stack/wait.js';
import { resolveTemporalBinary } from '../../src/temporal/provision.js';
import { ManagedProcess } from './processes.js';
import { headlessDevServerArgs, waitForTemporal } from '../temporal-ready.js';
import { harnessMerchant } from '../../src/sandbox/options.js';
import { soakRules } from './scenarios.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The merchant of every soak payout: the sandbox's test credentials, not real ones. */
export const SOAK_MERCHANT = harnessMerchant('PFSOAK1', 'soak');
export const SOAK_TASK_QUEUE = 'payouts-soak';

/** Everything a soak run talks to: real processes, and the sandbox gateway in this process. */
export interface SoakStack {
  readonly temporal: ManagedProcess;
  readonly worker: ManagedProcess;
  readonly receiver: ManagedProcess;
  readonly sandbox: SandboxGateway;
  readonly client: Client;
  readonly callbackUrl: string;
  readonly temporalAddress: string;
  /** Starts a process again after it was killed (waits until it is ready). */
  restart(which: 'temporal' | 'worker' | 'receiver'): Promise<void>;
  close(): Promise<void>;
}

const READY = {
  temporal: undefined,
  worker: /worker running/,
  receiver: /callback receiver listening/,
} as const;

/** Starts the dev server on a SQLite file in `dir`, the sandbox, a worker and a receiver. */
export async function startSoakStack(dir: string): Promise<SoakStack> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const cli = resolveTemporalBinary('cli', { projectRoot: root, env: process.env, log: () => {} });
  if (cli.source === 'sdk-download') throw new Error('the soak needs a local temporal CLI');
  const [temporalPort = 0, callbackPort = 0] = await freePorts(2);
  const temporalAddress = `127.0.0.1:${temporalPort}`;
  const callbackUrl = `http://127.0.0.1:${callbackPort}/callbacks/payout`;
  const opened: { close(): Promise<void> }[] = [];
  try {
    const temporal = new ManagedProcess(
      'temporal',
      cli.path,
      headlessDevServerArgs(temporalPort, join(dir, 'temporal.sqlite')),
      process.env,
      root,
      join(dir, 'temporal.log'),
    );
    opened.push(temporal);
    await startTemporal(temporal, temporalAddress);

    const sandbox = await startSandboxGateway({
      merchant: SOAK_MERCHANT,
      schedule: { mode: 'timed', pendingAfterMs: 300, processingAfterMs: 600, finalAfterMs: 1_200 },
      callbacks: { attempts: 8, intervalMs: 700, timeoutMs: 2_000 },
      rules: soakRules(),
    });
    opened.push(sandbox);

    // Every process encrypts payloads with one key of this run, as in production.
    const codecKeys = `soak:${randomBytes(32).toString('base64')}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PAYLOAD_CODEC_KEYS: codecKeys,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: SOAK_TASK_QUEUE,
      GATEWAY_BASE_URL: sandbox.url,
      GATEWAY_ALLOW_HTTP: 'true',
      GATEWAY_PLATFORM_ID: SOAK_MERCHANT.platformId,
      GATEWAY_SECRET: SOAK_MERCHANT.secret,
      GATEWAY_AUTH_TOKEN: SOAK_MERCHANT.authToken,
      GATEWAY_SIGN_MODE: SOAK_MERCHANT.signMode,
      GATEWAY_NOTIFY_URL: callbackUrl,
      GATEWAY_CONNECT_TIMEOUT_MS: '500',
      GATEWAY_HEADERS_TIMEOUT_MS: '800',
      GATEWAY_BODY_TIMEOUT_MS: '800',
      CALLBACK_PORT: String(callbackPort),
      LOG_LEVEL: 'ERROR',
    };
    const node = (name: string, file: string) =>
      new ManagedProcess(
        name,
        process.execPath,
        ['--import', 'tsx', file],
        env,
        root,
        join(dir, `${name}.log`),
      );
    const worker = node('worker', 'src/worker.ts');
    opened.push(worker);
    const receiver = node('receiver', 'src/callback-server.ts');
    opened.push(receiver);
    await Promise.all([worker.start(READY.worker), receiver.start(READY.receiver)]);

    const connection = await Connection.connect({ address: temporalAddress });
    const client = new Client({
      connection,
      namespace: 'default',
      dataConverter: payoutDataConverter(
        parsePayloadCodecConfig({ PAYLOAD_CODEC_KEYS: codecKeys }),
      ),
    });
    const processes = { temporal, worker, receiver };
    return {
      ...processes,
      sandbox,
      client,
      callbackUrl,
      temporalAddress,
      async restart(which) {
        if (which === 'temporal') return startTemporal(temporal, temporalAddress);
        await processes[which].start(READY[which]);
      },
      async close() {
        await connection.close().catch(() => undefined);
        for (const p of opened.reverse()) await p.close().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const p of opened.reverse()) await p.close().catch(() => undefined);
    throw error;
  }
}

/** Starts the dev server and waits until it answers. */
async function startTemporal(temporal: ManagedProcess, address: string): Promise<void> {
  await temporal.start();
  await waitForTemporal(
    address,
    () => temporal.running,
    () => temporal.tail(),
  );
}
