/**
 * The worker's startup credential check against the sandbox gateway over real HTTP: each wrong
 * setting is refused with a ConfigError naming the keys to fix (never a value), the right one
 * passes and says what it could check.
 */
import { createServer } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { createGatewayClient, createGatewayDispatcher } from '../../src/gateway/client.js';
import { parseGatewayConfig, type GatewayConfig } from '../../src/gateway/config.js';
import {
  CREDENTIAL_CHECK_RETRY_DELAYS_MS,
  checkGatewayCredentials,
  type CredentialCheckResult,
} from '../../src/gateway/credential-check.js';
import type { SignMode } from '../../vocabulary/gateway.js';
import type { SandboxGateway } from '../../src/sandbox/server.js';
import { createMemoryLogger } from '../support/logger.js';
import { sandboxFixture } from '../support/sandbox.js';
import { json, startServer, type TestServer } from './helpers/http-server.js';

const SECRET = 'CredCheckSecret-1';
const TOKEN = 'CredCheckToken-1';
const sandbox = sandboxFixture({ per: 'file' });

function configFor(baseUrl: string, env: Record<string, string> = {}): GatewayConfig {
  return parseGatewayConfig({
    GATEWAY_BASE_URL: baseUrl,
    GATEWAY_PLATFORM_ID: 'PF0002',
    GATEWAY_SECRET: SECRET,
    GATEWAY_AUTH_TOKEN: TOKEN,
    GATEWAY_CONNECT_TIMEOUT_MS: '500',
    GATEWAY_HEADERS_TIMEOUT_MS: '1000',
    GATEWAY_BODY_TIMEOUT_MS: '1000',
    GATEWAY_ALLOW_HTTP: 'true',
    ...env,
  });
}

/** Runs the check; `delays` collects the waits between tries instead of sleeping them. */
async function check(config: GatewayConfig) {
  const log = createMemoryLogger();
  const delays: number[] = [];
  const dispatcher = createGatewayDispatcher(config);
  try {
    const result: CredentialCheckResult | ConfigError = await checkGatewayCredentials({
      config,
      dispatcher,
      log,
      sleep: (ms) => {
        delays.push(ms);
        return Promise.resolve();
      },
    }).catch((error: unknown) => {
      if (error instanceof ConfigError) return error;
      throw error;
    });
    const lines = log.entries.map((e) => `${e.level} ${e.message}`);
    // Whatever happened, no credential or configured location is printed.
    const text = `${result instanceof ConfigError ? result.message : ''} ${lines.join(' ')}`;
    for (const value of [config.secret, config.authToken, config.baseUrl, config.payoutsPath]) {
      expect(text).not.toContain(value);
    }
    return { result, lines, delays };
  } finally {
    await dispatcher.close();
  }
}

/** The keys a refused check names. */
function keysOf(result: unknown): string[] {
  if (!(result instanceof ConfigError))
    throw new Error(`expected a ConfigError, got ${String(result)}`);
  expect(result.code).toBe('ERR_CONFIG');
  return result.issues.flatMap((i) => i.field.split(' / '));
}

function sandboxWith(signMode: SignMode): Promise<SandboxGateway> {
  return sandbox.start({
    merchant: { platformId: 'PF0002', secret: SECRET, authToken: TOKEN, signMode },
  });
}

/** Creates one order for the merchant, the way the worker would. */
async function createOrder(gw: SandboxGateway, config: GatewayConfig, id: string): Promise<void> {
  const client = createGatewayClient({ config });
  const outcome = await client.submitPayout({
    merchantOrderId: id,
    amountCents: 50_000,
    bankName: '中国农业银行',
    recipientName: '张三',
    accountNumber: '6228480402564890018',
  });
  await client.close();
  expect(outcome.kind).toBe('accepted');
  expect(gw.order(id)?.platformId).toBe(config.platformId);
}

