import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { MERCHANT, TestHttp, createFields, signedBody } from './support.js';

const http = new TestHttp();
afterAll(() => http.close());

/** Runs `npm run sandbox`'s entry point as a child process with `env`. */
function runMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/sandbox/main.ts'], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return { child, exited, out: () => stdout, err: () => stderr };
}

async function waitForOutput(read: () => string, pattern: RegExp, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = pattern.exec(read());
    if (match) return match;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${String(pattern)} in output: ${read()}`);
}

describe('npm run sandbox (src/sandbox/main.ts)', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'prints its URL, credentials and rules, serves payouts, and stops on %s',
    async (signal) => {
      const run = runMain({ SANDBOX_PORT: '0', SANDBOX_SCHEDULE: 'on-query' });
      try {
        const [, url] = await waitForOutput(run.out, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
        await waitForOutput(run.out, /Admin API/);
        const out = run.out();
        expect(out).toContain(`GATEWAY_BASE_URL=${url}`);
        expect(out).toContain('GATEWAY_SECRET=ThisIsYourSecretKey123');
        expect(out).toContain(`GATEWAY_AUTH_TOKEN=${MERCHANT.authToken}`);
        expect(out).toMatch(/DEMO-LOST-\*\s+lost/);
        const res = await http.post(
          `${url}/gateway/api/v2/payouts`,
          signedBody(createFields('DEMO-OK-main')),
        );
        expect(res.json?.['error_code']).toBe('0000');
        run.child.kill(signal);
        const [code] = await run.exited;
        expect(code).toBe(0);
        expect(run.out()).toContain('Sandbox gateway stopped');
      } finally {
        run.child.kill('SIGKILL');
      }
    },
  );

  it('refuses bad settings naming the keys, without their values', async () => {
    const run = runMain({
      SANDBOX_PORT: 'not-a-port',
      SANDBOX_SECRET: 'hunter2',
      SANDBOX_TYPO: 'x',
    });
    const [code] = await run.exited;
    expect(code).toBe(2);
    expect(run.err()).toContain('SANDBOX_PORT');
    expect(run.err()).toContain('SANDBOX_TYPO');
    expect(run.err()).not.toContain('not-a-port');
    expect(run.out() + run.err()).not.toContain('hunter2');
  });
});
