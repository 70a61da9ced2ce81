import { readFileSync } from 'node:fs';
import { envKeys, hostSchema, parseEnv, listenPortSchema, textSchema } from '../config-keys.js';
import { ConfigError, type FieldIssue } from '../errors.js';

/** Where the codec server listens, whom it answers. Holds the token: never log it as is. */
export interface CodecServerConfig {
  readonly host: string;
  readonly port: number;
  /** Web origins (scheme://host[:port]) whose pages may call it: the Web UI's. */
  readonly corsOrigins: readonly string[];
  /** When set, every request must carry `Authorization: Bearer <token>`. */
  readonly authToken?: string;
}

/** The env keys read by {@link parseCodecServerConfig} (besides PAYLOAD_CODEC*). */
export const CODEC_SERVER_CONFIG_KEYS = envKeys([
  {
    key: 'CODEC_HOST',
    default: '127.0.0.1',
    meaning: 'interface the codec server binds (0.0.0.0 in a container)',
    schema: hostSchema,
  },
  {
    key: 'CODEC_PORT',
    default: '8789',
    meaning: 'port of the codec server',
    schema: listenPortSchema,
  },
  {
    key: 'CODEC_CORS_ORIGINS',
    meaning:
      'comma-separated origins of the Web UI allowed to call it, e.g. http://localhost:8233; unset: none',
    schema: textSchema.optional(),
  },
  {
    key: 'CODEC_AUTH_TOKEN',
    meaning: 'bearer token every request must send (at least 16 characters; never logged)',
    schema: textSchema.optional(),
  },
  {
    key: 'CODEC_AUTH_TOKEN_FILE',
    meaning: 'file holding the bearer token; one trailing newline is dropped',
    schema: textSchema.optional(),
  },
] as const);

/** An origin as a browser sends it: scheme, host, optional port; no path, no wildcard. */
const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$|^https?:\/\/\[[0-9A-Fa-f:]+\](:\d{1,5})?$/;

/**
 * Parses the codec server's settings from an env object; one {@link ConfigError} names every bad
 * key, never a value. `*` is refused as an origin: any web page could then read decrypted
 * payouts through a browser on a machine that reaches the server.
 */
export function parseCodecServerConfig(
  env: Readonly<Record<string, string | undefined>>,
  deps: { readonly readFile?: (path: string) => string } = {},
): CodecServerConfig {
  const readFile = deps.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const issues: FieldIssue[] = [];
  let parsed: { host: string; port: number } | undefined;
  try {
    const e = parseEnv(CODEC_SERVER_CONFIG_KEYS, env);
    parsed = { host: e.CODEC_HOST, port: e.CODEC_PORT };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    issues.push(...error.issues);
  }

  const origins = (env['CODEC_CORS_ORIGINS'] ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  origins.forEach((origin, index) => {
    if (!ORIGIN.test(origin)) {
      issues.push({
        field: 'CODEC_CORS_ORIGINS',
        rule: `entry ${index + 1}: an origin such as http://localhost:8233 (scheme, host, port; no path, no *)`,
      });
    }
  });

  const authToken = readToken(env, readFile, issues);
  if (parsed === undefined || issues.length > 0) throw new ConfigError(issues);
  return {
    host: parsed.host,
    port: parsed.port,
    corsOrigins: origins.map((o) => o.replace(/\/$/, '')),
    ...(authToken === undefined ? {} : { authToken }),
  };
}

function readToken(
  env: Readonly<Record<string, string | undefined>>,
  readFile: (path: string) => string,
  issues: FieldIssue[],
): string | undefined {
  const direct = env['CODEC_AUTH_TOKEN']?.trim() || undefined;
  const path = env['CODEC_AUTH_TOKEN_FILE']?.trim() || undefined;
  if (direct !== undefined && path !== undefined) {
    issues.push({
      field: 'CODEC_AUTH_TOKEN',
      rule: 'set only one of CODEC_AUTH_TOKEN and CODEC_AUTH_TOKEN_FILE',
    });
    return undefined;
  }
  let token = direct;
  let field = 'CODEC_AUTH_TOKEN';
  if (path !== undefined) {
    field = 'CODEC_AUTH_TOKEN_FILE';
    try {
      token = readFile(path).replace(/\r?\n$/, '');
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      issues.push({
        field,
        rule: `a readable file${typeof code === 'string' ? ` (${code})` : ''}`,
      });
      return undefined;
    }
  }
  if (token === undefined) return undefined;
  if (!/^[\x21-\x7e]{16,}$/.test(token)) {
    issues.push({ field, rule: 'at least 16 visible ASCII characters, no spaces' });
    return undefined;
  }
  return token;
}
