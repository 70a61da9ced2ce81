import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createGatewayClient } from '../../src/gateway/client.js';
import { TEST_SECRET, testConfig } from './helpers/config.js';
import { type TestServer, json, startServer } from './helpers/http-server.js';
import { signedMd5 } from './helpers/independent-sign.js';

const REQUEST = {
  merchantOrderId: 'ORD-7',
  amountCents: 500,
  bankName: '中国银行',
  recipientName: '李四',
  accountNumber: '6216600000000000',
};
const ORDER = {
  payout_id: 'POT7',
  payout_cl_id: 'ORD-7',
  platform_id: 'PF0002',
  amount: '500',
  status: '1',
};

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A gateway that accepts creates and lists ORDER. */
async function gateway(): Promise<TestServer> {
  return startServer((request, res) => {
    if (request.method === 'POST') json(res, { error_code: '0000', data: { payout_id: 'POT7' } });
    else json(res, { error_code: '0000', data: [signedMd5(ORDER, TEST_SECRET)], total: 1 });
  });
}

describe('createGatewayClient', () => {
  it('submits, queries and verifies callbacks with its own keep-alive agent, then closes it', async () => {
    server = await gateway();
    const client = createGatewayClient({
      config: testConfig(server.baseUrl),
      now: () => 1_700_000_000_000,
    });
    expect(await client.submitPayout(REQUEST)).toEqual({ kind: 'accepted', payoutId: 'POT7' });
    expect(await client.queryPayout({ merchantOrderId: 'ORD-7', amountCents: 500 })).toMatchObject({
      kind: 'found',
      order: { payoutId: 'POT7', state: 'pending' },
    });
    expect(JSON.parse(server.received[0]?.body ?? '{}')).toMatchObject({
      request_time: '1700000000',
    });
    expect(await client.queryPayout({ merchantOrderId: 'ORD-7', amountCents: 500 })).toMatchObject({
      kind: 'found',
    });
    // The pool keeps connections alive: three calls needed fewer than three connections.
    const ports = server.received.map((r) => r.remotePort);
    expect(ports).toHaveLength(3);
    expect(new Set(ports).size).toBeLessThan(3);
    expect(client.verifyCallback(signedMd5({ ...ORDER, status: '3' }, TEST_SECRET))).toMatchObject({
      ok: true,
      notification: { state: 'success' },
    });
    await client.close();
    await client.close();
    // After close, a create is never sent: the answer is unknown, not an exception.
    expect(await client.submitPayout(REQUEST)).toMatchObject({
      kind: 'unknown',
      reason: 'connection',
    });
    expect(server.received).toHaveLength(3);
  });

  it('leaves an injected dispatcher open for its owner', async () => {
    server = await gateway();
    const dispatcher = new Agent();
    try {
      const client = createGatewayClient({ config: testConfig(server.baseUrl), dispatcher });
      await client.close();
      expect(await client.submitPayout(REQUEST)).toEqual({ kind: 'accepted', payoutId: 'POT7' });
    } finally {
      await dispatcher.close();
    }
  });
});
