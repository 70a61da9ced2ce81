import type { SandboxGateway } from './server.js';
import type { Rule } from './scenario.js';

/** How a rule's match reads, e.g. `DEMO-OK-*` or `amount 100..500`. */
export function describeMatch(rule: Rule): string {
  const m = rule.match;
  const parts: string[] = [];
  if (m.payoutClIdPrefix !== undefined) parts.push(`${m.payoutClIdPrefix}*`);
  if (m.platformId !== undefined) parts.push(`platform ${m.platformId}`);
  if (m.amount !== undefined) parts.push(`amount ${m.amount}`);
  if (m.amountMin !== undefined || m.amountMax !== undefined)
    parts.push(`amount ${m.amountMin ?? ''}..${m.amountMax ?? ''}`);
  return parts.length > 0 ? parts.join(', ') : '(every order)';
}

/**
 * What `npm run sandbox` prints: where it listens, the client settings to use (the sandbox's own
 * test credentials, so printing them is the point), the schedule and the rules in effect.
 */
export function banner(gateway: SandboxGateway): string {
  const s = gateway.settings;
  const lines = [`Sandbox payout gateway listening on ${gateway.url}`, ''];
  for (const m of gateway.merchants) {
    lines.push(
      'Configure the gateway client with:',
      `  GATEWAY_BASE_URL=${gateway.url}`,
      `  GATEWAY_PLATFORM_ID=${m.platformId}`,
      `  GATEWAY_SECRET=${m.secret}`,
      `  GATEWAY_AUTH_TOKEN=${m.authToken}`,
      `  GATEWAY_SIGN_MODE=${m.signMode}`,
      '  GATEWAY_ALLOW_HTTP=true  (the sandbox speaks plain http)',
      '',
    );
  }
  lines.push(
    s.schedule.mode === 'timed'
      ? `Schedule: pending after ${s.schedule.pendingAfterMs} ms, processing after ` +
          `${s.schedule.processingAfterMs} ms, final after ${s.schedule.finalAfterMs} ms`
      : 'Schedule: each answered query moves an order one step on',
    `Callbacks: up to ${s.callbacks.attempts} attempts, ${s.callbacks.intervalMs} ms apart, ` +
      `until the receiver answers {"error_code":"0000"}`,
    s.stateFile !== undefined
      ? `Orders: saved in ${s.stateFile} (${gateway.orders().length} loaded), kept across restarts`
      : 'Orders: in memory only (set SANDBOX_STATE_FILE to keep them across restarts)',
    '',
    'Scenario rules (payout_cl_id prefix or amount; first match wins):',
  );
  const rules = gateway.rules();
  const width = Math.max(16, ...rules.map((r) => describeMatch(r).length));
  rules.forEach((rule, i) => {
    lines.push(`  ${describeMatch(rule).padEnd(width)}  ${rule.name ?? `rule ${i + 1}`}`);
  });
  lines.push(
    `  ${'(anything else)'.padEnd(width)}  accepted, succeeds on the schedule`,
    '',
    `Admin API: ${gateway.url}/_sandbox/rules, /_sandbox/orders/{payout_cl_id}/record, ` +
      '/_sandbox/orders/{payout_cl_id}/status (see src/sandbox/README.md)',
  );
  return lines.join('\n');
}
