/**
 * `npm start`: the whole product on one machine, as one process tree with readable logs: the
 * codec server, a Temporal dev server with SQLite persistence and the Web UI showing payloads
 * decrypted through it (unless TEMPORAL_ADDRESS points elsewhere), the sandbox gateway (unless
 * GATEWAY_BASE_URL names a real one), the worker and the callback receiver. Without a configured
 * payload key it keeps one in the data directory (src/stack/codec.ts). Ctrl-C, SIGTERM or
 * closing the terminal stops everything in order; should the stack itself be killed, each
 * child's watchdog ends it. The next start resumes open payouts.
 */
import { Connection } from '@temporalio/client';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.js';
import { createConsoleLogger } from '../log.js';
import { resolveTemporalBinary, TemporalBinaryNotFoundError } from '../temporal/provision.js';
import {
  devServerSearchAttributeFlags,
  ensurePayoutSearchAttributes,
} from '../temporal/search-attributes-setup.js';
import { DEFAULT_MERCHANT } from '../sandbox/options.js';
import { startChild, type StackChild } from './child.js';
import { prepareStackCodec } from './codec.js';
import { parseStackConfig } from './config.js';
import { preparePrivateDataDir, PRIVATE_UMASK, tightenDataFiles } from './data-dir.js';
import { canConnect, waitForPort } from './wait.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const log = createConsoleLogger('stack', (line) => process.stdout.write(`${line}\n`));

/** Sandbox credentials: the sandbox's own test merchant, shared by the stack's services. */
const SANDBOX_MERCHANT = DEFAULT_MERCHANT;

const children: StackChild[] = [];
let stopping = false;

/**
 * Stops the children in reverse start order (worker and receiver first, Temporal last), then
 * exits. Once it runs, no new child starts.
 */
async function stopAll(why: string, exitCode = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info(`stopping (${why})`);
  for (let child = children.pop(); child; child = children.pop()) {
    await child.stop();
    log.info(`${child.name} stopped`);
  }
  log.info('stopped');
  process.exit(exitCode);
}

/**
 * Every way a terminal or a supervisor ends the stack starts the ordered stop. The handlers stay:
 * npm and tsx pass Ctrl-C on a second time, and a signal without a handler would kill the stack
 * half-way through stopping.
 */
function stopOnSignals(): void {
  const reasons: Partial<Record<NodeJS.Signals, string>> = {
    SIGINT: 'Ctrl-C',
    SIGTERM: 'SIGTERM',
    SIGHUP: 'SIGHUP: the terminal closed',
  };
  let told = false;
  for (const [signal, why] of Object.entries(reasons)) {
    process.on(signal, () => {
      if (!stopping) return void stopAll(why);
      if (!told) log.info(`${signal}: already stopping, each service in turn`);
      told = true;
    });
  }
  // Output that can no longer be written (EIO after a hang-up, EPIPE once a pipe reader has gone)
  // means nobody is watching: stop in order, rather than crash on the error and leave it to the
  // watchdogs.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', () => void stopAll('its output was closed'));
  }
}

