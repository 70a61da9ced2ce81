/**
 * Logs never leak. Every fault path that can be driven in-process (and the worker's and the
 * receiver's refusal of a bad environment, as the processes print it) is captured the way the
 * process writes it, and no captured text may hold the signing secret, the query token, the
 * recipient's name, the account number or a sign value, not even a piece of one.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatWithOptions } from 'node:util';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { startCallbackReceiver, type DeliveryResult } from '../../src/callback/receiver.js';
import { ConfigError } from '../../src/errors.js';
import { verifyCallback } from '../../src/gateway/callback.js';
import { createGatewayClient, createGatewayDispatcher } from '../../src/gateway/client.js';
import { parseGatewayConfig, type GatewayConfig } from '../../src/gateway/config.js';
import { checkGatewayCredentials } from '../../src/gateway/credential-check.js';
import type { PayoutNotification } from '../../vocabulary/gateway.js';
import { createConsoleLogger } from '../../src/log.js';
import type { PayoutRequest } from '../../src/client/request.js';
import { startSandboxGateway, type SandboxLogger } from '../../src/sandbox/index.js';
import { json, startServer, type TestServer } from '../gateway/helpers/http-server.js';
import { runEntry } from '../support/processes.js';
import { referenceMd5 } from '../gateway/helpers/independent-sign.js';

const SECRET = 'LogSafetySecret-7c1e9a';
const TOKEN = 'LogSafetyToken-2b9d44';
const RECIPIENT = '韩梅梅';
const ACCOUNT = '6217853190042776351';
const PLATFORM = 'PF0002';

/** Every sign value this file made or served: none may reach a log. */
const signs = new Set<string>();

/** Signed as the gateway signs (MD5 with our secret); the sign is remembered. */
function signed(fields: Record<string, unknown>, secret = SECRET): Record<string, unknown> {
  const sign = referenceMd5(fields, secret);
  signs.add(sign);
  return { ...fields, sign };
}

/** The pieces of `value` a log must not hold: all of it when short, any 8 characters of it. */
function pieces(value: string): string[] {
  const size = Math.min(value.length, 8);
  return Array.from({ length: value.length - size + 1 }, (_, i) => value.slice(i, i + size));
}

/** Fails naming what leaked (the test's own values, so they may be printed) and where. */
function expectNoLeak(text: string, where: string): void {
  const sensitive: [string, string][] = [
    ['the signing secret', SECRET],
    ['the query token', TOKEN],
    ['the recipient name', RECIPIENT],
    ['the account number', ACCOUNT],
    ...[...signs].map((s): [string, string] => ['a sign value', s]),
  ];
  for (const [what, value] of sensitive) {
    const piece = pieces(value).find((p) => text.includes(p));
    expect(piece, `${where}: ${what} (${piece ?? ''}) in:\n${text}`).toBeUndefined();
  }
}

function gatewayConfig(baseUrl: string, env: Record<string, string> = {}): GatewayConfig {
  return parseGatewayConfig({
    GATEWAY_BASE_URL: baseUrl,
    // The test servers and the sandbox speak plain http on loopback.
    ...(baseUrl.startsWith('http:') ? { GATEWAY_ALLOW_HTTP: 'true' } : {}),
    GATEWAY_PLATFORM_ID: PLATFORM,
    GATEWAY_SECRET: SECRET,
    GATEWAY_AUTH_TOKEN: TOKEN,
    GATEWAY_CONNECT_TIMEOUT_MS: '300',
    GATEWAY_HEADERS_TIMEOUT_MS: '300',
    GATEWAY_BODY_TIMEOUT_MS: '300',
    ...env,
  });
}

/** Lines as `createConsoleLogger` writes them for a process. */
function consoleLines(component: string) {
  const lines: string[] = [];
  return { lines, log: createConsoleLogger(component, (line) => lines.push(line)) };
}

// ---- the callback receiver -------------------------------------------------------------------

