/**
 * The operator CLI as operators run it: `src/cli/payout.ts` in a child process against a dev
 * server with a worker, the sandbox gateway and the harness's payload key. One payout is lost
 * at the gateway (escalated to NEEDS_REVIEW), one succeeds.
 */
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ListRow } from '../../src/cli/list.js';
import type { PayoutStats } from '../../src/cli/stats.js';
import type { PayoutStatusView } from '../../workflows/api.js';
import { E2E_MERCHANT, useE2e } from '../e2e/harness.js';
import { eventually, waitForStatus } from '../e2e/support.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'src', 'cli', 'payout.ts');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const e2e = useE2e({ name: 'cli' });

/** Runs the CLI; `closeStdout`: the reader goes away before the CLI writes (`| head -0`). */
function cli(
  args: readonly string[],
  options: { closeStdout?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env))
    if (/^(TEMPORAL_|PAYLOAD_CODEC|GATEWAY_|STACK_)/.test(key)) delete env[key];
  Object.assign(env, {
    TEMPORAL_ADDRESS: e2e().env.address,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: e2e().taskQueue,
    GATEWAY_PLATFORM_ID: E2E_MERCHANT.platformId,
    PAYLOAD_CODEC_KEYS: e2e().codecKeys,
    ...options.env,
  });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    if (options.closeStdout) child.stdout.destroy();
    else child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let lost = '';
let paid = '';

beforeAll(async () => {
  const lostRequest = e2e().request('DEMO-LOST-', { amountCents: 10_800 });
  const paidRequest = e2e().request('DEMO-OK-');
  lost = lostRequest.merchantOrderId;
  paid = paidRequest.merchantOrderId;
  await Promise.all([e2e().start(lostRequest), e2e().start(paidRequest)]);
  await Promise.all([
    waitForStatus(e2e(), lost, 'NEEDS_REVIEW'),
    waitForStatus(e2e(), paid, 'SUCCEEDED'),
  ]);
});

describe('npm run payout', () => {
  it('list --status (any case) --reason shows the escalated payout, in yuan, as a table and as JSON', async () => {
    const rows = await eventually('the escalated payout in the visibility list', async () => {
      const run = await cli([
        'list',
        '--status',
        'needs_review',
        '--reason',
        'not-found-after-unknown-submit',
        '--json',
      ]);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      const parsed = JSON.parse(run.stdout) as ListRow[];
      return parsed.length > 0 ? parsed : undefined;
    });
    expect(rows).toEqual([
      expect.objectContaining({
        merchantOrderId: lost,
        kind: 'payout',
        amountCents: 10_800,
        status: 'NEEDS_REVIEW',
        reason: 'not-found-after-unknown-submit',
      }),
    ]);

    const table = await cli(['list', '--status', 'Needs_Review']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ORDER\s+AMOUNT\s+STATUS\s+REASON\s+AGE$/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${lost}\\s+108\\.00 CNY\\s+NEEDS_REVIEW\\s+not-found-after-unknown-submit\\s+\\d+s$`,
        ),
      ),
    ]);

    const all = await cli(['list', '--json']);
    expect((JSON.parse(all.stdout) as ListRow[]).map((r) => r.merchantOrderId).sort()).toEqual(
      [lost, paid].sort(),
    );
    const old = await cli(['list', '--older-than', '1h']);
    expect(old).toMatchObject({ code: 0, stdout: 'no payouts match\n' });
    const one = await cli(['list', '--limit', '1', '--json']);
    expect(JSON.parse(one.stdout)).toHaveLength(1);
    expect(one.stderr).toContain('--limit shows more');
  });

  it('stats counts by status and by reason', async () => {
    const stats = await eventually('both payouts counted', async () => {
      const run = await cli(['stats', '--json']);
      expect(run.code).toBe(0);
      const parsed = JSON.parse(run.stdout) as PayoutStats;
      return parsed.total === 2 && parsed.byStatus['SUCCEEDED'] === 1 ? parsed : undefined;
    });
    expect(stats).toEqual({
      total: 2,
      byStatus: {
        SUBMITTING: 0,
        CONFIRMING: 0,
        NEEDS_REVIEW: 1,
        SUCCEEDED: 1,
        FAILED: 0,
        REJECTED: 0,
      },
      byReason: { 'not-found-after-unknown-submit': 1 },
    });
    const table = await cli(['stats']);
    expect(table.stdout).toMatch(
      /NEEDS_REVIEW BY REASON\s+COUNT\nnot-found-after-unknown-submit\s+1\n/,
    );
  });

  it('check asks the gateway now and prints the fresh status; status says what the gateway last reported', async () => {
    const before = await e2e().payouts.getPayout(lost);
    const run = await cli(['check', lost, '--operator', 'alice', '--json']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const view = JSON.parse(run.stdout) as PayoutStatusView;
    expect(view.merchantOrderId).toBe(lost);
    expect(view.checks).toBeGreaterThan(before.checks);
    expect(view.gateway).toMatchObject({ state: 'not-found', source: 'query' });

    const status = await cli(['status', lost]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/gateway last reported: no such order by query at /);
    expect(status.stdout).toContain('108.00 CNY');

    const final = await cli(['check', paid, '--operator', 'alice']);
    expect(final.code).toBe(3);
    expect(final.stderr).toMatch(/^payout: refused \(.+\): payout-final: /);
  });

  it('resolve: a decision the payout refuses exits 3, naming the rule once', async () => {
    const run = await cli([
      'resolve',
      lost,
      '--action',
      'confirm-succeeded',
      '--operator',
      'alice',
      '--reason',
      'bank statement',
    ]);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(new RegExp(`^payout: refused \\(${lost}\\): contradicts-gateway: `));
    expect(run.stderr.match(/contradicts-gateway/g)).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\b([a-z][\w-]*)\W+\1\b/i);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect((await e2e().payouts.getPayout(lost)).status).toBe('NEEDS_REVIEW');
  });

  it('a payout that does not exist exits 3', async () => {
    const run = await cli(['status', 'NO-SUCH-ORDER-1']);
    expect(run).toMatchObject({ code: 3, stdout: '' });
    expect(run.stderr).toBe('payout: No payout for merchant order NO-SUCH-ORDER-1\n');
  });

  it('a usage error exits 2 with the usage, before any connection', async () => {
    const run = await cli(['list', '--status', 'paid']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^payout: --status: one of SUBMITTING, .* \(any case\)\n\nusage: /);
  });

  it('a closed stdout ends quietly, exit 0, no stack trace', async () => {
    const run = await cli(['list', '--json'], { closeStdout: true });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('Temporal unreachable exits 1 with one line naming the address', async () => {
    const port = await closedPort();
    const run = await cli(['stats'], { env: { TEMPORAL_ADDRESS: `127.0.0.1:${port}` } });
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toBe(
      `payout: cannot reach Temporal at 127.0.0.1:${port} (TEMPORAL_ADDRESS); is it running? (npm start)\n`,
    );
  });

  it('a bad GATEWAY_PLATFORM_ID exits 1 naming the key, not its value', async () => {
    const run = await cli(['stats'], { env: { GATEWAY_PLATFORM_ID: 'PF-SECRET-99' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^payout: ConfigError: Invalid configuration: GATEWAY_PLATFORM_ID /);
    expect(run.stderr).not.toContain('PF-SECRET-99');
  });
});

/** A loopback port nothing listens on: one the system just gave out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
