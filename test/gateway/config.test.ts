import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ConfigError } from '../../src/errors.js';
import { GATEWAY_CONFIG_KEYS } from '../../src/gateway/config-keys.js';
import { configErrorOf } from '../support/config-error.js';
import {
  describeGatewayConfig,
  gatewayCallDeadlineMs,
  parseGatewayConfig,
} from '../../src/gateway/config.js';

const MINIMAL = {
  GATEWAY_BASE_URL: 'https://gw.example.com/',
  GATEWAY_PLATFORM_ID: 'PF0002',
  GATEWAY_SECRET: 'secret-value-1',
  GATEWAY_AUTH_TOKEN: 'token-value-1',
};

/** The ConfigError a bad environment throws. */
const configError = (env: Record<string, string | undefined>, readFile?: (p: string) => string) =>
  configErrorOf(() => parseGatewayConfig(env, readFile ? { readFile } : {}));

const fieldsOf = (error: ConfigError) => error.issues.map((i) => i.field);

/** Every key wrong, with values that must never be printed. */
const LEAKY_ENV = {
  GATEWAY_BASE_URL: 'ftp://user:leakedpw@gw.example.com',
  GATEWAY_PLATFORM_ID: 'PF00002LONG',
  GATEWAY_SECRET: 'leaked-secret\u0001x',
  GATEWAY_AUTH_TOKEN: 'leaked token\n',
  GATEWAY_SIGN_MODE: 'sha1',
  GATEWAY_QUERY_FORM: 'both',
  GATEWAY_PAYOUTS_PATH: 'no-slash?x=1',
  GATEWAY_NOTIFY_URL: 'not a url',
  GATEWAY_ALLOW_HTTP: 'yes',
  GATEWAY_CONNECT_TIMEOUT_MS: '0',
  GATEWAY_HEADERS_TIMEOUT_MS: '60001',
  GATEWAY_BODY_TIMEOUT_MS: '1.5',
  GATEWAY_AMOUNT_FORMAT: 'integer',
  GATEWAY_REQUEST_TIME_FORMAT: 'iso',
};

