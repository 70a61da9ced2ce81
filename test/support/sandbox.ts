/**
 * The shared sandbox fixture: sandboxes started with test defaults (no scenario rules, the
 * on-query schedule, the docs' merchant), signed create calls and plain queries against them, a
 * callback receiver, and the product's gateway client configured for them. Everything a test
 * starts is closed after it (or after the file, with `{ per: 'file' }`).
 */
import { afterAll, afterEach } from 'vitest';
import { Agent, request } from 'undici';
import { createGatewayClient, type GatewayClient } from '../../src/gateway/client.js';
import { parseGatewayConfig, type GatewayConfig } from '../../src/gateway/config.js';
import { sign, type WireValue } from '../../src/gateway/sign.js';
import {
  DEFAULT_MERCHANT,
  type SandboxMerchant,
  type SandboxOptions,
} from '../../src/sandbox/options.js';
import { startSandboxGateway, type SandboxGateway } from '../../src/sandbox/server.js';
import type { SignMode } from '../../vocabulary/gateway.js';
import { startServer, type TestServer } from '../gateway/helpers/http-server.js';

export const MERCHANT: SandboxMerchant = DEFAULT_MERCHANT;

/** A valid create call's fields (unsigned), with `overrides` applied (undefined removes a field). */
export function createFields(
  payoutClId: string,
  overrides: Record<string, WireValue> = {},
  merchant: SandboxMerchant = MERCHANT,
): Record<string, WireValue> {
  const fields: Record<string, WireValue> = {
    platform_id: merchant.platformId,
    service_id: 'SVC0004',
    payout_cl_id: payoutClId,
    amount: '50000',
    bank_name: '中国农业银行',
    name: 'test_name',
    number: '6228480402564890018',
    request_time: '1595504997',
    ...overrides,
  };
  for (const [k, v] of Object.entries(fields)) if (v === undefined) delete fields[k];
  return fields;
}

/** Signs the fields as the merchant's client would and renders the body. */
export function signedBody(
  fields: Record<string, WireValue>,
  merchant: SandboxMerchant = MERCHANT,
  mode: SignMode = merchant.signMode,
): string {
  const out: Record<string, WireValue> = { ...fields };
  if (mode === 'hmac-sha256') out['sign_type'] = 'HMAC-SHA256';
  out['sign'] = sign(out, merchant.secret, mode);
  return JSON.stringify(out);
}

export interface HttpResult {
  readonly status: number;
  readonly text: string;
  /** The parsed body, or undefined when it was not JSON. */
  readonly json: Record<string, unknown> | undefined;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Plain HTTP calls, JSON bodies. */
export class TestHttp {
  readonly agent = new Agent({ keepAliveTimeout: 100, connect: { timeout: 2000 } });

