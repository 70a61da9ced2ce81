import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, toFieldIssues, type FieldIssue } from '../errors.js';

/**
 * How to reach Temporal: a local dev server, a self-hosted cluster (optionally with mTLS), or
 * Temporal Cloud (mTLS or an API key). The same worker and client run against any of them.
 */
export interface TemporalConnectionConfig {
  readonly address: string;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly tls?: {
    readonly serverNameOverride?: string;
    readonly serverRootCACertificate?: Buffer;
    readonly clientCertPair?: { readonly crt: Buffer; readonly key: Buffer };
  };
  readonly apiKey?: string;
}

/** The env keys read by {@link parseTemporalConnectionConfig}, for docs and the compose test. */
export const TEMPORAL_CONFIG_KEYS = [
  {
    key: 'TEMPORAL_ADDRESS',
    required: false,
    default: 'localhost:7233',
    meaning: 'host:port of the Temporal frontend',
  },
  { key: 'TEMPORAL_NAMESPACE', required: false, default: 'default', meaning: 'Temporal namespace' },
  {
    key: 'TEMPORAL_TASK_QUEUE',
    required: false,
    default: 'payouts',
    meaning: 'task queue of the payout worker',
  },
  {
    key: 'TEMPORAL_TLS',
    required: false,
    default: 'false (true when a cert or API key is set)',
    meaning: 'connect with TLS',
  },
  {
    key: 'TEMPORAL_TLS_CERT_PATH',
    required: false,
    default: '',
    meaning: 'client certificate (mTLS), with TEMPORAL_TLS_KEY_PATH',
  },
  {
    key: 'TEMPORAL_TLS_KEY_PATH',
    required: false,
    default: '',
    meaning: 'client private key (mTLS)',
  },
  {
    key: 'TEMPORAL_TLS_CA_PATH',
    required: false,
    default: '',
    meaning: 'server CA certificate, when not a public CA',
  },
  {
    key: 'TEMPORAL_TLS_SERVER_NAME',
    required: false,
    default: '',
    meaning: 'TLS server name override',
  },
  {
    key: 'TEMPORAL_API_KEY',
    required: false,
    default: '',
    meaning: 'API key (Temporal Cloud); implies TLS',
  },
] as const;

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const schema = z.object({
  TEMPORAL_ADDRESS: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? 'localhost:7233' : v.trim()))
    .pipe(z.string().regex(/^[^\s/:]+:\d{1,5}$/, 'must be host:port')),
  TEMPORAL_NAMESPACE: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? 'default' : v.trim()))
    .pipe(z.string().regex(/^[A-Za-z0-9._-]{1,255}$/, 'letters, digits, ., _ and - only')),
  TEMPORAL_TASK_QUEUE: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? 'payouts' : v.trim()))
    .pipe(z.string().min(1).max(255, 'at most 255 characters')),
  TEMPORAL_TLS: z
    .enum(['true', 'false', ''], { error: 'must be true or false' })
    .optional()
    .transform((v) => (v === 'true' ? true : v === 'false' ? false : undefined)),
  TEMPORAL_TLS_CERT_PATH: optionalText,
  TEMPORAL_TLS_KEY_PATH: optionalText,
  TEMPORAL_TLS_CA_PATH: optionalText,
  TEMPORAL_TLS_SERVER_NAME: optionalText,
  TEMPORAL_API_KEY: optionalText,
});

const present = (value: string | undefined): boolean => value !== undefined && value.trim() !== '';

/** Rules across keys, checked on the raw env so they are reported along with per-key ones. */
function crossKeyIssues(env: Readonly<Record<string, string | undefined>>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const cert = present(env['TEMPORAL_TLS_CERT_PATH']);
  const key = present(env['TEMPORAL_TLS_KEY_PATH']);
  if (cert !== key) {
    issues.push({
      field: cert ? 'TEMPORAL_TLS_KEY_PATH' : 'TEMPORAL_TLS_CERT_PATH',
      rule: 'TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH go together',
    });
  }
  if ((cert || present(env['TEMPORAL_API_KEY'])) && env['TEMPORAL_TLS'] === 'false') {
    issues.push({
      field: 'TEMPORAL_TLS',
      rule: 'cannot be false with a client certificate or an API key',
    });
  }
  return issues;
}

/**
 * Parses the Temporal connection settings from an env object. Files named by the TLS keys are read
 * through `readFile` (injected for tests). Throws {@link ConfigError} naming every bad key.
 */
export function parseTemporalConnectionConfig(
  env: Readonly<Record<string, string | undefined>>,
  readFile: (path: string) => Buffer = (path) => readFileSync(path),
): TemporalConnectionConfig {
  const parsed = schema.safeParse(env);
  const invalid = [...(parsed.success ? [] : toFieldIssues(parsed.error)), ...crossKeyIssues(env)];
  if (!parsed.success || invalid.length > 0) throw new ConfigError(invalid);
  const e = parsed.data;

  const issues: FieldIssue[] = [];
  const load = (key: string, path: string | undefined): Buffer | undefined => {
    if (path === undefined) return undefined;
    try {
      return readFile(path);
    } catch {
      issues.push({ field: key, rule: 'names a file that cannot be read' });
      return undefined;
    }
  };
  const crt = load('TEMPORAL_TLS_CERT_PATH', e.TEMPORAL_TLS_CERT_PATH);
  const key = load('TEMPORAL_TLS_KEY_PATH', e.TEMPORAL_TLS_KEY_PATH);
  const ca = load('TEMPORAL_TLS_CA_PATH', e.TEMPORAL_TLS_CA_PATH);
  if (issues.length > 0) throw new ConfigError(issues);

  const useTls =
    e.TEMPORAL_TLS ?? (e.TEMPORAL_API_KEY !== undefined || crt !== undefined || ca !== undefined);
  return {
    address: e.TEMPORAL_ADDRESS,
    namespace: e.TEMPORAL_NAMESPACE,
    taskQueue: e.TEMPORAL_TASK_QUEUE,
    ...(useTls
      ? {
          tls: {
            ...(e.TEMPORAL_TLS_SERVER_NAME
              ? { serverNameOverride: e.TEMPORAL_TLS_SERVER_NAME }
              : {}),
            ...(ca ? { serverRootCACertificate: ca } : {}),
            ...(crt && key ? { clientCertPair: { crt, key } } : {}),
          },
        }
      : {}),
    ...(e.TEMPORAL_API_KEY ? { apiKey: e.TEMPORAL_API_KEY } : {}),
  };
}

/** Options for `Connection.connect` / `NativeConnection.connect` from the parsed config. */
export function connectionOptions(config: TemporalConnectionConfig) {
  return {
    address: config.address,
    ...(config.tls ? { tls: config.tls } : {}),
    ...(config.apiKey ? { apiKey: config.apiKey } : {}),
  };
}
