import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MERCHANT, TestHttp, createFields, signedBody } from '../support/sandbox.js';

const http = new TestHttp();
afterAll(() => http.agent.close());

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

  it('with SANDBOX_STATE_FILE, knows its orders again after Ctrl-C and a new start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-main-'));
    const env = {
      SANDBOX_PORT: '0',
      SANDBOX_SCHEDULE: 'on-query',
      SANDBOX_STATE_FILE: join(dir, 'sandbox-orders.json'),
    };
    const startRun = async () => {
      const run = runMain(env);
      const [, url] = await waitForOutput(run.out, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
      return { run, url: url ?? '' };
    };
    const stopRun = async (run: ReturnType<typeof runMain>) => {
      run.child.kill('SIGINT');
      const [code] = await run.exited;
      expect(code).toBe(0);
    };
    const first = await startRun();
    try {
      const created = await http.post(
        `${first.url}/gateway/api/v2/payouts`,
        signedBody(createFields('DEMO-GHOST-main')),
      );
      expect(created.json?.['error_code']).toBe('0018');
      await stopRun(first.run);
      const second = await startRun();
      try {
        expect(second.run.out()).toMatch(/saved in .*sandbox-orders\.json \(1 loaded\)/);
        const found = await http.get(
          `${second.url}/gateway/api/v2/payouts/DEMO-GHOST-main`,
          MERCHANT.authToken,
        );
        expect(found.json).toMatchObject({
          error_code: '0000',
          data: { payout_cl_id: 'DEMO-GHOST-main', status: 0 },
        });
        await stopRun(second.run);
      } finally {
        second.run.child.kill('SIGKILL');
      }
    } finally {
      first.run.child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('does not start on a corrupt state file, and says which file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-main-'));
    try {
      const file = join(dir, 'sandbox-orders.json');
      await writeFile(file, '{"version":1,"orders":[{"payout');
      const run = runMain({ SANDBOX_PORT: '0', SANDBOX_STATE_FILE: file });
      const [code] = await run.exited;
      expect(code).toBe(1);
      expect(run.err()).toContain(`Sandbox state file ${file} is not valid JSON`);
      expect(run.out()).not.toContain('listening');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

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
