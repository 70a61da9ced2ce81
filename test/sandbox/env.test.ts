import { describe, expect, it } from 'vitest';
import { configErrorOf } from '../support/config-error.js';
import { parseSandboxEnv } from '../../src/sandbox/env.js';

const issuesOf = (env: Record<string, string>) => configErrorOf(() => parseSandboxEnv(env));

describe('parseSandboxEnv', () => {
  it('defaults to the docs test merchant on 127.0.0.1:8787 with a timed schedule', () => {
    expect(parseSandboxEnv({ PATH: '/bin' })).toMatchObject({
      host: '127.0.0.1',
      port: 8787,
      merchant: { platformId: 'PF0002', secret: 'ThisIsYourSecretKey123', signMode: 'md5' },
      schedule: {
        mode: 'timed',
        pendingAfterMs: 1000,
        processingAfterMs: 2000,
        finalAfterMs: 3000,
      },
      callbacks: { attempts: 10, intervalMs: 5000 },
    });
  });

  it('reads every knob, empty values counting as unset', () => {
    const options = parseSandboxEnv({
      SANDBOX_PORT: '0',
      SANDBOX_HOST: '::1',
      SANDBOX_PLATFORM_ID: 'PF0100',
      SANDBOX_SECRET: 's3cret',
      SANDBOX_AUTH_TOKEN: 'tok',
      SANDBOX_SIGN_MODE: 'hmac-sha256',
      SANDBOX_SCHEDULE: 'on-query',
      SANDBOX_CALLBACK_ATTEMPTS: '3',
      SANDBOX_CALLBACK_INTERVAL_MS: '',
      SANDBOX_STATE_FILE: '.data/sandbox-orders.json',
    });
    expect(options).toMatchObject({
      host: '::1',
      port: 0,
      merchant: {
        platformId: 'PF0100',
        secret: 's3cret',
        authToken: 'tok',
        signMode: 'hmac-sha256',
      },
      schedule: { mode: 'on-query' },
      callbacks: { attempts: 3, intervalMs: 5000 },
      stateFile: '.data/sandbox-orders.json',
    });
  });

  it('keeps orders in memory only when SANDBOX_STATE_FILE is unset or empty', () => {
    expect(parseSandboxEnv({}).stateFile).toBeUndefined();
    expect(parseSandboxEnv({ SANDBOX_STATE_FILE: '' }).stateFile).toBeUndefined();
  });

  it.each([
    [
      'each bad key',
      { SANDBOX_PORT: 'eighty', SANDBOX_SIGN_MODE: 'sha1-secretvalue', SANDBOX_PROT: '8080' },
      ['SANDBOX_PORT', 'SANDBOX_PROT', 'SANDBOX_SIGN_MODE'],
    ],
    [
      'the key of a schedule out of order and of a malformed platform id',
      {
        SANDBOX_PENDING_AFTER_MS: '5000',
        SANDBOX_PROCESSING_AFTER_MS: '100',
        SANDBOX_PLATFORM_ID: 'PF 0002',
      },
      ['SANDBOX_PLATFORM_ID', 'SANDBOX_PROCESSING_AFTER_MS'],
    ],
  ])('names %s, and never prints a value', (_what, env: Record<string, string>, keys) => {
    const error = issuesOf(env);
    expect(error.issues.map((i) => i.field).sort()).toEqual(keys);
    for (const value of Object.values(env)) expect(error.message).not.toContain(value);
  });
});