async function main(): Promise<void> {
  stopOnSignals();
  const config = parseStackConfig(process.env);
  const dataDir = resolve(projectRoot, config.dataDir);
  // Inherited by every child: the SQLite file the dev server creates is private from the start.
  process.umask(PRIVATE_UMASK);
  preparePrivateDataDir(dataDir);
  const env: NodeJS.ProcessEnv = { ...process.env };
  const {
    codec,
    server: codecServer,
    url: codecUrl,
  } = prepareStackCodec(env, {
    dataDir,
    uiPort: config.temporalUiPort,
    log,
  });

  /** Starts a child the stack cannot run without: its end ends the stack. */
  const essential = (
    name: string,
    command: string,
    args: readonly string[],
    childEnv: NodeJS.ProcessEnv,
  ) => {
    if (stopping) {
      throw Object.assign(new Error(`not starting ${name}: the stack is stopping`), {
        code: 'ERR_STACK_STOPPING',
      });
    }
    const child = startChild(name, command, args, { env: childEnv, cwd: projectRoot });
    children.push(child);
    void child.exited.then((code) => {
      if (!stopping) {
        log.error(`${child.name} exited (${code}); stopping the stack`);
        void stopAll(`${child.name} exited`, 1);
      }
    });
    return child;
  };
  const tsx = (name: string, file: string, childEnv: NodeJS.ProcessEnv) =>
    essential(name, process.execPath, ['--import', 'tsx', file], childEnv);

  if (codec.mode === 'aes-256-gcm') {
    if (await canConnect('127.0.0.1', codecServer.port)) {
      throw new Error(`port ${codecServer.port} is taken: stop what runs there, or set CODEC_PORT`);
    }
    const server = tsx('codec-server', 'src/codec/server.ts', {
      ...env,
      CODEC_HOST: codecServer.host,
      CODEC_PORT: String(codecServer.port),
      CODEC_CORS_ORIGINS: codecServer.corsOrigins.join(','),
    });
    await waitForPort(
      '127.0.0.1',
      codecServer.port,
      30_000,
      () => server.process.exitCode === null,
    );
  }

  let uiUrl: string | undefined;
  if (!config.externalTemporal) {
    if (await canConnect('127.0.0.1', config.temporalPort)) {
      throw new Error(
        `port ${config.temporalPort} is taken: stop what runs there, or set STACK_TEMPORAL_PORT`,
      );
    }
    const cli = resolveTemporalBinary('cli', {
      projectRoot,
      env: process.env,
      log: (line) => log.info(line),
    });
    if (cli.source === 'sdk-download') {
      throw new TemporalBinaryNotFoundError('cli', [
        'no local temporal CLI (see the lines above); set TEMPORAL_CLI_PATH',
      ]);
    }
    const temporal = essential(
      'temporal',
      cli.path,
      [
        'server',
        'start-dev',
        '--ip',
        '127.0.0.1',
        '--port',
        String(config.temporalPort),
        '--ui-port',
        String(config.temporalUiPort),
        '--db-filename',
        resolve(dataDir, 'temporal.sqlite'),
        // Write-ahead log: 4x the workflows per second of the default journal (docs/performance.md).
        '--sqlite-pragma',
        'journal_mode=wal',
        '--log-level',
        'error',
        ...(codec.mode === 'aes-256-gcm' ? ['--ui-codec-endpoint', codecUrl] : []),
        ...devServerSearchAttributeFlags(),
      ],
      process.env,
    );
    await waitForPort(
      '127.0.0.1',
      config.temporalPort,
      60_000,
      () => temporal.process.exitCode === null,
    );
    // The dev server created its SQLite file by now; the umask made it private, this makes sure.
    tightenDataFiles(dataDir);
    env['TEMPORAL_ADDRESS'] = `127.0.0.1:${config.temporalPort}`;
    uiUrl = `http://localhost:${config.temporalUiPort}`;
  }

  // Registered by the dev server's flags already; this also covers an external cluster.
  const connection = await Connection.connect({
    address: env['TEMPORAL_ADDRESS'] ?? 'localhost:7233',
  });
  await ensurePayoutSearchAttributes(connection, env['TEMPORAL_NAMESPACE'] ?? 'default');
  await connection.close();

  const callbackUrl = `http://127.0.0.1:${config.callbackPort}${env['CALLBACK_PATH'] ?? '/callbacks/payout'}`;
  if (!config.externalGateway) {
    const sandbox = tsx('sandbox', 'src/sandbox/main.ts', {
      ...process.env,
      SANDBOX_PORT: String(config.sandboxPort),
      SANDBOX_PLATFORM_ID: SANDBOX_MERCHANT.platformId,
      SANDBOX_SECRET: SANDBOX_MERCHANT.secret,
      SANDBOX_AUTH_TOKEN: SANDBOX_MERCHANT.authToken,
      SANDBOX_STATE_FILE: resolve(dataDir, 'sandbox-orders.json'),
    });
    await waitForPort(
      '127.0.0.1',
      config.sandboxPort,
      30_000,
      () => sandbox.process.exitCode === null,
    );
    Object.assign(env, {
      GATEWAY_BASE_URL: `http://127.0.0.1:${config.sandboxPort}`,
      GATEWAY_PLATFORM_ID: SANDBOX_MERCHANT.platformId,
      GATEWAY_SECRET: SANDBOX_MERCHANT.secret,
      GATEWAY_AUTH_TOKEN: SANDBOX_MERCHANT.authToken,
      GATEWAY_NOTIFY_URL: callbackUrl,
      GATEWAY_ALLOW_HTTP: 'true',
    });
  }

  tsx('worker', 'src/worker.ts', env);
  const callbacks = tsx('callbacks', 'src/callback-server.ts', {
    ...env,
    CALLBACK_PORT: String(config.callbackPort),
  });
  await waitForPort(
    '127.0.0.1',
    config.callbackPort,
    30_000,
    () => callbacks.process.exitCode === null,
  );

  process.stdout.write(
    [
      '',
      'Payout orchestrator is running.',
      uiUrl
        ? `  Temporal Web UI:   ${uiUrl}/namespaces/default/workflows`
        : `  Temporal:          ${env['TEMPORAL_ADDRESS']}`,
      config.externalGateway
        ? `  Gateway:           ${env['GATEWAY_BASE_URL']}`
        : `  Sandbox gateway:   http://127.0.0.1:${config.sandboxPort}`,
      `  Callbacks:         ${callbackUrl}`,
      codec.mode === 'aes-256-gcm'
        ? `  Codec server:      ${codecUrl} (the Web UI decrypts payloads through it)`
        : '  Payloads:          NOT encrypted (PAYLOAD_CODEC=off)',
      '',
      '  Start the demo payouts:   npm run payout -- demo',
      '  Start one payout:         npm run payout -- start --order ORDER-1 --amount 500.00 --bank 中国农业银行 --name "Li Lei" --account 6228480000000000000',
      '  Follow one:               npm run payout -- status ORDER-1',
      '  Stop:                     Ctrl-C (open payouts resume at the next npm start)',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  // Stopped while starting (Ctrl-C early): what broke off is the stop's doing, not a failure.
  if (stopping) return;
  log.error(
    error instanceof ConfigError || error instanceof TemporalBinaryNotFoundError
      ? error.message
      : `the stack failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  void stopAll('start-up failed', 1);
});