describe('credential check: a merchant with no orders yet', () => {
  let gw: SandboxGateway;
  beforeAll(async () => {
    gw = await sandboxWith('md5');
  });

  it('right config: passes, and says in one INFO line that the sign could not be checked yet', async () => {
    const { result, lines } = await check(configFor(gw.url));
    expect(result).toEqual({ signChecked: false, attempts: 1 });
    expect(lines).toEqual([expect.stringMatching(/^info .*sign could not be checked yet/)]);
  });

  it('single form: passes on 0050, and says the sign is checked later', async () => {
    const { result, lines } = await check(configFor(gw.url, { GATEWAY_QUERY_FORM: 'single' }));
    expect(result).toEqual({ signChecked: false, attempts: 1 });
    expect(lines).toEqual([expect.stringMatching(/^info .*sign is checked on the first order/)]);
  });

  it.each(['list', 'single'])('wrong token (%s form): names the token keys', async (form) => {
    const config = configFor(gw.url, {
      GATEWAY_AUTH_TOKEN: 'not-the-token',
      GATEWAY_QUERY_FORM: form,
    });
    const { result } = await check(config);
    expect(keysOf(result)).toEqual(['GATEWAY_AUTH_TOKEN', 'GATEWAY_AUTH_TOKEN_FILE']);
    expect((result as ConfigError).message).toContain('0006');
  });

  it('wrong path: names base URL, path and query form, at once (a 404 is not retried)', async () => {
    const config = configFor(gw.url, { GATEWAY_PAYOUTS_PATH: '/gateway/api/v3/payouts' });
    const { result, delays } = await check(config);
    expect(keysOf(result)).toEqual([
      'GATEWAY_BASE_URL',
      'GATEWAY_PAYOUTS_PATH',
      'GATEWAY_QUERY_FORM',
    ]);
    expect((result as ConfigError).message).toContain('HTTP 404');
    expect(delays).toEqual([]);
  });

  it('sends only queries: no order is created, whatever the config', async () => {
    await check(configFor(gw.url));
    await check(configFor(gw.url, { GATEWAY_SECRET: 'wrong' }));
    expect(gw.orders()).toEqual([]);
  });
});

/** Each sandbox merchant's mode, and the configured modes that must be refused against it. */
const MODES: readonly { signMode: SignMode; wrongModes: readonly SignMode[] }[] = [
  { signMode: 'md5', wrongModes: ['md5-key', 'hmac-sha256'] },
  { signMode: 'md5-key', wrongModes: ['md5', 'hmac-sha256'] },
  // Its orders say sign_type HMAC-SHA256, which an MD5 mode accepts as the gateway's upgrade.
  { signMode: 'hmac-sha256', wrongModes: [] },
];

describe.each(MODES)(
  'credential check: a $signMode merchant with an order',
  ({ signMode, wrongModes }) => {
    let gw: SandboxGateway;
    beforeAll(async () => {
      gw = await sandboxWith(signMode);
      await createOrder(gw, configFor(gw.url, { GATEWAY_SIGN_MODE: signMode }), 'CHECK-1');
    });

    it('right config: passes, secret and sign mode verified on the listed order', async () => {
      const { result, lines } = await check(configFor(gw.url, { GATEWAY_SIGN_MODE: signMode }));
      expect(result).toEqual({ signChecked: true, attempts: 1 });
      expect(lines).toEqual([expect.stringMatching(/^info .*secret and sign mode checked/)]);
    });

    it('wrong secret: names the secret and sign mode keys', async () => {
      const config = configFor(gw.url, { GATEWAY_SIGN_MODE: signMode, GATEWAY_SECRET: 'wrong' });
      const { result } = await check(config);
      expect(keysOf(result)).toEqual([
        'GATEWAY_SECRET',
        'GATEWAY_SECRET_FILE',
        'GATEWAY_SIGN_MODE',
      ]);
      expect((result as ConfigError).message).toMatch(/in any sign mode/);
    });

    for (const wrongMode of wrongModes) {
      it(`wrong sign mode ${wrongMode}: names the keys, and says the mode is what differs`, async () => {
        const { result } = await check(configFor(gw.url, { GATEWAY_SIGN_MODE: wrongMode }));
        expect(keysOf(result)).toEqual([
          'GATEWAY_SECRET',
          'GATEWAY_SECRET_FILE',
          'GATEWAY_SIGN_MODE',
        ]);
        expect((result as ConfigError).message).toMatch(/only in another sign mode/);
      });
    }
  },
);