describe('the callback receiver logs no secret, recipient or sign', () => {
  const { lines, log } = consoleLines('callbacks');
  const config = gatewayConfig('https://gateway.example');
  /** A callback of a deployment that also sends the recipient's details, signed. */
  const callback = (changes: Record<string, unknown> = {}) =>
    signed({
      payout_id: 'POT00000007',
      payout_cl_id: 'ORDER-7',
      platform_id: PLATFORM,
      amount: '50000',
      status: '3',
      name: RECIPIENT,
      number: ACCOUNT,
      error_msg: `paid to ${RECIPIENT} ${ACCOUNT}`,
      ...changes,
    });
  const outcome: Record<string, () => Promise<DeliveryResult>> = {
    'ORDER-UNKNOWN': () => Promise.resolve('unknown-payout'),
    'ORDER-DISPUTE': () => Promise.resolve('disputed'),
    // Temporal unreachable.
    'ORDER-DOWN': () => Promise.reject(new Error('14 UNAVAILABLE: connection refused')),
  };
  const deliver = (n: PayoutNotification): Promise<DeliveryResult> => {
    if (n.payoutClId === 'ORDER-THROWS') throw new Error('deliver failed before it started');
    return (outcome[n.payoutClId] ?? (() => Promise.resolve<DeliveryResult>('delivered')))();
  };
  let url = '';
  let close: () => Promise<void> = () => Promise.resolve();

  beforeAll(async () => {
    const receiver = await startCallbackReceiver(
      { verify: (body) => verifyCallback(body, config), deliver, log },
      { host: '127.0.0.1', port: 0, path: '/cb', maxBodyBytes: 2048 },
    );
    url = `${receiver.url}/cb`;
    close = () => receiver.close();
  });
  afterAll(() => close());

  const post = async (body: string, contentType = 'application/json') => {
    const res = await request(url, {
      method: 'POST',
      body,
      headers: { 'content-type': contentType },
    });
    await res.body.dump();
    return res.statusCode;
  };

  it('refusals, failures, repeats and deliveries', async () => {
    const statuses = [
      await post(JSON.stringify(callback())),
      await post(JSON.stringify(callback())),
      await post(JSON.stringify(callback({ payout_cl_id: 'ORDER-UNKNOWN' }))),
      await post(JSON.stringify(callback({ payout_cl_id: 'ORDER-DISPUTE' }))),
      await post(JSON.stringify(callback({ payout_cl_id: 'ORDER-DOWN' }))),
      await post(JSON.stringify(callback({ payout_cl_id: 'ORDER-THROWS' }))),
      await post(JSON.stringify({ ...callback(), sign: referenceMd5(callback(), 'wrong') })),
      await post(JSON.stringify(callback({ platform_id: 'PF0003' }))),
      await post(JSON.stringify(callback({ status: RECIPIENT }))),
      await post(JSON.stringify(callback({ payout_cl_id: `${ACCOUNT}:${RECIPIENT}` }))),
      await post(JSON.stringify(callback({ payout_id: `${SECRET}\n${TOKEN}` }))),
      await post(JSON.stringify(callback({ amount: ACCOUNT.repeat(2) }))),
      await post(JSON.stringify({ name: RECIPIENT, number: ACCOUNT, sign: [...signs][0] })),
      await post(`name=${RECIPIENT}&number=${ACCOUNT}&sign=${[...signs][0]}`),
      await post(JSON.stringify(callback()), 'text/plain'),
      await post(JSON.stringify(callback({ memo: ACCOUNT.repeat(200) }))),
    ];
    expect(statuses).toEqual([
      200, 200, 404, 200, 503, 503, 401, 403, 400, 400, 400, 400, 400, 400, 415, 413,
    ]);
    const text = lines.join('\n');
    // What an operator needs is there: the capture works.
    expect(text).toContain('callback refused');
    expect(text).toContain('callback not delivered');
    expect(text).toContain('callback handler failed');
    expect(text).toContain('ORDER-7');
    expectNoLeak(text, 'callback receiver log');
  });
});

