import { z } from 'zod';
import { envKeys, parseEnv, wholeNumberSchema } from '../config-keys.js';
import { LOG_CONFIG_KEYS, type LogFormat } from '../log.js';

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

/** A log level of the Temporal SDK. */
export type SdkLogLevel = (typeof LOG_LEVELS)[number];

/**
 * `host:port` a server binds: a host name, an IPv4 address or a bracketed IPv6 address, and a
 * port from 1 to 65535; `off` (or unset) binds nothing.
 */
const bindAddressSchema = z
  .string()
  .transform((v) => (v.toLowerCase() === 'off' ? 'off' : v))
  .refine(
    (v) => {
      if (v === 'off') return true;
      const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(v);
      const port = Number(m?.[2]);
      return m !== null && port >= 1 && port <= 65_535;
    },
    { error: 'host:port (e.g. 0.0.0.0:9464, [::1]:9464) or off' },
  )
  .transform((v) => (v === 'off' ? null : v));

/** The worker's own env keys (besides GATEWAY_*, TEMPORAL_*, RECONCILE_* and LOG_FORMAT). */
export const WORKER_CONFIG_KEYS = envKeys([
  {
    key: 'LOG_LEVEL',
    default: 'WARN',
    meaning:
      'Temporal SDK log level: TRACE, DEBUG, INFO, WARN or ERROR (INFO shows the workflow bundler)',
    schema: z
      .string()
      .transform((v) => v.toUpperCase())
      .pipe(z.enum(LOG_LEVELS, { error: `one of ${LOG_LEVELS.join(', ')}` })),
  },
  {
    key: 'WORKER_METRICS_ADDRESS',
    default: 'off',
    meaning:
      'host:port of the Prometheus endpoint (GET /metrics: SDK and payout metrics), e.g. 0.0.0.0:9464 in a container; off: no endpoint',
    schema: bindAddressSchema,
  },
  {
    key: 'WORKER_MAX_CACHED_WORKFLOWS',
    default: '1000',
    meaning:
      'payout workflows kept in worker memory between their timers (0.2 to 0.4 MB each); one evicted replays its short history at its next check, so more waiting payouts cost replays, not cached memory (docs/performance.md has the 10,000-payout figures)',
    // At least the worker's 40 concurrent workflow tasks, each of which holds a cached workflow.
    schema: wholeNumberSchema(40, 100_000, 'workflows'),
  },
  {
    key: 'WORKER_WORKFLOW_BUNDLE',
    meaning:
      'a workflow bundle built by npm run build:workflows: the worker starts without bundling, and refuses a bundle built from other workflow sources; unset: bundle at start',
    schema: z.string().optional(),
  },
] as const);

/** What the worker process reads for itself. */
export interface WorkerConfig {
  readonly logLevel: SdkLogLevel;
  readonly logFormat: LogFormat;
  /** Where the Prometheus endpoint listens; null: none. */
  readonly metricsAddress: string | null;
  /** Workflows cached between tasks (`maxCachedWorkflows`). */
  readonly maxCachedWorkflows: number;
  /** A prebuilt workflow bundle; null: bundle at start. */
  readonly workflowBundlePath: string | null;
}

/** Parses the worker's own keys; a {@link ConfigError} names every bad key, never a value. */
export function parseWorkerConfig(env: Readonly<Record<string, string | undefined>>): WorkerConfig {
  const e = parseEnv([...WORKER_CONFIG_KEYS, ...LOG_CONFIG_KEYS] as const, env);
  return {
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    metricsAddress: e.WORKER_METRICS_ADDRESS,
    maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
    workflowBundlePath: e.WORKER_WORKFLOW_BUNDLE ?? null,
  };
}

/** The SDK's log level from LOG_LEVEL (default WARN); an unknown value is a {@link ConfigError}. */
export function parseLogLevel(value: string | undefined): SdkLogLevel {
  return parseEnv(WORKER_CONFIG_KEYS, { LOG_LEVEL: value }).LOG_LEVEL;
}
