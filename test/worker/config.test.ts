import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { parseLogLevel, parseWorkerConfig } from '../../src/worker/config.js';

describe('parseLogLevel', () => {
  it('defaults to WARN, so the bundler output stays out of the logs', () => {
    expect(parseLogLevel(undefined)).toBe('WARN');
    expect(parseLogLevel('')).toBe('WARN');
  });

  it('accepts the SDK levels in any case', () => {
    expect(parseLogLevel('info')).toBe('INFO');
    expect(parseLogLevel('DEBUG')).toBe('DEBUG');
  });

  it('names LOG_LEVEL for anything else', () => {
    expect(() => parseLogLevel('verbose')).toThrow(ConfigError);
    expect(() => parseLogLevel('verbose')).toThrow(/LOG_LEVEL/);
  });
});

describe('parseWorkerConfig', () => {
  it('defaults: WARN, text logs, no metrics endpoint, 1,000 cached workflows', () => {
    expect(parseWorkerConfig({})).toEqual({
      logLevel: 'WARN',
      logFormat: 'text',
      metricsAddress: null,
      maxCachedWorkflows: 1000,
      workflowBundlePath: null,
    });
  });

  it('takes a workflow cache size from 40 to 100,000, naming the key otherwise', () => {
    expect(parseWorkerConfig({ WORKER_MAX_CACHED_WORKFLOWS: '250' }).maxCachedWorkflows).toBe(250);
    for (const bad of ['-1', '1', '39', '1e3', 'many', '100001']) {
      expect(() => parseWorkerConfig({ WORKER_MAX_CACHED_WORKFLOWS: bad })).toThrow(
        /WORKER_MAX_CACHED_WORKFLOWS/,
      );
    }
  });

  it('reads the metrics address as host:port, IPv6 in brackets', () => {
    expect(parseWorkerConfig({ WORKER_METRICS_ADDRESS: '0.0.0.0:9464' }).metricsAddress).toBe(
      '0.0.0.0:9464',
    );
    expect(parseWorkerConfig({ WORKER_METRICS_ADDRESS: '[::1]:9464' }).metricsAddress).toBe(
      '[::1]:9464',
    );
    expect(parseWorkerConfig({ WORKER_METRICS_ADDRESS: 'OFF' }).metricsAddress).toBeNull();
    expect(parseWorkerConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
  });

  it.each(['17771', 'metricshost', 'mhost:0', 'mhost:70000', 'http://mhost:17771', 'a b:1'])(
    'names WORKER_METRICS_ADDRESS for %j, without the value',
    (value) => {
      let error: unknown;
      try {
        parseWorkerConfig({ WORKER_METRICS_ADDRESS: value });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/WORKER_METRICS_ADDRESS \(host:port/);
      expect((error as Error).message).not.toContain(value);
    },
  );

  it('names every bad key at once', () => {
    expect(() => parseWorkerConfig({ LOG_FORMAT: 'xml', LOG_LEVEL: 'loud' })).toThrow(
      /LOG_LEVEL.*LOG_FORMAT|LOG_FORMAT.*LOG_LEVEL/,
    );
  });
});
