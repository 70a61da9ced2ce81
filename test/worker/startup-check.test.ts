/**
 * The worker process checks the gateway credentials before it connects to Temporal or polls: a
 * wrong token stops it with a ConfigError naming the keys; the right one lets it go on.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxGateway, type SandboxGateway } from '../../src/sandbox/server.js';
import { runEntry } from '../support/processes.js';
import { DEFAULT_MERCHANT } from '../../src/sandbox/options.js';

/** A port nothing listens on: Temporal is unreachable, so only the gateway check can pass. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Runs `tsx src/worker.ts` to its exit; the worker logs on stderr. */
const runWorker = (env: Record<string, string>) =>
  runEntry('src/worker.ts', env, { timeoutMs: 45_000 });

describe('worker start: gateway credential check', () => {
  let gw: SandboxGateway;
  let env: Record<string, string>;
  beforeAll(async () => {
    gw = await startSandboxGateway({});
    env = {
      GATEWAY_BASE_URL: gw.url,
      GATEWAY_ALLOW_HTTP: 'true',
      GATEWAY_PLATFORM_ID: DEFAULT_MERCHANT.platformId,
      GATEWAY_SECRET: DEFAULT_MERCHANT.secret,
      GATEWAY_AUTH_TOKEN: DEFAULT_MERCHANT.authToken,
      TEMPORAL_ADDRESS: `127.0.0.1:${await closedPort()}`,
      PAYLOAD_CODEC_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    };
  });
  afterAll(() => gw.close());

  it('a wrong token: refuses to start, naming the token keys, before reaching for Temporal', async () => {
    const { code, stderr } = await runWorker({ ...env, GATEWAY_AUTH_TOKEN: 'WrongToken-123' });
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /ERROR \[worker\] Invalid configuration: GATEWAY_AUTH_TOKEN \/ GATEWAY_AUTH_TOKEN_FILE/,
    );
    expect(stderr).not.toContain('WrongToken-123');
    expect(stderr).not.toContain('worker failed');
  });

  it('the right config: passes the check, says so, and only then tries Temporal', async () => {
    const { code, stderr } = await runWorker(env);
    expect(code).toBe(1);
    const checked = stderr.indexOf('gateway token and path checked');
    expect(checked).toBeGreaterThan(-1);
    expect(stderr.indexOf('worker failed')).toBeGreaterThan(checked);
    expect(stderr).not.toContain(DEFAULT_MERCHANT.secret);
    expect(stderr).not.toContain(DEFAULT_MERCHANT.authToken);
  });
});
