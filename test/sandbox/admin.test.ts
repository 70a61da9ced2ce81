import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { DEMO_RULE_INPUTS } from '../../src/sandbox/demo-rules.js';
import { startSandboxGateway } from '../../src/sandbox/server.js';
import { MERCHANT, createFields, sandboxFixture, signedBody, waitFor } from '../support/sandbox.js';

const sandbox = sandboxFixture();
const { http, create, start } = sandbox;

describe('admin API: rules', () => {
  it('serves the demo rules by default, and replaces, adds and resets them', async () => {
    const gw = await start({ rules: undefined });
    const base = `${gw.url}/_sandbox/rules`;
    const initial = await http.admin('GET', base);
    expect((initial.json?.['rules'] as unknown[]).length).toBe(DEMO_RULE_INPUTS.length);

    const put = await http.admin('PUT', base, {
      rules: [{ name: 'all reject', scenario: { create: { kind: 'reject', code: '0018' } } }],
    });
    expect(put.status).toBe(200);
    expect((await create(gw, 'DEMO-OK-1')).json?.['error_code']).toBe('0018');

    const post = await http.admin('POST', base, {
      rule: { name: 'vip', match: { payoutClIdPrefix: 'VIP-' } },
    });
    expect((post.json?.['rules'] as Array<{ name: string }>).map((r) => r.name)).toEqual([
      'vip',
      'all reject',
    ]);
    expect((await create(gw, 'VIP-1')).json?.['error_code']).toBe('0000');

    await http.admin('DELETE', base);
    expect((await create(gw, 'DEMO-REJECT-1')).json?.['error_code']).toBe('0012');
  });

  it('refuses bad rules with 400 naming the field, changing nothing', async () => {
    const gw = await start();
    const base = `${gw.url}/_sandbox/rules`;
    const badCode = await http.admin('POST', base, {
      rule: { scenario: { create: { kind: 'reject', code: '0099' } } },
    });
    expect(badCode.status).toBe(400);
    expect(badCode.json?.['error']).toMatchObject({
      code: 'ERR_VALIDATION',
      issues: [{ field: 'rule.scenario.create.code', rule: 'one of 0004, 0012, 0018' }],
    });
    const badMatch = await http.admin('PUT', base, { rules: [{ match: { amount: 'ten' } }] });
    expect(badMatch.json?.['error']).toMatchObject({
      issues: [{ field: 'rules.0.match.amount', rule: 'a whole number of cents' }],
    });
    const unknownKey = await http.admin('PUT', base, { rules: [{ scenario: { hang: true } }] });
    expect(JSON.stringify(unknownKey.json)).toContain('rules.0.scenario');
    const notJson = await http.call('PUT', base, { body: '{rules' });
    expect(notJson.json?.['error']).toMatchObject({
      issues: [{ field: '(body)', rule: 'must be JSON' }],
    });
    expect((await http.admin('GET', base)).json?.['rules']).toEqual([]);
    expect(() => gw.setRules([{ scenario: { queries: { failEvery: -1 } } }])).toThrow(
      ValidationError,
    );
  });
});

