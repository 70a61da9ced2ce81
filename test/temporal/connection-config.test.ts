import { describe, expect, it } from 'vitest';
import { configErrorOf } from '../support/config-error.js';
import {
  connectionOptions,
  parseTemporalConnectionConfig,
} from '../../src/temporal/connection-config.js';

const files: Record<string, string> = {
  '/certs/client.pem': 'CRT',
  '/certs/client.key': 'KEY',
  '/certs/ca.pem': 'CA',
};
const readFile = (path: string): Buffer => {
  const content = files[path];
  if (content === undefined) throw new Error('ENOENT');
  return Buffer.from(content);
};

const configError = (env: Record<string, string>) =>
  configErrorOf(() => parseTemporalConnectionConfig(env, readFile));

/** Every key wrong, with values that must never be printed. */
const LEAKY_ENV = {
  TEMPORAL_ADDRESS: 'http://secret-host/',
  TEMPORAL_TLS: 'yes',
  TEMPORAL_TLS_CERT_PATH: '/certs/client.pem',
  TEMPORAL_API_KEY: 'super-secret-key',
};

describe('parseTemporalConnectionConfig', () => {
  it('defaults to a local dev server without TLS', () => {
    const config = parseTemporalConnectionConfig({}, readFile);
    expect(config).toEqual({
      address: 'localhost:7233',
      namespace: 'default',
      taskQueue: 'payouts',
    });
    expect(connectionOptions(config)).toEqual({ address: 'localhost:7233' });
  });

  it('connects to Temporal Cloud with an API key over TLS', () => {
    const config = parseTemporalConnectionConfig(
      {
        TEMPORAL_ADDRESS: 'acme.a1b2c.tmprl.cloud:7233',
        TEMPORAL_NAMESPACE: 'acme.a1b2c',
        TEMPORAL_API_KEY: 'k-123',
      },
      readFile,
    );
    expect(connectionOptions(config)).toEqual({
      address: 'acme.a1b2c.tmprl.cloud:7233',
      tls: {},
      apiKey: 'k-123',
    });
  });

  it('loads an mTLS client pair and CA from files', () => {
    const config = parseTemporalConnectionConfig(
      {
        TEMPORAL_TLS_CERT_PATH: '/certs/client.pem',
        TEMPORAL_TLS_KEY_PATH: '/certs/client.key',
        TEMPORAL_TLS_CA_PATH: '/certs/ca.pem',
        TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      },
      readFile,
    );
    expect(config.tls?.clientCertPair?.crt.toString()).toBe('CRT');
    expect(config.tls?.clientCertPair?.key.toString()).toBe('KEY');
    expect(config.tls?.serverRootCACertificate?.toString()).toBe('CA');
    expect(config.tls?.serverNameOverride).toBe('temporal.internal');
  });

  it('names every bad key and never prints a value', () => {
    const error = configError(LEAKY_ENV);
    expect(error.code).toBe('ERR_CONFIG');
    expect(error.message).toContain('TEMPORAL_ADDRESS');
    expect(error.message).toContain('TEMPORAL_TLS');
    expect(error.message).toContain('TEMPORAL_TLS_KEY_PATH');
    expect(error.message).not.toContain('secret-host');
    expect(error.message).not.toContain('super-secret-key');
  });

  it('refuses TLS off with an API key however the value is padded', () => {
    for (const tls of ['false', ' false', 'false\n']) {
      const error = configError({ TEMPORAL_API_KEY: 'k-1', TEMPORAL_TLS: tls });
      expect(error.issues.map((i) => i.field)).toEqual(['TEMPORAL_TLS']);
    }
  });

  it('names a key whose file cannot be read', () => {
    const error = configError({
      TEMPORAL_TLS_CERT_PATH: '/missing.pem',
      TEMPORAL_TLS_KEY_PATH: '/certs/client.key',
    });
    expect(error.issues).toEqual([
      { field: 'TEMPORAL_TLS_CERT_PATH', rule: 'names a file that cannot be read' },
    ]);
  });

  it('refuses TLS off together with an API key', () => {
    expect(
      configError({ TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'k' }).issues.map((i) => i.field),
    ).toEqual(['TEMPORAL_TLS']);
  });
});
