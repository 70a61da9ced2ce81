/**
 * `npm run sandbox`: a sandbox payout gateway configured from the environment (see
 * src/sandbox/README.md). Stops cleanly on SIGINT/SIGTERM.
 */
import { ConfigError } from '../errors.js';
import { parseSandboxEnv } from './env.js';
import { consoleLogger } from './logger.js';
import type { Rule } from './scenario.js';
import { startSandboxGateway, type SandboxGateway } from './server.js';

/** How a rule's match reads, e.g. `DEMO-OK-*` or `amount 100..500`. */
function describeMatch({ match: m }: Rule): string {
  const parts: string[] = [];
  if (m.payoutClIdPrefix !== undefined) parts.push(`${m.payoutClIdPrefix}*`);
  if (m.amount !== undefined) parts.push(`amount ${m.amount}`);
  if (m.amountMin !== undefined || m.amountMax !== undefined)
    parts.push(`amount ${m.amountMin ?? ''}..${m.amountMax ?? ''}`);
  return parts.join(', ') || '(every order)';
}

/**
 * What `npm run sandbox` prints: where it listens, the client settings to use (the sandbox's own
 * test credentials, so printing them is the point), the schedule and the rules in effect.
 */
function banner(gateway: SandboxGateway): string {
  const { merchant: m, schedule, callbacks, stateFile } = gateway.settings;
  const rules = gateway.rules();
  const width = Math.max(16, ...rules.map((r) => describeMatch(r).length));
  return [
    `Sandbox payout gateway listening on ${gateway.url}`,
    '',
    'Configure the gateway client with:',
    `  GATEWAY_BASE_URL=${gateway.url}`,
    `  GATEWAY_PLATFORM_ID=${m.platformId}`,
    `  GATEWAY_SECRET=${m.secret}`,
    `  GATEWAY_AUTH_TOKEN=${m.authToken}`,
    `  GATEWAY_SIGN_MODE=${m.signMode}`,
    '  GATEWAY_ALLOW_HTTP=true  (the sandbox speaks plain http)',
    '',
    schedule.mode === 'timed'
      ? `Schedule: pending after ${schedule.pendingAfterMs} ms, processing after ` +
        `${schedule.processingAfterMs} ms, final after ${schedule.finalAfterMs} ms`
      : 'Schedule: each answered query moves an order one step on',
    `Callbacks: up to ${callbacks.attempts} attempts, ${callbacks.intervalMs} ms apart, ` +
      `until the receiver answers {"error_code":"0000"}`,
    stateFile !== undefined
      ? `Orders: saved in ${stateFile} (${gateway.orders().length} loaded), kept across restarts`
      : 'Orders: in memory only (set SANDBOX_STATE_FILE to keep them across restarts)',
    '',
    'Scenario rules (payout_cl_id prefix or amount; first match wins):',
    ...rules.map(
      (rule, i) => `  ${describeMatch(rule).padEnd(width)}  ${rule.name ?? `rule ${i + 1}`}`,
    ),
    `  ${'(anything else)'.padEnd(width)}  accepted, succeeds on the schedule`,
    '',
    `Admin API: ${gateway.url}/_sandbox/rules, /_sandbox/orders/{payout_cl_id}/record, ` +
      '/_sandbox/orders/{payout_cl_id}/status (see src/sandbox/README.md)',
  ].join('\n');
}

async function main(): Promise<void> {
  let options;
  try {
    options = parseSandboxEnv(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exitCode = 2;
    return;
  }
  const gateway = await startSandboxGateway({ ...options, logger: consoleLogger() });
  console.log(banner(gateway));

  const stop = (signal: NodeJS.Signals): void => {
    console.log(`Received ${signal}, stopping the sandbox gateway`);
    // Should something still hold the loop open, do not hang forever.
    setTimeout(() => process.exit(1), 5000).unref();
    gateway.close().then(
      () => console.log('Sandbox gateway stopped'),
      (error: unknown) => {
        console.error('Sandbox gateway did not stop cleanly', error);
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error('Sandbox gateway failed to start:', error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
