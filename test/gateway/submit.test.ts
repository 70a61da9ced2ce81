import { type Server, type Socket, createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { ServerResponse } from 'node:http';
import type { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { createGatewayDispatcher } from '../../src/gateway/client.js';
import type { GatewayConfig } from '../../src/gateway/config.js';
import { submitPayout } from '../../src/gateway/submit.js';
import type { PayoutRequest } from '../../src/client/request.js';
import { TEST_SECRET, testConfig } from './helpers/config.js';
import {
  type ReceivedRequest,
  type TestServer,
  json,
  sleep,
  startServer,
} from './helpers/http-server.js';
import { referenceMd5 } from './helpers/independent-sign.js';

const REQUEST: PayoutRequest = {
  merchantOrderId: 'ORD-2024-0001',
  amountCents: 12345,
  bankName: '中国农业银行',
  recipientName: '张三',
  accountNumber: '6228480012345678',
  city: '北京市',
};
const NOW_MS = 1_700_000_000_500;

let server: TestServer | undefined;
let tcp: { server: Server; sockets: Set<Socket> } | undefined;
let dispatcher: Agent | undefined;

afterEach(async () => {
  await dispatcher?.destroy();
  await server?.close();
  if (tcp) {
    for (const socket of tcp.sockets) socket.destroy();
    await new Promise((resolve) => tcp?.server.close(resolve));
  }
  server = undefined;
  tcp = undefined;
  dispatcher = undefined;
});

/** Runs one submit against a server answering with `handler`, through the default dispatcher. */
async function submitTo(
  handler: (request: ReceivedRequest, res: ServerResponse) => void,
  env: Record<string, string> = {},
) {
  server = await startServer(handler);
  return submitAt(testConfig(server.baseUrl, env));
}

async function submitAt(config: GatewayConfig, request: PayoutRequest = REQUEST) {
  dispatcher = createGatewayDispatcher(config);
  const started = performance.now();
  const outcome = await submitPayout(request, { config, dispatcher, now: () => NOW_MS });
  return { outcome, elapsedMs: performance.now() - started, config };
}

/** A raw TCP server: for a peer that is not HTTP at all, or never finishes a TLS handshake. */
async function startTcp(onSocket: (socket: Socket) => void): Promise<string> {
  const sockets = new Set<Socket>();
  const s = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    onSocket(socket);
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  tcp = { server: s, sockets };
  return `127.0.0.1:${(s.address() as AddressInfo).port}`;
}

describe('submitPayout: the request sent', () => {
  it('POSTs one signed JSON body, exactly the text it signed', async () => {
    const { outcome } = await submitTo((_req, res) =>
      json(res, { error_code: '0000', data: { payout_id: 'POT00000001' } }),
    );
    expect(outcome).toEqual({ kind: 'accepted', payoutId: 'POT00000001' });
    expect(server?.received).toHaveLength(1);
    const [sent] = server?.received ?? [];
    expect(sent?.method).toBe('POST');
    expect(sent?.url).toBe('/gateway/api/v2/payouts');
    expect(sent?.headers['content-type']).toBe('application/json;charset=utf-8');
    // The query token is not a credential of the create call.
    expect(sent?.headers['authorization']).toBeUndefined();
    const fields = JSON.parse(sent?.body ?? '') as Record<string, unknown>;
    expect(fields).toEqual({
      platform_id: 'PF0002',
      service_id: 'SVC0004',
      payout_cl_id: 'ORD-2024-0001',
      amount: '12345',
      bank_name: '中国农业银行',
      name: '张三',
      number: '6228480012345678',
      city: '北京市',
      request_time: '1700000000',
      sign: referenceMd5(fields, TEST_SECRET),
    });
  });

  it('uses the configured path under a base URL with a prefix, and numbers when configured', async () => {
    server = await startServer((_req, res) =>
      json(res, { error_code: '0000', data: { payout_id: 'P1' } }),
    );
    const config = testConfig(`${server.baseUrl}/pfx`, {
      GATEWAY_PAYOUTS_PATH: '/gateway/api/v1/payouts',
      GATEWAY_AMOUNT_FORMAT: 'number',
    });
    await submitAt(config);
    expect(server.received[0]?.url).toBe('/pfx/gateway/api/v1/payouts');
    expect(server.received[0]?.body).toContain('"amount":12345,');
  });

  it('sends nothing for a request that breaks a gateway rule', async () => {
    server = await startServer((_req, res) => json(res, { error_code: '0000' }));
    const config = testConfig(server.baseUrl);
    dispatcher = createGatewayDispatcher(config);
    const bad = { ...REQUEST, bankName: 'A&B' };
    await expect(
      submitPayout(bad, { config, dispatcher, now: () => NOW_MS }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(server.received).toHaveLength(0);
  });
});

describe('submitPayout: answers', () => {
  it.each(['0004', '0012', '0018'])('rejected for the known refusal %s', async (code) => {
    const { outcome } = await submitTo((_req, res) =>
      json(res, { error_code: code, error_msg: 'Refused!' }),
    );
    expect(outcome).toEqual({ kind: 'rejected', code, message: 'Refused!' });
  });

  it('rejected without a message too', async () => {
    const { outcome } = await submitTo((_req, res) => json(res, { error_code: '0018' }));
    expect(outcome).toEqual({ kind: 'rejected', code: '0018', message: '' });
  });

  it.each<[string, (res: ServerResponse) => void, string]>([
    [
      'HTTP 500',
      (res) => json(res, { error_code: '0000', data: { payout_id: 'P1' } }, 500),
      'http-status',
    ],
    ['HTTP 404', (res) => json(res, { error_code: '0004' }, 404), 'http-status'],
    ['HTTP 502, empty', (res) => res.writeHead(502).end(), 'http-status'],
    ['an empty body', (res) => res.writeHead(200).end(), 'empty-body'],
    ['a blank body', (res) => res.writeHead(200).end(' \n'), 'empty-body'],
    ['garbage', (res) => res.writeHead(200).end('<html>oops</html>'), 'invalid-json'],
    ['a JSON array', (res) => json(res, [{ error_code: '0000' }]), 'invalid-response'],
    ['a numeric error_code', (res) => json(res, { error_code: 0 }), 'invalid-response'],
    ['no error_code', (res) => json(res, { data: { payout_id: 'P1' } }), 'invalid-response'],
    [
      'an unknown code',
      (res) => json(res, { error_code: '0099', error_msg: 'Busy' }),
      'unknown-error-code',
    ],
    ['0006 on create', (res) => json(res, { error_code: '0006' }), 'unknown-error-code'],
    ['0000 without data', (res) => json(res, { error_code: '0000' }), 'accepted-without-id'],
    [
      '0000 with an empty id',
      (res) => json(res, { error_code: '0000', data: { payout_id: '' } }),
      'accepted-without-id',
    ],
    [
      '0000 with a numeric id',
      (res) => json(res, { error_code: '0000', data: { payout_id: 7 } }),
      'accepted-without-id',
    ],
    [
      'a refusal naming an order',
      (res) => json(res, { error_code: '0018', data: { payout_id: 'P9' } }),
      'invalid-response',
    ],
    [
      'a body that is not UTF-8',
      (res) => res.writeHead(200).end(Buffer.from([0xff, 0xfe, 0x7b])),
      'invalid-response',
    ],
  ])('unknown for %s', async (_label, answer, reason) => {
    const { outcome } = await submitTo((_req, res) => answer(res));
    expect(outcome).toMatchObject({ kind: 'unknown', reason });
    expect(server?.received).toHaveLength(1);
  });

  it('says which unknown code and message it got', async () => {
    const { outcome } = await submitTo((_req, res) =>
      json(res, { error_code: '0099', error_msg: 'Channel busy' }),
    );
    expect(outcome).toEqual({
      kind: 'unknown',
      reason: 'unknown-error-code',
      detail: 'error_code 0099: Channel busy',
    });
  });

  it.each([200, 500])(
    'never puts the secret in a detail, even when a server echoes it (HTTP %i)',
    async (status) => {
      const echo = `sign key ${TEST_SECRET} rejected`;
      const { outcome } = await submitTo((_req, res) =>
        json(res, { error_code: '0099', error_msg: echo }, status),
      );
      expect(outcome.kind).toBe('unknown');
      expect(JSON.stringify(outcome)).not.toContain(TEST_SECRET);
      expect(JSON.stringify(outcome)).toContain('[redacted]');
    },
  );
});

describe('submitPayout: transport failures are unknown, and nothing is retried', () => {
  it('a server that never answers: timeout within the headers timeout, one request', async () => {
    const { outcome, elapsedMs } = await submitTo(() => {});
    expect(outcome).toMatchObject({ kind: 'unknown', reason: 'timeout' });
    expect(outcome.kind === 'unknown' && outcome.detail).toContain('UND_ERR_HEADERS_TIMEOUT');
    expect(elapsedMs).toBeGreaterThanOrEqual(150);
    expect(elapsedMs).toBeLessThan(1600);
    await sleep(300);
    expect(server?.received).toHaveLength(1);
  });

  it('a body that stops: timeout after the body timeout', async () => {
    const { outcome, elapsedMs } = await submitTo((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"error_code":"00');
    });
    expect(outcome).toMatchObject({ kind: 'unknown', reason: 'timeout' });
    expect(outcome.kind === 'unknown' && outcome.detail).toContain('UND_ERR_BODY_TIMEOUT');
    expect(elapsedMs).toBeLessThan(1600);
    expect(server?.received).toHaveLength(1);
  });

  it('a body trickling faster than the body timeout: cut at the overall deadline', async () => {
    const { outcome, elapsedMs } = await submitTo((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
    });
    expect(outcome).toMatchObject({ kind: 'unknown', reason: 'timeout' });
    // 3 × 200 ms + 1 s of slack for undici's coarse timers.
    expect(outcome.kind === 'unknown' && outcome.detail).toContain('1600 ms deadline');
    expect(elapsedMs).toBeGreaterThanOrEqual(1550);
    expect(elapsedMs).toBeLessThan(2600);
  });

  it('a connection reset after the request arrived: connection, one request', async () => {
    const { outcome } = await submitTo((_req, res) => res.socket?.destroy());
    expect(outcome).toMatchObject({ kind: 'unknown', reason: 'connection' });
    expect(outcome.kind === 'unknown' && outcome.detail).toMatch(/UND_ERR_SOCKET|ECONNRESET/);
    await sleep(200);
    expect(server?.received).toHaveLength(1);
  });

  it('a refused connection', async () => {
    const closed = await startServer(() => {});
    const url = closed.baseUrl;
    await closed.close();
    const { outcome } = await submitAt(testConfig(url));
    expect(outcome).toMatchObject({ kind: 'unknown', reason: 'connection' });
    expect(outcome.kind === 'unknown' && outcome.detail).toContain('ECONNREFUSED');
  });

  it('a TLS handshake that never completes: connect timeout', async () => {
    let connections = 0;
    const hostPort = await startTcp(() => {
      connections += 1;
    });
    const { outcome, elapsedMs } = await submitAt(testConfig(`https://${hostPort}`));
    expect(outcome).toMatchObject({ kind: 'unknown', reason: 'timeout' });
    expect(outcome.kind === 'unknown' && outcome.detail).toContain('UND_ERR_CONNECT_TIMEOUT');
    expect(elapsedMs).toBeLessThan(1600);
    await sleep(200);
    expect(connections).toBe(1);
  });

  it('a peer that does not speak HTTP', async () => {
    const hostPort = await startTcp((socket) => {
      socket.once('data', () => socket.end('SSH-2.0-OpenSSH\r\n\r\n'));
    });
    const { outcome } = await submitAt(testConfig(`http://${hostPort}`));
    expect(outcome).toMatchObject({ kind: 'unknown', reason: 'invalid-response' });
    expect(outcome.kind === 'unknown' && outcome.detail).toContain('not valid HTTP');
  });
});