// ---- the activities, through the real gateway client ---------------------------------------

describe('the activities log no secret, recipient or sign, whatever the gateway answers', () => {
  const entries: string[] = [];
  // The worker's own logger (DefaultLogger), printing what it would print to stderr.
  const logger = new DefaultLogger('TRACE', ({ level, message, meta }) =>
    entries.push(`[${level}] ${message} ${formatWithOptions({ colors: false }, meta ?? {})}`),
  );
  const env = new MockActivityEnvironment({}, { logger });
  let server: TestServer;
  let acts: ReturnType<typeof createActivities>;
  let closeGateway: () => Promise<void> = () => Promise.resolve();

  /** An order as the list answer carries it, in a deployment that lists the recipient too. */
  const item = (id: string, changes: Record<string, unknown> = {}) =>
    signed({
      payout_id: `POT-${id}`,
      payout_cl_id: id,
      platform_id: PLATFORM,
      amount: '50000',
      status: '2',
      name: RECIPIENT,
      number: ACCOUNT,
      memo: `to ${RECIPIENT}`,
      ...changes,
    });
  /** The item with its sign first, as some deployments order their keys. */
  const signFirst = (fields: Record<string, unknown>) => {
    const { sign, ...rest } = fields;
    return { sign, ...rest };
  };
  const list = (...items: unknown[]) => ({ error_code: '0000', data: items, total: items.length });
  const queries: Record<string, (res: ServerResponse, id: string) => void> = {
    'Q-FOUND': (res, id) => json(res, list(signFirst(item(id)))),
    'Q-CUT': (res, id) => raw(res, 200, JSON.stringify(list(signFirst(item(id)))).slice(0, 150)),
    'Q-ARRAY': (res, id) => json(res, [signFirst(item(id))]),
    'Q-500': (res, id) =>
      raw(res, 500, `query ${id} failed; token ${TOKEN}; order ${JSON.stringify(item(id))}`),
    'Q-0006': (res) =>
      json(res, { error_code: '0006', error_msg: `Invalid Authorization ${TOKEN}` }),
    'Q-9999': (res) =>
      json(res, { error_code: '9999', error_msg: `account ${ACCOUNT} of ${RECIPIENT} is frozen` }),
    'Q-BADSIGN': (res, id) => json(res, list({ ...item(id), sign: 'f'.repeat(32) })),
    'Q-SHAPE': (res, id) => json(res, list(signFirst(item(id, { status: RECIPIENT })))),
    'Q-OTHER': (res, id) => json(res, list(signFirst(item(id, { platform_id: 'PF0003' })))),
    'Q-HANG': () => undefined,
  };
  const creates: Record<string, (res: ServerResponse, body: string) => void> = {
    'S-ACCEPT': (res) => json(res, { error_code: '0000', data: { payout_id: 'POT-S1' } }),
    'S-REJECT': (res) =>
      json(res, { error_code: '0012', error_msg: `no bank for ${RECIPIENT} ${ACCOUNT}` }),
    'S-500': (res, body) => raw(res, 500, `bad request ${body}`),
    'S-CUT': (res, body) => raw(res, 200, `{"error_code":"0001","echo":${body}`),
    'S-CODE': (res) => json(res, { error_code: TOKEN, error_msg: SECRET }),
  };

  beforeAll(async () => {
    server = await startServer((req, res) => {
      if (req.method === 'POST') {
        const body = JSON.parse(req.body) as Record<string, unknown>;
        signs.add(String(body['sign']));
        const answer = creates[String(body['payout_cl_id'])];
        if (answer) answer(res, req.body);
        else json(res, { error_code: '0000', data: { payout_id: 'POT-X' } });
        return;
      }
      const id = new URL(req.url, 'http://x').searchParams.get('payout_cl_id') ?? '';
      const answer = queries[id];
      if (answer) answer(res, id);
      else if (id === 'S-PRE500') raw(res, 503, `down; ${TOKEN}`);
      else json(res, list());
    });
    const gateway = createGatewayClient({ config: gatewayConfig(server.baseUrl) });
    closeGateway = () => gateway.close();
    acts = createActivities({ gateway });
  });
  afterAll(async () => {
    await closeGateway();
    await server.close();
  });

  const request = (merchantOrderId: string): PayoutRequest => ({
    merchantOrderId,
    amountCents: 50_000,
    bankName: '中国农业银行',
    recipientName: RECIPIENT,
    accountNumber: ACCOUNT,
    bankBranch: `${RECIPIENT}支行`,
  });
  /** Runs to the end, answer or failure: only what was logged on the way matters here. */
  const settle = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      () => undefined,
    );

  it('status queries: found, cut off, not an object, 5xx, error codes, bad signs, bad shapes, no answer', async () => {
    for (const id of Object.keys(queries)) {
      await settle(env.run(acts.queryPayoutStatus, { merchantOrderId: id, amountCents: 50_000 }));
    }
    const text = entries.join('\n');
    expect(text).toContain('payout status queried');
    expect(text).toContain('Activity failed');
    expect(text).toContain('Q-FOUND');
    // The failures still say what went wrong, in our words.
    expect(text).toContain('status query got no usable answer (invalid-json): body is not JSON');
    expect(text).toContain('(http-status): HTTP 500');
    expect(text).toContain('(gateway-error 9999): error_code 9999');
    expectNoLeak(text, 'worker log (status queries)');
  });

  it('submits: accepted, rejected, 5xx and cut-off answers echoing the request, odd codes, no pre-check answer', async () => {
    entries.length = 0;
    for (const id of [...Object.keys(creates), 'S-PRE500']) {
      await settle(
        env.run(acts.submitPayout, {
          request: request(id),
          platformId: PLATFORM,
          origin: 'initial' as const,
        }),
      );
    }
    await settle(
      env.run(acts.submitPayout, {
        request: request('S-OTHER'),
        platformId: 'PF0009',
        origin: 'initial' as const,
      }),
    );
    const text = entries.join('\n');
    expect(text).toContain('payout submit');
    expect(text).toContain('S-500');
    expectNoLeak(text, 'worker log (submits)');
  });
});

