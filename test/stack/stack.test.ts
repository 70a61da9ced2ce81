import { Client, Connection } from '@temporalio/client';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPayoutClient,
  parsePayloadCodecConfig,
  payoutDataConverter,
} from '../../src/client/index.js';
import { canConnect } from '../../src/stack/wait.js';
import { freePorts } from './harness.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** `npm start` as a new user runs it, on free ports and a fresh data directory. */
describe('npm start (the local stack)', () => {
  let stack: ChildProcess;
  let output = '';
  let ports: { temporal: number; ui: number; sandbox: number; callbacks: number; codec: number };
  let dataDir: string;
  let exited: Promise<number | null>;

  const startStack = async () => {
    output = '';
    stack = spawn(process.execPath, ['--import', 'tsx', 'src/stack/main.ts'], {
      cwd: projectRoot,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: '',
        GATEWAY_BASE_URL: '',
        STACK_TEMPORAL_PORT: String(ports.temporal),
        STACK_TEMPORAL_UI_PORT: String(ports.ui),
        STACK_SANDBOX_PORT: String(ports.sandbox),
        CALLBACK_PORT: String(ports.callbacks),
        CODEC_PORT: String(ports.codec),
        STACK_DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    stack.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    stack.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    exited = new Promise((resolve) => stack.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 90_000;
    while (!output.includes('Payout orchestrator is running.')) {
      if (stack.exitCode !== null) throw new Error(`the stack exited early:\n${output}`);
      if (Date.now() > deadline) throw new Error(`the stack did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  const stopStack = async () => {
    stack.kill('SIGINT');
    return exited;
  };

  beforeAll(async () => {
    const [temporal = 0, ui = 0, sandbox = 0, callbacks = 0, codec = 0] = await freePorts(5);
    ports = { temporal, ui, sandbox, callbacks, codec };
    dataDir = mkdtempSync(join(tmpdir(), 'stack-'));
    await startStack();
  }, 120_000);

  afterAll(async () => {
    if (stack?.exitCode === null) {
      stack.kill('SIGINT');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs a payout end to end, and a restart resumes the open ones', async () => {
    expect(output).toContain(`Temporal Web UI:   http://localhost:${ports.ui}`);
    expect(output).toContain('npm run payout -- demo');

    // The key the stack made and keeps: the only way to read what it stored.
    const keyFile = join(dataDir, 'payload-codec.key');
    expect((statSync(keyFile).mode & 0o777).toString(8)).toBe('600');
    const key = readFileSync(keyFile, 'utf8');
    const connect = async () => {
      const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
      const dataConverter = payoutDataConverter(
        parsePayloadCodecConfig({ PAYLOAD_CODEC_KEYS_FILE: keyFile }),
      );
      return {
        connection,
        payouts: createPayoutClient({
          client: new Client({ connection, dataConverter }),
          platformId: 'PF0002',
        }),
      };
    };
    const request = (merchantOrderId: string) => ({
      merchantOrderId,
      amountCents: 12_345,
      bankName: '中国农业银行',
      recipientName: '测试用户',
      accountNumber: '6228480000000000000',
    });

    let { connection, payouts } = await connect();
    await payouts.startPayout(request('STACK-OK-1'), {
      policy: { firstCheckDelay: '1s', maxCheckDelay: '2s' },
    });
    const result = await payouts.waitForPayout('STACK-OK-1', { timeoutMs: 30_000 });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.payoutId).toMatch(/^POT/);

    // A payout still open when the stack stops: the sandbox holds it at processing.
    await payouts.startPayout(request('DEMO-STUCK-1'), {
      policy: { firstCheckDelay: '1s', maxCheckDelay: '2s' },
    });
    const deadline = Date.now() + 20_000;
    while ((await payouts.getPayout('DEMO-STUCK-1')).status !== 'CONFIRMING') {
      if (Date.now() > deadline) throw new Error('DEMO-STUCK-1 was never submitted');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await connection.close();

    expect(await stopStack()).toBe(0);
    expect(output).toContain('stopped');
    for (const port of Object.values(ports))
      expect(await canConnect('127.0.0.1', port), `port ${port}`).toBe(false);

    await startStack();
    expect(readFileSync(keyFile, 'utf8')).toBe(key);
    ({ connection, payouts } = await connect());
    // The worker after the restart reads the history it encrypted before it.
    const resumed = await payouts.getPayout('DEMO-STUCK-1');
    expect(resumed.status).toBe('CONFIRMING');
    expect(resumed.payoutId).toMatch(/^POT/);
    // The order survived in the sandbox too: forcing it final lets the resumed workflow finish.
    const forced = await fetch(
      `http://127.0.0.1:${ports.sandbox}/_sandbox/orders/DEMO-STUCK-1/status`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'success' }),
      },
    );
    expect(forced.status).toBe(200);
    const late = await payouts.waitForPayout('DEMO-STUCK-1', { timeoutMs: 30_000 });
    expect(late.status).toBe('SUCCEEDED');
    await connection.close();

    // Temporal's SQLite file holds the payouts, but not the recipient's name or account.
    const db = join(dataDir, 'temporal.sqlite');
    const stored = Buffer.concat(
      [db, `${db}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)),
    );
    expect(stored.includes(Buffer.from('DEMO-STUCK-1'))).toBe(true);
    expect(stored.includes(Buffer.from(request('x').accountNumber))).toBe(false);
    expect(stored.includes(Buffer.from(request('x').recipientName))).toBe(false);
  }, 180_000);

  it("gives the Web UI the codec server, which answers the UI's origin", async () => {
    const settings = (await (
      await fetch(`http://127.0.0.1:${ports.ui}/api/v1/settings`)
    ).json()) as { Codec?: { Endpoint?: string } };
    expect(settings.Codec?.Endpoint).toBe(`http://127.0.0.1:${ports.codec}`);
    expect(output).toContain(`Codec server:      http://127.0.0.1:${ports.codec}`);
    const preflight = await fetch(`http://127.0.0.1:${ports.codec}/decode`, {
      method: 'OPTIONS',
      headers: {
        Origin: `http://localhost:${ports.ui}`,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-namespace',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(
      `http://localhost:${ports.ui}`,
    );
  });
});