describe("credential check: another merchant's token", () => {
  let gw: SandboxGateway;
  beforeAll(async () => {
    gw = await sandboxWith('md5');
    await createOrder(gw, configFor(gw.url), 'CHECK-OTHER-1');
  });

  it('names the token and platform id, not the secret', async () => {
    // The token lists the orders of PF0002, not those of the merchant configured.
    const { result } = await check(configFor(gw.url, { GATEWAY_PLATFORM_ID: 'PF0003' }));
    expect(keysOf(result)).toEqual([
      'GATEWAY_AUTH_TOKEN',
      'GATEWAY_AUTH_TOKEN_FILE',
      'GATEWAY_PLATFORM_ID',
    ]);
  });
});

describe('credential check: a gateway that cannot be reached or answers nonsense', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('nothing listening: five tries over about ten seconds, then names GATEWAY_BASE_URL', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const { result, delays } = await check(configFor(`http://127.0.0.1:${port}`));
    expect(keysOf(result)).toEqual(['GATEWAY_BASE_URL']);
    expect((result as ConfigError).message).toMatch(/cannot be reached: .*after 5 tries/);
    expect(delays).toEqual(CREDENTIAL_CHECK_RETRY_DELAYS_MS);
    expect(delays.reduce((a, b) => a + b, 0)).toBe(10_000);
  });

  it('HTTP 503 every time: retried, then names base URL, path and query form', async () => {
    server = await startServer((_req, res) => json(res, { error: 'down' }, 503));
    const { result, delays } = await check(configFor(server.baseUrl));
    expect(keysOf(result)).toEqual([
      'GATEWAY_BASE_URL',
      'GATEWAY_PAYOUTS_PATH',
      'GATEWAY_QUERY_FORM',
    ]);
    expect(delays).toHaveLength(4);
    expect(server.received).toHaveLength(5);
  });

  it('HTTP 503 once, then a proper not-found: passes on the second try', async () => {
    server = await startServer((req, res) => {
      if (server?.received.length === 1) return json(res, {}, 503);
      json(
        res,
        req.url.includes('payout_cl_id=')
          ? { error_code: '0000', data: [], total: 0 }
          : { error_code: '0000', data: [] },
      );
    });
    const { result } = await check(configFor(server.baseUrl));
    expect(result).toEqual({ signChecked: false, attempts: 2 });
  });

  it.each([
    ['a page that is not JSON', 200, '<html>welcome</html>'],
    ['an unknown error code', 200, { error_code: '9999', error_msg: 'nope' }],
    [
      'an order for an id that cannot exist',
      200,
      { error_code: '0000', data: [{ payout_id: 'P1' }] },
    ],
    ['HTTP 401', 401, { error_code: '0006' }],
  ])('%s: names base URL, path and query form', async (_label, status, body) => {
    server = await startServer((_req, res) => {
      if (typeof body === 'string') {
        res.writeHead(status, { 'content-type': 'text/html' });
        res.end(body);
      } else json(res, body, status);
    });
    const { result, delays } = await check(configFor(server.baseUrl));
    expect(keysOf(result)).toEqual([
      'GATEWAY_BASE_URL',
      'GATEWAY_PAYOUTS_PATH',
      'GATEWAY_QUERY_FORM',
    ]);
    expect(delays).toEqual([]);
  });
});