// ---- the startup credential check -------------------------------------------------------

describe('the credential check logs and throws no secret or sign', () => {
  let server: TestServer;
  let answer: (res: ServerResponse, url: string) => void = () => undefined;

  beforeAll(async () => {
    server = await startServer((req, res) => answer(res, req.url));
  });
  afterAll(() => server.close());

  async function check(): Promise<string> {
    const { lines, log } = consoleLines('worker');
    const config = gatewayConfig(server.baseUrl);
    const dispatcher = createGatewayDispatcher(config);
    try {
      const error = await checkGatewayCredentials({
        config,
        dispatcher,
        log,
        sleep: () => Promise.resolve(),
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      // The worker logs a ConfigError's message as is.
      if (error !== undefined) {
        expect(error).toBeInstanceOf(ConfigError);
        log.error((error as ConfigError).message);
      }
    } finally {
      await dispatcher.close();
    }
    return lines.join('\n');
  }
  const probeOrList =
    (probe: (res: ServerResponse) => void, listing: (res: ServerResponse) => void) =>
    (res: ServerResponse, url: string) => (url.includes('limit=1') ? listing(res) : probe(res));
  const order = (changes: Record<string, unknown> = {}, secret = SECRET) =>
    signed(
      {
        payout_id: 'POT1',
        payout_cl_id: 'OLD-1',
        platform_id: PLATFORM,
        amount: '1',
        status: '3',
        ...changes,
      },
      secret,
    );
  const none = (res: ServerResponse) => json(res, { error_code: '0000', data: [] });

  it.each([
    [
      '0006 echoing the token',
      () => (res: ServerResponse) => json(res, { error_code: '0006', error_msg: TOKEN }),
    ],
    [
      'an error code that is the token',
      () => (res: ServerResponse) => json(res, { error_code: TOKEN, error_msg: SECRET }),
    ],
    [
      '5xx echoing both credentials',
      () => (res: ServerResponse) => raw(res, 502, `${SECRET} ${TOKEN}`),
    ],
    [
      'an order for the probe',
      () => (res: ServerResponse) => json(res, { error_code: '0000', data: [order()] }),
    ],
    [
      'a listed order signed with another secret',
      () =>
        probeOrList(none, (res) =>
          json(res, { error_code: '0000', data: [order({}, 'Other-Secret-1')] }),
        ),
    ],
    [
      'a listed order of another merchant',
      () =>
        probeOrList(none, (res) =>
          json(res, { error_code: '0000', data: [order({ platform_id: 'PF0003' })] }),
        ),
    ],
    [
      'a listed order that verifies',
      () => probeOrList(none, (res) => json(res, { error_code: '0000', data: [order()] })),
    ],
    ['no listing', () => probeOrList(none, (res) => raw(res, 400, `${TOKEN} may not list`))],
  ])('%s', async (_name, makeAnswer) => {
    answer = makeAnswer();
    const text = await check();
    expect(text).toMatch(/gateway|GATEWAY_/);
    expectNoLeak(text, 'credential check');
  });
});

// ---- the sandbox gateway -----------------------------------------------------------------

describe("the sandbox gateway's log holds no secret, recipient or sign", () => {
  const lines: string[] = [];
  // As consoleLogger() writes it: one JSON object per line.
  const line = (level: string) => (message: string, fields?: Readonly<Record<string, unknown>>) =>
    void lines.push(JSON.stringify({ level, message, ...fields }));
  const logger: SandboxLogger = { info: line('info'), warn: line('warn') };
  let dir = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'log-safety-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('creates refused and accepted, queries with a wrong token, callbacks nobody acknowledges, state saved', async () => {
    const stateFile = join(dir, 'sandbox-orders.json');
    const sandbox = await startSandboxGateway({
      merchant: { platformId: PLATFORM, secret: SECRET, authToken: TOKEN, signMode: 'md5' },
      schedule: { mode: 'on-query' },
      rules: [],
      callbacks: { attempts: 2, intervalMs: 1, timeoutMs: 200 },
      stateFile,
      logger,
    });
    // Callbacks go to a port where nobody listens.
    const closed = await startServer(() => undefined);
    const notifyUrl = `${closed.baseUrl}/cb`;
    await closed.close();
    const config = gatewayConfig(sandbox.url, { GATEWAY_NOTIFY_URL: notifyUrl });
    const gateway = createGatewayClient({ config });
    try {
      const payout = {
        merchantOrderId: 'SBX-1',
        amountCents: 50_000,
        bankName: '中国农业银行',
        recipientName: RECIPIENT,
        accountNumber: ACCOUNT,
      };
      expect(await gateway.submitPayout(payout)).toMatchObject({ kind: 'accepted' });
      const created = sandbox.record('SBX-1').creates[0];
      signs.add(String((JSON.parse(created?.bodyText ?? '{}') as Record<string, unknown>)['sign']));
      // A forged create, and one whose fields the sandbox refuses.
      const post = (body: unknown) =>
        request(`${sandbox.url}/gateway/api/v2/payouts`, {
          method: 'POST',
          body: JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        }).then((r) => r.body.dump());
      const fields = {
        platform_id: PLATFORM,
        service_id: 'SVC0004',
        payout_cl_id: 'SBX-2',
        amount: '1',
        bank_name: 'b',
        name: RECIPIENT,
        number: ACCOUNT,
        request_time: '1595504997',
      };
      await post({ ...fields, sign: 'f'.repeat(32) });
      await post(signed({ ...fields, amount: ACCOUNT.repeat(2) }));
      await request(`${sandbox.url}/gateway/api/v2/payouts?payout_cl_id=SBX-1`, {
        headers: { authorization: SECRET },
      }).then((r) => r.body.dump());
      sandbox.forceStatus('SBX-1', 'success');
      await sandbox.callbacksIdle();
      for (const callback of sandbox.record('SBX-1').callbacks) {
        signs.add(String((JSON.parse(callback.body) as Record<string, unknown>)['sign']));
      }
      await sandbox.saveState();
    } finally {
      await gateway.close();
      await sandbox.close();
    }
    const text = lines.join('\n');
    expect(text).toContain('callback not acknowledged');
    expect(text).toContain('SBX-1');
    expectNoLeak(text, 'sandbox log');
    // The state file holds the recipient (so the next test can damage it where it hurts).
    expect(await readFile(stateFile, 'utf8')).toContain(ACCOUNT);
  });

  it('a damaged state file stops the start with a message that quotes none of it', async () => {
    const stateFile = join(dir, 'sandbox-orders.json');
    const saved = await readFile(stateFile, 'utf8');
    for (const value of [ACCOUNT, RECIPIENT]) {
      // A stray character where the value starts, as a hand edit or a bad merge leaves it.
      const at = saved.indexOf(`:"${value}"`) + 1;
      expect(at).toBeGreaterThan(0);
      await writeFile(stateFile, `${saved.slice(0, at)}x${saved.slice(at)}`);
      const error: unknown = await startSandboxGateway({ stateFile, logger }).then(
        async (sandbox) => {
          await sandbox.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      // What `npm run sandbox` prints.
      const printed = `Sandbox gateway failed to start: ${(error as Error).message}`;
      expect(printed).toContain('is not valid JSON');
      expectNoLeak(printed, 'sandbox start');
    }
  });
});

// ---- the worker and the receiver as processes, on a bad environment ---------------------

describe('the worker and the receiver refuse a bad environment without printing its values', () => {
  const run = async (script: string, env: Record<string, string>) => {
    const { code, stderr } = await runEntry(script, env, { stdout: true });
    return { code, output: stderr };
  };

  const good = {
    GATEWAY_BASE_URL: 'https://gateway.example',
    GATEWAY_PLATFORM_ID: PLATFORM,
    GATEWAY_SECRET: SECRET,
    GATEWAY_AUTH_TOKEN: TOKEN,
  };
  const badGateway = {
    GATEWAY_BASE_URL: `https://${TOKEN}:${SECRET}@gateway.example`,
    GATEWAY_PLATFORM_ID: SECRET,
    GATEWAY_SECRET: `${SECRET}\n`,
    GATEWAY_AUTH_TOKEN: `${TOKEN} \n${TOKEN}`,
    GATEWAY_SIGN_MODE: SECRET,
    GATEWAY_NOTIFY_URL: `https://cb.example/${RECIPIENT}#${TOKEN}`,
    GATEWAY_CONNECT_TIMEOUT_MS: ACCOUNT,
  };

  it.each([
    ['src/worker.ts', badGateway],
    [
      'src/worker.ts',
      { ...good, TEMPORAL_ADDRESS: SECRET, TEMPORAL_TLS: TOKEN, TEMPORAL_API_KEY: SECRET },
    ],
    ['src/worker.ts', { ...good, LOG_LEVEL: SECRET }],
    ['src/callback-server.ts', badGateway],
    [
      'src/callback-server.ts',
      { ...good, CALLBACK_PORT: SECRET, CALLBACK_PATH: TOKEN, CALLBACK_HOST: ACCOUNT },
    ],
  ])('%s', async (script, env) => {
    const { code, output } = await run(script, env);
    expect(code).toBe(1);
    expect(output).toContain('Invalid configuration');
    expectNoLeak(output, script);
  });
});

/** Answers `text` as it is, with `status`. */
function raw(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
