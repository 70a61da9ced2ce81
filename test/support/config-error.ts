import { ConfigError } from '../../src/errors.js';

/** The {@link ConfigError} `parse` throws; anything else (or nothing) fails the test. */
export function configErrorOf(parse: () => unknown): ConfigError {
  try {
    parse();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
