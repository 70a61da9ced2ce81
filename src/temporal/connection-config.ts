import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { documentedKeys, envKeys, parseEnv, type EnvValues } from '../config-keys.js';
import { ConfigError, type FieldIssue } from '../errors.js';

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

const optionalText = z.string().optional();

/** The env keys read by {@link parseTemporalConnectionConfig}: default, meaning and rule, once. */
export const TEMPORAL_ENV_KEYS = envKeys([
  {
    key: 'TEMPORAL_ADDRESS',
    default: 'localhost:7233',
    meaning: 'host:port of the Temporal frontend',
    schema: z.string().regex(/^[^\s/:]+:\d{1,5}$/, 'must be host:port'),
  },
  {
    key: 'TEMPORAL_NAMESPACE',
    default: 'default',
    meaning: 'Temporal namespace',
    schema: z.string().regex(/^[A-Za-z0-9._-]{1,255}$/, 'letters, digits, ., _ and - only'),
  },
  {
    key: 'TEMPORAL_TASK_QUEUE',
    default: 'payouts',
    meaning: 'task queue of the payout worker',
    schema: z.string().max(255, 'at most 255 characters'),
  },
  {
    key: 'TEMPORAL_TLS',
    meaning: 'connect with TLS (default: false, true when a cert or API key is set)',
    schema: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .optional()
      .transform((v) => (v === undefined ? undefined : v === 'true')),
  },
  {
    key: 'TEMPORAL_TLS_CERT_PATH',
    meaning: 'client certificate (mTLS), with TEMPORAL_TLS_KEY_PATH',
    schema: optionalText,
  },
  { key: 'TEMPORAL_TLS_KEY_PATH', meaning: 'client private key (mTLS)', schema: optionalText },
  {
    key: 'TEMPORAL_TLS_CA_PATH',
    meaning: 'server CA certificate, when not a public CA',
    schema: optionalText,
  },
  { key: 'TEMPORAL_TLS_SERVER_NAME', meaning: 'TLS server name override', schema: optionalText },
  {
    key: 'TEMPORAL_API_KEY',
    meaning: 'API key (Temporal Cloud); implies TLS',
    schema: optionalText,
  },
]);

/** The documentation rows of {@link TEMPORAL_ENV_KEYS}, for the README and the compose test. */
export const TEMPORAL_CONFIG_KEYS = documentedKeys(TEMPORAL_ENV_KEYS);

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
  if ((cert || present(env['TEMPORAL_API_KEY'])) && env['TEMPORAL_TLS']?.trim() === 'false') {
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
  let e: EnvValues<typeof TEMPORAL_ENV_KEYS> | undefined;
  const invalid: FieldIssue[] = [];
  try {
    e = parseEnv(TEMPORAL_ENV_KEYS, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    invalid.push(...error.issues);
  }
  invalid.push(...crossKeyIssues(env));
  if (e === undefined || invalid.length > 0) throw new ConfigError(invalid);

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
