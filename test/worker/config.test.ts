import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { parseLogLevel } from '../../src/worker/config.js';

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
