/**
 * `npm start`: the whole product on one machine, as one process tree with readable logs: a
 * Temporal dev server with SQLite persistence and the Web UI (unless TEMPORAL_ADDRESS points
 * elsewhere), the sandbox gateway (unless GATEWAY_BASE_URL names a real one), the worker and the
 * callback receiver. Ctrl-C stops everything in order; the next start resumes open payouts.
 */
import { Connection } from '@temporalio/client';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.js';
import { createConsoleLogger } from '../log.js';
import { resolveTemporalBinary, TemporalBinaryNotFoundError } from '../temporal/provision.js';
import { ensurePayoutSearchAttributes } from '../temporal/search-attributes-setup.js';
import { PAYOUT_SEARCH_ATTRIBUTES } from '../../workflows/api.js';
import { DEFAULT_MERCHANT } from '../sandbox/options.js';
import { startChild, type StackChild } from './child.js';
import { parseStackConfig } from './config.js';
import { canConnect, waitForPort } from './wait.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const log = createConsoleLogger('stack', (line) => process.stdout.write(`${line}\n`));

/** Sandbox credentials: the sandbox's own test merchant, shared by the stack's services. */
const SANDBOX_MERCHANT = DEFAULT_MERCHANT;

const SA_TYPES: Record<string, string> = { KEYWORD: 'Keyword', INT: 'Int' };

const children: StackChild[] = [];
let stopping = false;

/** Stops the children in reverse start order (worker and receiver first, Temporal last), then exits. */
async function stopAll(why: string, exitCode = 0): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info(`stopping (${why})`);
  for (const child of [...children].reverse()) await child.stop();
  log.info('stopped');
  process.exit(exitCode);
}

async function main(): Promise<void> {
  const config = parseStackConfig(process.env);
  const dataDir = resolve(projectRoot, config.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env };
  const tsx = (name: string, file: string, childEnv: NodeJS.ProcessEnv) =>
    startChild(name, process.execPath, ['--import', 'tsx', file], {
      env: childEnv,
      cwd: projectRoot,
    });

  process.once('SIGINT', () => void stopAll('Ctrl-C'));
  process.once('SIGTERM', () => void stopAll('SIGTERM'));

  const essential = (child: StackChild) => {
    children.push(child);
    void child.exited.then((code) => {
      if (!stopping) {
        log.error(`${child.name} exited (${code}); stopping the stack`);
        void stopAll(`${child.name} exited`, 1);
      }
    });
    return child;
  };

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
      startChild(
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
          '--log-level',
          'error',
          ...PAYOUT_SEARCH_ATTRIBUTES.flatMap((key) => [
            '--search-attribute',
            `${key.name}=${SA_TYPES[key.type] ?? 'Keyword'}`,
          ]),
        ],
        { env: process.env, cwd: projectRoot },
      ),
    );
    await waitForPort(
      '127.0.0.1',
      config.temporalPort,
      60_000,
      () => temporal.process.exitCode === null,
    );
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
    const sandbox = essential(
      tsx('sandbox', 'src/sandbox/main.ts', {
        ...process.env,
        SANDBOX_PORT: String(config.sandboxPort),
        SANDBOX_PLATFORM_ID: SANDBOX_MERCHANT.platformId,
        SANDBOX_SECRET: SANDBOX_MERCHANT.secret,
        SANDBOX_AUTH_TOKEN: SANDBOX_MERCHANT.authToken,
        SANDBOX_STATE_FILE: resolve(dataDir, 'sandbox-orders.json'),
      }),
    );
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
      GATEWAY_ALLOW_HTTP_NOTIFY_URL: 'true',
    });
  }

  essential(tsx('worker', 'src/worker.ts', env));
  const callbacks = essential(
    tsx('callbacks', 'src/callback-server.ts', {
      ...env,
      CALLBACK_PORT: String(config.callbackPort),
    }),
  );
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
  log.error(
    error instanceof ConfigError || error instanceof TemporalBinaryNotFoundError
      ? error.message
      : `the stack failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  void stopAll('start-up failed', 1);
});