describe('parseGatewayConfig', () => {
  it('fills every default', () => {
    expect(parseGatewayConfig(MINIMAL)).toEqual({
      baseUrl: 'https://gw.example.com',
      platformId: 'PF0002',
      secret: 'secret-value-1',
      authToken: 'token-value-1',
      signMode: 'md5',
      queryForm: 'list',
      payoutsPath: '/gateway/api/v2/payouts',
      allowHttp: false,
      connectTimeoutMs: 3000,
      headersTimeoutMs: 10000,
      bodyTimeoutMs: 10000,
      amountFormat: 'string',
      requestTimeFormat: 'string',
    });
  });

  it('reads every optional key', () => {
    const config = parseGatewayConfig({
      ...MINIMAL,
      GATEWAY_SIGN_MODE: 'hmac-sha256',
      GATEWAY_QUERY_FORM: 'single',
      GATEWAY_PAYOUTS_PATH: '/gateway/api/v1/payouts',
      GATEWAY_NOTIFY_URL: 'http://callbacks:8080/notify?src=gw',
      GATEWAY_ALLOW_HTTP: 'true',
      GATEWAY_CONNECT_TIMEOUT_MS: '1',
      GATEWAY_HEADERS_TIMEOUT_MS: '60000',
      GATEWAY_BODY_TIMEOUT_MS: '250',
      GATEWAY_AMOUNT_FORMAT: 'number',
      GATEWAY_REQUEST_TIME_FORMAT: 'number',
    });
    expect(config).toMatchObject({
      signMode: 'hmac-sha256',
      queryForm: 'single',
      payoutsPath: '/gateway/api/v1/payouts',
      notifyUrl: 'http://callbacks:8080/notify?src=gw',
      allowHttp: true,
      connectTimeoutMs: 1,
      headersTimeoutMs: 60000,
      bodyTimeoutMs: 250,
      amountFormat: 'number',
      requestTimeFormat: 'number',
    });
    // connect + headers + body + 1 s of slack for undici's coarse timers.
    expect(gatewayCallDeadlineMs(config)).toBe(61251);
  });

  it('names every bad key in one error, and never prints a value', () => {
    const error = configError(LEAKY_ENV);
    const everyKey = GATEWAY_CONFIG_KEYS.map((k) => k.key).filter((k) => !k.endsWith('_FILE'));
    expect(new Set(fieldsOf(error))).toEqual(new Set(everyKey));
    for (const key of everyKey) expect(error.message).toContain(key);
    for (const value of [
      'leakedpw',
      'leaked-secret',
      'leaked token',
      'sha1',
      'PF00002LONG',
      'not a url',
    ]) {
      expect(error.message).not.toContain(value);
    }
    expect(error.code).toBe('ERR_CONFIG');
  });

  it('names the missing required keys, reading empty values as unset', () => {
    const error = configError({ GATEWAY_BASE_URL: '', GATEWAY_SECRET: '' });
    expect(fieldsOf(error).sort()).toEqual([
      'GATEWAY_AUTH_TOKEN',
      'GATEWAY_BASE_URL',
      'GATEWAY_PLATFORM_ID',
      'GATEWAY_SECRET',
    ]);
    expect(error.message).toContain('GATEWAY_SECRET_FILE');
  });

  it('refuses a credential given both directly and by file', () => {
    const error = configError(
      { ...MINIMAL, GATEWAY_SECRET_FILE: '/run/secrets/s', GATEWAY_AUTH_TOKEN_FILE: '/run/t' },
      () => 'from-file',
    );
    expect(fieldsOf(error).sort()).toEqual(['GATEWAY_AUTH_TOKEN', 'GATEWAY_SECRET']);
    expect(error.message).toContain('set only one of GATEWAY_SECRET and GATEWAY_SECRET_FILE');
  });

  it('reads credentials from files, dropping one trailing newline', () => {
    const files: Record<string, string> = { '/s': 'file-secret\n', '/t': 'Bearer file-token\r\n' };
    const config = parseGatewayConfig(
      {
        ...MINIMAL,
        GATEWAY_SECRET: undefined,
        GATEWAY_AUTH_TOKEN: undefined,
        GATEWAY_SECRET_FILE: '/s',
        GATEWAY_AUTH_TOKEN_FILE: '/t',
      },
      { readFile: (path) => files[path] ?? '' },
    );
    expect(config.secret).toBe('file-secret');
    expect(config.authToken).toBe('Bearer file-token');
  });

  it('refuses a credential file with more than one trailing newline, naming the _FILE key', () => {
    const error = configError(
      { ...MINIMAL, GATEWAY_SECRET: undefined, GATEWAY_SECRET_FILE: '/s' },
      () => 'file-secret\n\n',
    );
    expect(fieldsOf(error)).toEqual(['GATEWAY_SECRET_FILE']);
    expect(error.message).not.toContain('file-secret');
  });

  describe('with a real file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-config-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reads it by default, and names an unreadable one without printing its path', () => {
      const path = join(dir, 'secret');
      writeFileSync(path, 'disk-secret\n');
      const env = { ...MINIMAL, GATEWAY_SECRET: undefined, GATEWAY_SECRET_FILE: path };
      expect(parseGatewayConfig(env).secret).toBe('disk-secret');

      const missing = join(dir, 'nope');
      const error = configError({ ...env, GATEWAY_SECRET_FILE: missing });
      expect(fieldsOf(error)).toEqual(['GATEWAY_SECRET_FILE']);
      expect(error.message).toContain('ENOENT');
      expect(error.message).not.toContain(missing);
    });
  });

  it('wants an https notify URL of at most 256 characters, http only with the sandbox flag', () => {
    const http = { ...MINIMAL, GATEWAY_NOTIFY_URL: 'http://cb.example.com/n' };
    expect(fieldsOf(configError(http))).toEqual(['GATEWAY_NOTIFY_URL']);
    expect(configError(http).message).toContain('GATEWAY_ALLOW_HTTP');
    expect(parseGatewayConfig({ ...http, GATEWAY_ALLOW_HTTP: 'true' }).notifyUrl).toBe(
      'http://cb.example.com/n',
    );

    const long = `https://cb.example.com/${'x'.repeat(233)}`;
    expect(long).toHaveLength(256);
    expect(parseGatewayConfig({ ...MINIMAL, GATEWAY_NOTIFY_URL: long }).notifyUrl).toBe(long);
    expect(fieldsOf(configError({ ...MINIMAL, GATEWAY_NOTIFY_URL: `${long}x` }))).toEqual([
      'GATEWAY_NOTIFY_URL',
    ]);
  });

  it('refuses a notify URL that signing would refuse, so the worker fails at start, not per payout', () => {
    for (const url of ['https://cb.example.com/n\u0085', 'https://cb.example.com/\ud800']) {
      expect(fieldsOf(configError({ ...MINIMAL, GATEWAY_NOTIFY_URL: url }))).toEqual([
        'GATEWAY_NOTIFY_URL',
      ]);
    }
  });

  it('refuses a plain http gateway unless the sandbox-only opt-in says so', () => {
    const error = configError({ ...MINIMAL, GATEWAY_BASE_URL: 'http://gw.example.com' });
    expect(error.issues).toEqual([
      {
        field: 'GATEWAY_BASE_URL',
        rule: 'must be https (http only for the local sandbox, with GATEWAY_ALLOW_HTTP=true)',
      },
    ]);
    expect(
      parseGatewayConfig({
        ...MINIMAL,
        GATEWAY_BASE_URL: 'http://127.0.0.1:8787',
        GATEWAY_ALLOW_HTTP: 'true',
      }).baseUrl,
    ).toBe('http://127.0.0.1:8787');
  });

  it('refuses a base URL with a query, and keeps a path prefix', () => {
    expect(fieldsOf(configError({ ...MINIMAL, GATEWAY_BASE_URL: 'https://gw/?a=1' }))).toEqual([
      'GATEWAY_BASE_URL',
    ]);
    expect(
      parseGatewayConfig({
        ...MINIMAL,
        GATEWAY_BASE_URL: 'http://gw:8080/pfx//',
        GATEWAY_ALLOW_HTTP: 'true',
      }).baseUrl,
    ).toBe('http://gw:8080/pfx');
  });

  it('hides the credentials from the log view', () => {
    const view = JSON.stringify(describeGatewayConfig(parseGatewayConfig(MINIMAL)));
    expect(view).not.toContain('secret-value-1');
    expect(view).not.toContain('token-value-1');
    expect(view).toContain('PF0002');
  });
});

