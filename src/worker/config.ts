import { ConfigError } from '../errors.js';

/** The worker's own env keys (besides GATEWAY_* and TEMPORAL_*). */
export const WORKER_CONFIG_KEYS = [
  {
    key: 'LOG_LEVEL',
    required: false,
    default: 'WARN',
    meaning:
      'Temporal SDK log level: TRACE, DEBUG, INFO, WARN or ERROR (INFO shows the workflow bundler)',
  },
] as const;

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

/** The SDK's log level from LOG_LEVEL (default WARN); an unknown value is a {@link ConfigError}. */
export function parseLogLevel(value: string | undefined): (typeof LOG_LEVELS)[number] {
  if (value === undefined || value.trim() === '') return 'WARN';
  const level = LOG_LEVELS.find((l) => l === value.trim().toUpperCase());
  if (!level)
    throw new ConfigError([{ field: 'LOG_LEVEL', rule: `one of ${LOG_LEVELS.join(', ')}` }]);
  return level;
}
