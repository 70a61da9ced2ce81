import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import {
  createConsoleLogger,
  isSecretKey,
  logLine,
  parseLogFormat,
  redact,
  redactText,
  REDACTED,
  sdkLogFunction,
} from '../src/log.js';

const ACCOUNT = '6228480402564890018';

describe('redact', () => {
  it('replaces the values of secret keys at any depth, however they are spelled', () => {
    const out = redact({
      merchantOrderId: 'ORDER-1',
      request: {
        recipientName: '张三',
        accountNumber: ACCOUNT,
        bank_account: '1234',
        amountCents: 50_000,
        nested: [{ sign: 'abc123', Authorization: 'Bearer x', password: 'p' }],
      },
      gatewaySecret: 's',
      GATEWAY_AUTH_TOKEN: 't',
      authToken: 't',
      token: 't',
      signMode: 'md5',
    });
    expect(out).toEqual({
      merchantOrderId: 'ORDER-1',
      request: {
        recipientName: REDACTED,
        accountNumber: REDACTED,
        bank_account: REDACTED,
        amountCents: 50_000,
        nested: [{ sign: REDACTED, Authorization: REDACTED, password: REDACTED }],
      },
      gatewaySecret: REDACTED,
      GATEWAY_AUTH_TOKEN: REDACTED,
      authToken: REDACTED,
      token: REDACTED,
      signMode: 'md5',
    });
  });

  it("redacts the gateway's wire fields for the recipient, as an object or a quoted body", () => {
    const wire = { payout_cl_id: 'ORDER-1', name: '李雷', number: '6228480402564890', amount: 500 };
    expect(redact(wire)).toEqual({
      payout_cl_id: 'ORDER-1',
      name: REDACTED,
      number: REDACTED,
      amount: 500,
    });
    const text = redact(`create refused: {"name":"李雷","number":"6228A8","amount":500}`);
    expect(text).not.toContain('李雷');
    expect(text).not.toContain('6228A8');
    expect(text).toContain('"amount":500');
  });

  it('redacts a secret key even when its value is an object', () => {
    expect(redact({ recipientName: { first: 'San', last: 'Zhang' } })).toEqual({
      recipientName: REDACTED,
    });
  });

  it('masks card-like digit runs in any string, keeping the last four digits', () => {
    expect(redactText(`card ${ACCOUNT} failed`)).toBe('card ***************0018 failed');
    expect(redactText('6228 4804 0256 4890 018')).toBe('***************0018');
    expect(redact({ detail: [`to ${ACCOUNT}`] })).toEqual({ detail: ['to ***************0018'] });
  });

  it('keeps the digits of identifiers operators search by, masks them anywhere else', () => {
    const orderId = '202612020000000001';
    expect(
      redact({
        merchantOrderId: orderId,
        payoutId: `POT${orderId}`,
        workflowId: `payout:PF0002:${orderId}`,
        detail: `order ${orderId}`,
      }),
    ).toEqual({
      merchantOrderId: orderId,
      payoutId: `POT${orderId}`,
      workflowId: `payout:PF0002:${orderId}`,
      detail: 'order **************0001',
    });
  });

  it('keeps shorter digit runs: times in milliseconds, amounts, phone numbers', () => {
    const text = 'at 1764680000000 amount 50000 phone 13800138000 code 0000';
    expect(redactText(text)).toBe(text);
  });

  it('redacts secrets quoted inside a text: JSON bodies and query strings', () => {
    expect(redactText('body {"sign":"ab12cd","account_number":"1","amount":"50000"}')).toBe(
      `body {"sign":"${REDACTED}","account_number":"${REDACTED}","amount":"50000"}`,
    );
    expect(redactText('GET /x?payout_cl_id=O1&sign=ab12&token=zz')).toBe(
      `GET /x?payout_cl_id=O1&sign=${REDACTED}&token=${REDACTED}`,
    );
  });

  it('keeps rule texts that name a field: a validation message stays useful', () => {
    const text = 'Invalid payout request: accountNumber: at most 19 digits';
    expect(redactText(text)).toBe(text);
  });

  it('reduces errors to name and message, bigints to strings, and survives cycles', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    expect(
      redact({
        error: new Error(`no account ${ACCOUNT}`),
        n: 12n,
        cyclic,
        bytes: new Uint8Array(3),
      }),
    ).toEqual({
      error: { name: 'Error', message: 'no account ***************0018' },
      n: '12',
      cyclic: { a: 1, self: '[circular]' },
      bytes: '[3 bytes]',
    });
  });

  it('tells secret keys from others', () => {
    for (const key of ['accountNumber', 'recipientName', 'bankAccount', 'secret', 'authToken'])
      expect(isSecretKey(key), key).toBe(true);
    for (const key of ['token', 'sign', 'password', 'CODEC_AUTH_TOKEN', 'payload_codec_secret'])
      expect(isSecretKey(key), key).toBe(true);
    for (const key of ['merchantOrderId', 'signMode', 'amountCents', 'status', 'reason'])
      expect(isSecretKey(key), key).toBe(false);
  });
});