  async call(
    method: Method,
    url: string,
    options: { body?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<HttpResult> {
    const response = await request(url, {
      method,
      dispatcher: this.agent,
      headers: { 'content-type': 'application/json;charset=utf-8', ...options.headers },
      ...(options.body !== undefined ? { body: options.body } : {}),
      headersTimeout: options.timeoutMs ?? 5000,
      bodyTimeout: options.timeoutMs ?? 5000,
    });
    const text = await response.body.text();
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    return { status: response.statusCode, text, json };
  }

  post(url: string, body: string, timeoutMs?: number): Promise<HttpResult> {
    return this.call('POST', url, { body, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
  }

  get(url: string, token?: string, timeoutMs?: number): Promise<HttpResult> {
    return this.call('GET', url, {
      headers: token !== undefined ? { authorization: token } : {},
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    });
  }

  /** An admin call with a JSON body. */
  admin(method: Method, url: string, body?: unknown): Promise<HttpResult> {
    return this.call(method, url, body === undefined ? {} : { body: JSON.stringify(body) });
  }
}

/** One callback as the receiver got it. */
export interface ReceivedCallback {
  readonly at: number;
  readonly text: string;
  readonly body: Record<string, WireValue>;
}

/** What the receiver replies to the n-th callback (1-based); default `{"error_code":"0000"}`. */
export type CallbackAnswer = (
  n: number,
  body: Record<string, WireValue>,
) => { status: number; body: string };

/** A callback receiver: `url` is its notify_url, `received` what came in, in order. */
export interface CallbackReceiver {
  readonly url: string;
  readonly received: ReceivedCallback[];
  close(): Promise<void>;
}

export async function startCallbackReceiver(
  answer: CallbackAnswer = () => ({ status: 200, body: '{"error_code":"0000"}' }),
): Promise<CallbackReceiver> {
  const received: ReceivedCallback[] = [];
  const server: TestServer = await startServer(({ body: text }, res) => {
    const body = JSON.parse(text) as Record<string, WireValue>;
    received.push({ at: Date.now(), text, body });
    const reply = answer(received.length, body);
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(reply.body);
  });
  let closing: Promise<void> | undefined;
  return { url: `${server.baseUrl}/notify`, received, close: () => (closing ??= server.close()) };
}

/** Polls `check` until it returns something other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined,
  timeoutMs = 3000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The gateway client's settings for `gw`'s merchant, short timeouts; `env` overrides. */
export function clientConfig(
  gw: SandboxGateway,
  env: Readonly<Record<string, string>> = {},
): GatewayConfig {
  const m = gw.settings.merchant;
  return parseGatewayConfig({
    GATEWAY_BASE_URL: gw.url,
    GATEWAY_PLATFORM_ID: m.platformId,
    GATEWAY_SECRET: m.secret,
    GATEWAY_AUTH_TOKEN: m.authToken,
    GATEWAY_SIGN_MODE: m.signMode,
    GATEWAY_CONNECT_TIMEOUT_MS: '300',
    GATEWAY_HEADERS_TIMEOUT_MS: '300',
    GATEWAY_BODY_TIMEOUT_MS: '300',
    GATEWAY_ALLOW_HTTP: 'true',
    ...env,
  });
}

/** Sandbox test defaults: no scenario rules, each answered query moves an order one step on. */
export const TEST_DEFAULTS: SandboxOptions = { rules: [], schedule: { mode: 'on-query' } };

/**
 * Registers the fixture's clean-up (after each test, or after the file with `per: 'file'`) and
 * returns what starts things under it.
 */
export function sandboxFixture({ per = 'test' }: { per?: 'test' | 'file' } = {}) {
  const http = new TestHttp();
  const open: Array<{ close(): Promise<void> }> = [];
  const track = <T extends { close(): Promise<void> }>(thing: T): T => (open.push(thing), thing);
  (per === 'file' ? afterAll : afterEach)(async () => {
    for (const thing of open.splice(0).reverse()) await thing.close();
  });
  afterAll(() => http.agent.close());

  const api = (gw: SandboxGateway, path = '') => `${gw.url}/gateway/api/v2/payouts${path}`;
  return {
    http,
    /** A sandbox with {@link TEST_DEFAULTS} and `options` (which replace them field by field). */
    start: async (options: SandboxOptions = {}) =>
      track(await startSandboxGateway({ ...TEST_DEFAULTS, ...options })),
    receiver: async (answer?: CallbackAnswer) => track(await startCallbackReceiver(answer)),
    /** The product's gateway client, signing as `gw`'s merchant. */
    client: (gw: SandboxGateway, env?: Readonly<Record<string, string>>): GatewayClient =>
      track(createGatewayClient({ config: clientConfig(gw, env) })),
    /** A create call signed as the merchant's client would sign it. */
    create: (
      gw: SandboxGateway,
      clId: string,
      overrides: Record<string, WireValue> = {},
      merchant = gw.settings.merchant,
    ) => http.post(api(gw), signedBody(createFields(clId, overrides, merchant), merchant)),
    /** A list-form query (`query` is the query string, `?…`) with the merchant's token. */
    list: (gw: SandboxGateway, query = '') =>
      http.get(api(gw, query), gw.settings.merchant.authToken),
    /** A single-form query with the merchant's token: its `data`, if any. */
    single: async (gw: SandboxGateway, clId: string) => {
      const res = await http.get(api(gw, `/${clId}`), gw.settings.merchant.authToken);
      return res.json?.['data'] as Record<string, WireValue> | undefined;
    },
  };
}