describe('GATEWAY_CONFIG_KEYS', () => {
  it('gives the defaults the parser uses', () => {
    const keyed = Object.fromEntries(GATEWAY_CONFIG_KEYS.map((k) => [k.key, k.default]));
    const config = parseGatewayConfig(MINIMAL);
    expect(keyed['GATEWAY_SIGN_MODE']).toBe(config.signMode);
    expect(keyed['GATEWAY_QUERY_FORM']).toBe(config.queryForm);
    expect(keyed['GATEWAY_PAYOUTS_PATH']).toBe(config.payoutsPath);
    expect(keyed['GATEWAY_ALLOW_HTTP']).toBe(String(config.allowHttp));
    expect(keyed['GATEWAY_CONNECT_TIMEOUT_MS']).toBe(String(config.connectTimeoutMs));
    expect(keyed['GATEWAY_HEADERS_TIMEOUT_MS']).toBe(String(config.headersTimeoutMs));
    expect(keyed['GATEWAY_BODY_TIMEOUT_MS']).toBe(String(config.bodyTimeoutMs));
    expect(keyed['GATEWAY_AMOUNT_FORMAT']).toBe(config.amountFormat);
    expect(keyed['GATEWAY_REQUEST_TIME_FORMAT']).toBe(config.requestTimeFormat);
  });

  it('marks exactly what is required', () => {
    const required = GATEWAY_CONFIG_KEYS.filter((k) => k.required !== false).map((k) => k.key);
    expect(required).toEqual([
      'GATEWAY_BASE_URL',
      'GATEWAY_PLATFORM_ID',
      'GATEWAY_SECRET',
      'GATEWAY_SECRET_FILE',
      'GATEWAY_AUTH_TOKEN',
      'GATEWAY_AUTH_TOKEN_FILE',
    ]);
    // Each required key, left out of a working environment, is named.
    for (const key of [
      'GATEWAY_BASE_URL',
      'GATEWAY_PLATFORM_ID',
      'GATEWAY_SECRET',
      'GATEWAY_AUTH_TOKEN',
    ]) {
      expect(fieldsOf(configError({ ...MINIMAL, [key]: undefined }))).toEqual([key]);
    }
  });
});