describe('JSON lines', () => {
  const lines: string[] = [];
  const log = createConsoleLogger('worker', (l) => lines.push(l), 'json');

  it('writes one JSON object per line with time, level, component, message and context', () => {
    lines.length = 0;
    log.warn('payout submit\nsecond line', {
      merchantOrderId: 'ORDER-1',
      request: { accountNumber: ACCOUNT, recipientName: '张三' },
    });
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).not.toContain('\n');
    expect(line).not.toContain(ACCOUNT);
    expect(line).not.toContain('张三');
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['time', 'level', 'component', 'message', 'context']);
    expect(parsed).toMatchObject({
      level: 'warn',
      component: 'worker',
      message: 'payout submit\nsecond line',
      context: {
        merchantOrderId: 'ORDER-1',
        request: { accountNumber: REDACTED, recipientName: REDACTED },
      },
    });
    expect(new Date(parsed['time'] as string).toISOString()).toBe(parsed['time']);
  });

  it('writes an empty context as {}', () => {
    lines.length = 0;
    log.info('worker stopped');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', context: {} });
  });

  it('text lines are redacted too', () => {
    const text: string[] = [];
    createConsoleLogger('callbacks', (l) => text.push(l)).error(`bad ${ACCOUNT}`, {
      sign: 'abc',
    });
    expect(text[0]).toMatch(/ ERROR \[callbacks\] bad \*{15}0018 sign="\[redacted\]"$/);
  });

  it('the SDK log function writes the entry time, level and meta, redacted', () => {
    const out: string[] = [];
    const write = sdkLogFunction('temporal', 'json', (l) => out.push(l));
    write({
      level: 'WARN',
      message: 'Activity failed',
      timestampNanos: 1_764_680_000_123_000_000n,
      meta: { sdkComponent: 'activity', activityType: 'submitPayout', token: 'x' },
    });
    expect(JSON.parse(out[0]!)).toEqual({
      time: '2025-12-02T12:53:20.123Z',
      level: 'warn',
      component: 'temporal',
      message: 'Activity failed',
      context: { sdkComponent: 'activity', activityType: 'submitPayout', token: REDACTED },
    });
  });

  it('logLine lowercases levels and keeps context an object', () => {
    expect(logLine('INFO', 'c', 'm', {}, new Date(0))).toEqual({
      time: '1970-01-01T00:00:00.000Z',
      level: 'info',
      component: 'c',
      message: 'm',
      context: {},
    });
  });
});

describe('LOG_FORMAT', () => {
  it('defaults to text and accepts json', () => {
    expect(parseLogFormat({})).toBe('text');
    expect(parseLogFormat({ LOG_FORMAT: ' json ' })).toBe('json');
  });

  it('names the key, never the value', () => {
    let error: unknown;
    try {
      parseLogFormat({ LOG_FORMAT: 'yaml-s3cr3t' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('LOG_FORMAT');
    expect((error as Error).message).not.toContain('yaml-s3cr3t');
  });
});
