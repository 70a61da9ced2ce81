/**
 * The no-key policy as an operator meets it: every process that reads or writes payouts in
 * Temporal refuses to start without a payload key, naming the keys to set, unless
 * PAYLOAD_CODEC=off says plaintext is meant; then it says so in its log.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_MERCHANT } from '../../src/sandbox/options.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs `file` under tsx with exactly `env` until it exits, or until its stderr matches `until`
 * (then it is stopped); returns its exit code (null when stopped) and stderr.
 */
function run(
  file: string,
  env: Record<string, string>,
  options: { args?: string[]; until?: RegExp } = {},
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...(options.args ?? [])], {
      cwd: projectRoot,
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (options.until?.test(stderr)) child.kill('SIGKILL');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

/** A gateway nobody answers at: the worker would be stuck checking it, after the codec check. */
const GATEWAY = {
  GATEWAY_BASE_URL: 'http://127.0.0.1:9',
  GATEWAY_ALLOW_HTTP: 'true',
  GATEWAY_PLATFORM_ID: DEFAULT_MERCHANT.platformId,
  GATEWAY_SECRET: DEFAULT_MERCHANT.secret,
  GATEWAY_AUTH_TOKEN: DEFAULT_MERCHANT.authToken,
  TEMPORAL_ADDRESS: '127.0.0.1:9',
};
const REFUSAL =
  /Invalid configuration: PAYLOAD_CODEC_KEYS \(required: set PAYLOAD_CODEC_KEYS or PAYLOAD_CODEC_KEYS_FILE.*PAYLOAD_CODEC=off/;

describe('without a payload key', () => {
  const emptyDataDir = mkdtempSync(join(tmpdir(), 'no-key-'));
  afterAll(() => rmSync(emptyDataDir, { recursive: true, force: true }));

  for (const [name, file] of [
    ['the worker', 'src/worker.ts'],
    ['the callback receiver', 'src/callback-server.ts'],
    ['the codec server', 'src/codec/server.ts'],
  ] as const) {
    it(`${name} refuses to start, naming the keys`, async () => {
      const { code, stderr } = await run(file, GATEWAY);
      expect(code).toBe(1);
      expect(stderr).toMatch(REFUSAL);
      expect(stderr).not.toMatch(/failed to start|worker failed/);
    });
  }

  it('the CLI refuses too, against a remote Temporal or with no local stack key', async () => {
    const envs: Record<string, string>[] = [
      { TEMPORAL_ADDRESS: 'temporal.example.com:7233' },
      { STACK_DATA_DIR: emptyDataDir },
    ];
    for (const env of envs) {
      const { code, stderr } = await run('src/cli/payout.ts', env, { args: ['list'] });
      expect(code, JSON.stringify(env)).toBe(1);
      expect(stderr).toMatch(/^payout: ConfigError: /);
      expect(stderr).toMatch(REFUSAL);
    }
  });

  it('PAYLOAD_CODEC=off: the worker starts and warns that payloads are stored in plaintext', async () => {
    const { stderr } = await run(
      'src/worker.ts',
      { ...GATEWAY, PAYLOAD_CODEC: 'off' },
      { until: /plaintext/ },
    );
    expect(stderr).toMatch(/WARN \[worker\] PAYLOAD_CODEC=off: .* stored in plaintext/);
    expect(stderr).not.toMatch(/Invalid configuration/);
  });

  it('PAYLOAD_CODEC=off: the codec server has nothing to serve and says so', async () => {
    const { code, stderr } = await run('src/codec/server.ts', { PAYLOAD_CODEC: 'off' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/PAYLOAD_CODEC \(off: payloads are not encrypted, nothing to serve\)/);
  });
});
