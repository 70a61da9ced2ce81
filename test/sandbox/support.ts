/** Helpers shared by the sandbox's tests: signed bodies, plain HTTP calls, a callback receiver. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { sign, type WireValue } from '../../src/gateway/sign.js';
import type { SignMode } from '../../vocabulary/gateway.js';
import { DEFAULT_MERCHANT } from '../../src/sandbox/options.js';

export interface TestMerchant {
  readonly platformId: string;
  readonly secret: string;
  readonly authToken: string;
  readonly signMode: SignMode;
}

export const MERCHANT: TestMerchant = DEFAULT_MERCHANT;

/** A valid create call's fields (unsigned), with `overrides` applied (undefined removes a field). */
export function createFields(
  payoutClId: string,
  overrides: Record<string, WireValue> = {},
  merchant: TestMerchant = MERCHANT,
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
  merchant: TestMerchant = MERCHANT,
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

/** An HTTP client for tests; close() it in afterAll. */
export class TestHttp {
  readonly agent = new Agent({ keepAliveTimeout: 100, connect: { timeout: 2000 } });

  async call(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
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
  admin(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
  ): Promise<HttpResult> {
    return this.call(method, url, body === undefined ? {} : { body: JSON.stringify(body) });
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

/** One callback as the receiver got it. */
export interface ReceivedCallback {
  readonly at: number;
  readonly text: string;
  readonly body: Record<string, WireValue>;
}

/** A tiny node:http callback receiver; `answer` says what to reply to the n-th callback (1-based). */
export class CallbackReceiver {
  readonly received: ReceivedCallback[] = [];
  #server: Server | undefined;
  url = '';

  constructor(
    private readonly answer: (
      n: number,
      body: Record<string, WireValue>,
    ) => {
      status: number;
      body: string;
    } = () => ({ status: 200, body: '{"error_code":"0000"}' }),
  ) {}

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const body = JSON.parse(text) as Record<string, WireValue>;
        this.received.push({ at: Date.now(), text, body });
        const reply = this.answer(this.received.length, body);
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(reply.body);
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    const port = (this.#server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${port}/notify`;
    return this;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
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
