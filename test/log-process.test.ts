/**
 * The worker and the callback receiver as processes, with LOG_FORMAT: every line on stderr is one
 * JSON object in json, a bad key is reported naming it (in text, never its value). No Temporal:
 * each process stops at its configuration.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** Runs a process entry point to its exit; returns its stderr. */
function run(
  entry: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      cwd: projectRoot,
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

// A process start loads the SDK: seconds each, more on two busy cores.
describe.concurrent('process logs', { timeout: 60_000 }, () => {
  it.each([
    ['src/worker.ts', 'worker'],
    ['src/callback-server.ts', 'callbacks'],
  ])('%s with LOG_FORMAT=json: one JSON object per line', async (entry, component) => {
    const { code, stderr } = await run(entry, {
      LOG_FORMAT: 'json',
      PAYLOAD_CODEC: 'off',
      GATEWAY_SECRET: 'process-secret-Zq81',
    });
    expect(code).toBe(1);
    const entries = lines(stderr).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.length).toBeGreaterThanOrEqual(1);
    for (const e of entries) {
      expect(Object.keys(e)).toEqual(['time', 'level', 'component', 'message', 'context']);
      expect(e['component']).toBe(component);
    }
    // The configuration error, naming the missing keys.
    expect(entries.at(-1)).toMatchObject({
      level: 'error',
      message: expect.stringMatching(/GATEWAY_BASE_URL/) as unknown,
    });
    expect(stderr).not.toContain('process-secret-Zq81');
  });

  it('a bad LOG_FORMAT is reported in text, naming the key, not the value', async () => {
    const { code, stderr } = await run('src/worker.ts', { LOG_FORMAT: 'xml-Vb62' });
    expect(code).toBe(1);
    expect(stderr).toMatch(
      / ERROR \[worker\] Invalid configuration: .*LOG_FORMAT \(json or text\)/,
    );
    expect(stderr).not.toContain('xml-Vb62');
  });

  it('a metrics port already taken stops the worker, naming the key', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const { code, stderr } = await run('src/worker.ts', {
        WORKER_METRICS_ADDRESS: `127.0.0.1:${port}`,
        PAYLOAD_CODEC: 'off',
        GATEWAY_BASE_URL: 'http://127.0.0.1:9',
        GATEWAY_ALLOW_HTTP: 'true',
        GATEWAY_PLATFORM_ID: 'PF0002',
        GATEWAY_SECRET: 'process-secret-Zq81',
        GATEWAY_AUTH_TOKEN: 'process-token-Hw27',
      });
      expect(code).toBe(1);
      expect(stderr).toMatch(/ERROR \[worker\] worker failed .*WORKER_METRICS_ADDRESS.*in use/);
      expect(stderr).not.toContain('process-secret-Zq81');
      expect(stderr).not.toContain('process-token-Hw27');
    } finally {
      taken.close();
    }
  });

  it('a bad WORKER_METRICS_ADDRESS stops the worker, naming the key', async () => {
    const { code, stderr } = await run('src/worker.ts', {
      LOG_FORMAT: 'json',
      WORKER_METRICS_ADDRESS: 'metrics-Kx93',
    });
    expect(code).toBe(1);
    const last = JSON.parse(lines(stderr).at(-1) ?? '{}') as { message?: string };
    expect(last.message).toMatch(/WORKER_METRICS_ADDRESS \(host:port/);
    expect(stderr).not.toContain('metrics-Kx93');
  });
});