describe('admin API: orders', () => {
  it('serves the record of a payout_cl_id: one create, then a refused duplicate, queries', async () => {
    const gw = await start({
      rules: [{ scenario: { create: { kind: 'accept-then-fault', fault: 'http-500' } } }],
    });
    const body = signedBody(createFields('REC-1'));
    expect((await http.post(`${gw.url}/gateway/api/v2/payouts`, body)).status).toBe(500);
    await http.post(`${gw.url}/gateway/api/v2/payouts`, body);
    await http.get(`${gw.url}/gateway/api/v2/payouts?payout_cl_id=REC-1`, MERCHANT.authToken);
    const record = await http.admin('GET', `${gw.url}/_sandbox/orders/REC-1/record`);
    expect(record.json).toMatchObject({
      payoutClId: 'REC-1',
      orders: [{ payoutClId: 'REC-1', status: 1 }],
      creates: [
        { created: true, outcome: 'http-500', bodyText: body },
        { created: false, outcome: '0011', bodyText: body },
      ],
      queries: [{ form: 'list', outcome: '0000', reportedStatus: 0 }],
      callbacks: [],
    });
    const creates = record.json?.['creates'] as Array<{ created: boolean }>;
    expect(creates.filter((c) => c.created)).toHaveLength(1);

    const empty = await http.admin('GET', `${gw.url}/_sandbox/orders/NEVER/record`);
    expect(empty.json).toMatchObject({ orders: [], creates: [], queries: [] });
    expect((await http.admin('GET', `${gw.url}/_sandbox/orders/NEVER`)).status).toBe(404);
    const list = await http.admin('GET', `${gw.url}/_sandbox/orders`);
    expect((list.json?.['orders'] as unknown[]).length).toBe(1);
  });

  it('forces a status: the schedule stops, a final status sends the callback', async () => {
    const receiver = await sandbox.receiver();
    const gw = await start({
      schedule: { mode: 'timed', pendingAfterMs: 0, processingAfterMs: 0, finalAfterMs: 60_000 },
      callbacks: { attempts: 1, intervalMs: 0, timeoutMs: 1000 },
    });
    await create(gw, 'FORCE', { notify_url: receiver.url });
    const forced = await http.admin('POST', `${gw.url}/_sandbox/orders/FORCE/status`, {
      status: 'failed',
    });
    expect(forced.json?.['order']).toMatchObject({ status: 5, statusName: 'failed', forced: true });
    const [cb] = await waitFor(() =>
      receiver.received.length > 0 ? receiver.received : undefined,
    );
    expect(cb?.body['status']).toBe(5);
    // Undocumented codes can be forced too, to see what a client makes of them.
    const odd = await http.admin('POST', `${gw.url}/_sandbox/orders/FORCE/status`, { status: 9 });
    expect(odd.json?.['order']).toMatchObject({ status: 9, statusName: 'code-9' });
    const q = await http.get(`${gw.url}/gateway/api/v2/payouts/FORCE`, MERCHANT.authToken);
    expect((q.json?.['data'] as Record<string, unknown>)['status']).toBe(9);
  });

  it('refuses a bad forced status (400) and an unknown order (404)', async () => {
    const gw = await start();
    await create(gw, 'BAD');
    const url = `${gw.url}/_sandbox/orders/BAD/status`;
    const bad = await http.admin('POST', url, { status: 'paid' });
    expect(bad.status).toBe(400);
    expect((bad.json?.['error'] as { issues: Array<{ field: string }> }).issues[0]?.field).toBe(
      'status',
    );
    expect((await http.admin('POST', url, {})).status).toBe(400);
    expect(
      (await http.admin('POST', `${gw.url}/_sandbox/orders/NONE/status`, { status: 'success' }))
        .status,
    ).toBe(404);
    expect(gw.order('BAD')?.status).toBe(0);
  });

  it('reset forgets orders and records', async () => {
    const gw = await start();
    await create(gw, 'GONE');
    expect((await http.admin('POST', `${gw.url}/_sandbox/reset`)).status).toBe(200);
    expect(gw.orders()).toEqual([]);
    expect(gw.record('GONE').creates).toEqual([]);
    expect((await create(gw, 'GONE')).json?.['error_code']).toBe('0000');
  });

  it('answers 404 for an unknown admin route', async () => {
    const gw = await start();
    expect((await http.admin('GET', `${gw.url}/_sandbox/nothing`)).status).toBe(404);
    expect((await http.admin('GET', `${gw.url}/_sandbox/health`)).json).toEqual({ ok: true });
  });
});

describe('options', () => {
  const fieldsOf = async (options: Parameters<typeof startSandboxGateway>[0]) => {
    const error = await startSandboxGateway(options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).not.toContain(MERCHANT.secret);
    return (error as ValidationError).issues.map((i) => i.field);
  };

  it('refuses bad options naming the field', async () => {
    expect(
      await fieldsOf({
        merchant: { ...MERCHANT, signMode: 'sha1' as 'md5' },
        schedule: { mode: 'timed', pendingAfterMs: 10, processingAfterMs: 5 },
        port: 70_000,
      }),
    ).toEqual(expect.arrayContaining(['merchant.signMode', 'schedule.processingAfterMs', 'port']));
  });
});
