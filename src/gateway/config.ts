import { presentValue, readTextFile } from '../config-keys.js';
import { z } from 'zod';
import { unsignableTextRule } from '../../vocabulary/payout-request.js';
import { platformIdSchema } from './ids.js';
import { ConfigError, type FieldIssue, toFieldIssues } from '../errors.js';
import { GATEWAY_CONFIG_DEFAULTS as D, MAX_GATEWAY_TIMEOUT_MS } from './config-keys.js';
import type { SignMode } from '../../vocabulary/gateway.js';

/** The gateway client's validated configuration. Holds credentials: never log it as is. */
export interface GatewayConfig {
  /** Origin (and optional path prefix) without a trailing slash. */
  readonly baseUrl: string;
  readonly platformId: string;
  /** Signing secret. */
  readonly secret: string;
  /** Value of the `Authorization` header of order queries. */
  readonly authToken: string;
  readonly signMode: SignMode;
  readonly queryForm: 'list' | 'single';
  /** Path of create and query calls, starting with `/`, no trailing slash. */
  readonly payoutsPath: string;
  readonly notifyUrl?: string;
  readonly allowHttp: boolean;
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  readonly amountFormat: 'string' | 'number';
  readonly requestTimeFormat: 'string' | 'number';
}

/** Injected for tests: how a `_FILE` key's file is read. */
export interface GatewayConfigDeps {
  readonly readFile?: (path: string) => string;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

const httpUrl = z.string().refine((v) => isPlainHttpUrl(v, { allowQuery: false }), {
  error: 'an http(s) URL without credentials, query or fragment',
});

const timeoutMs = (byDefault: string) =>
  z
    .string()
    .default(byDefault)
    .refine(
      (v) => /^[0-9]{1,6}$/.test(v) && Number(v) >= 1 && Number(v) <= MAX_GATEWAY_TIMEOUT_MS,
      {
        error: `a whole number of milliseconds from 1 to ${MAX_GATEWAY_TIMEOUT_MS}`,
      },
    )
    .transform(Number);

const wireFormat = (byDefault: 'string' | 'number') =>
  z.enum(['string', 'number'], { error: 'string or number' }).default(byDefault);

/** Keys whose value is checked by the schema; the secret/token pairs are resolved after it. */
const envSchema = z.object({
  GATEWAY_BASE_URL: httpUrl.optional(),
  // The workflow input's rule too: a worker must not run with an id its payouts would refuse.
  GATEWAY_PLATFORM_ID: platformIdSchema.optional(),
  GATEWAY_SIGN_MODE: z
    .enum(['md5', 'md5-key', 'hmac-sha256'], { error: 'md5, md5-key or hmac-sha256' })
    .default(D.GATEWAY_SIGN_MODE),
  GATEWAY_QUERY_FORM: z
    .enum(['list', 'single'], { error: 'list or single' })
    .default(D.GATEWAY_QUERY_FORM),
  GATEWAY_PAYOUTS_PATH: z
    .string()
    .regex(/^(\/[A-Za-z0-9._~%!$'()*+,;:@-]+)+$/, {
      error: 'a path starting with /, no trailing /, query or fragment',
    })
    .default(D.GATEWAY_PAYOUTS_PATH),
  GATEWAY_NOTIFY_URL: z
    .string()
    .max(256, { error: 'at most 256 characters' })
    // It is signed with the create call: what signing would refuse must fail at startup.
    .refine((v) => unsignableTextRule(v, { allowSeparators: true }) === undefined, {
      error: 'no control characters or lone surrogates',
    })
    .refine((v) => isPlainHttpUrl(v, { allowQuery: true }), {
      error: 'an https URL without credentials or fragment',
    })
    .optional(),
  GATEWAY_ALLOW_HTTP: z
    .enum(['true', 'false'], { error: 'true or false' })
    .default(D.GATEWAY_ALLOW_HTTP)
    .transform((v) => v === 'true'),
  GATEWAY_CONNECT_TIMEOUT_MS: timeoutMs(D.GATEWAY_CONNECT_TIMEOUT_MS),
  GATEWAY_HEADERS_TIMEOUT_MS: timeoutMs(D.GATEWAY_HEADERS_TIMEOUT_MS),
  GATEWAY_BODY_TIMEOUT_MS: timeoutMs(D.GATEWAY_BODY_TIMEOUT_MS),
  GATEWAY_AMOUNT_FORMAT: wireFormat(D.GATEWAY_AMOUNT_FORMAT),
  GATEWAY_REQUEST_TIME_FORMAT: wireFormat(D.GATEWAY_REQUEST_TIME_FORMAT),
});

/**
 * Reads the gateway configuration from environment variables (t3-env style): every key is
 * checked, and one {@link ConfigError} names each bad key and its rule, never a value. An empty
 * value counts as unset. See `GATEWAY_CONFIG_KEYS` for the keys.
 */
export function parseGatewayConfig(
  env: Readonly<Record<string, string | undefined>>,
  deps: GatewayConfigDeps = {},
): GatewayConfig {
  const readFile = deps.readFile ?? readTextFile;
  const present = (key: string): string | undefined => presentValue(env, key);
  const input = Object.fromEntries(Object.keys(envSchema.shape).map((k) => [k, present(k)]));

  const issues: FieldIssue[] = [];
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) issues.push(...toFieldIssues(parsed.error));
  for (const key of ['GATEWAY_BASE_URL', 'GATEWAY_PLATFORM_ID']) {
    if (present(key) === undefined) issues.push({ field: key, rule: 'required' });
  }
  const secret = resolveCredential('GATEWAY_SECRET', present, readFile, issues);
  const authToken = resolveCredential('GATEWAY_AUTH_TOKEN', present, readFile, issues);
  for (const key of ['GATEWAY_BASE_URL', 'GATEWAY_NOTIFY_URL'] as const) {
    checkHttps(key, present(key), present('GATEWAY_ALLOW_HTTP'), issues);
  }

  if (!parsed.success || issues.length > 0 || secret === undefined || authToken === undefined) {
    throw new ConfigError(issues);
  }
  const e = parsed.data;
  return {
    baseUrl: (e.GATEWAY_BASE_URL ?? '').replace(/\/+$/, ''),
    platformId: e.GATEWAY_PLATFORM_ID ?? '',
    secret,
    authToken,
    signMode: e.GATEWAY_SIGN_MODE,
    queryForm: e.GATEWAY_QUERY_FORM,
    payoutsPath: e.GATEWAY_PAYOUTS_PATH,
    ...(e.GATEWAY_NOTIFY_URL === undefined ? {} : { notifyUrl: e.GATEWAY_NOTIFY_URL }),
    allowHttp: e.GATEWAY_ALLOW_HTTP,
    connectTimeoutMs: e.GATEWAY_CONNECT_TIMEOUT_MS,
    headersTimeoutMs: e.GATEWAY_HEADERS_TIMEOUT_MS,
    bodyTimeoutMs: e.GATEWAY_BODY_TIMEOUT_MS,
    amountFormat: e.GATEWAY_AMOUNT_FORMAT,
    requestTimeFormat: e.GATEWAY_REQUEST_TIME_FORMAT,
  };
}

/** `KEY` or `KEY_FILE`, exactly one; the file's one trailing newline is dropped. */
function resolveCredential(
  key: 'GATEWAY_SECRET' | 'GATEWAY_AUTH_TOKEN',
  present: (key: string) => string | undefined,
  readFile: (path: string) => string,
  issues: FieldIssue[],
): string | undefined {
  const fileKey = `${key}_FILE`;
  const direct = present(key);
  const path = present(fileKey);
  if ((direct === undefined) === (path === undefined)) {
    const rule =
      direct === undefined
        ? `required: set ${key} or ${fileKey}`
        : `set only one of ${key} and ${fileKey}`;
    issues.push({ field: key, rule });
    return undefined;
  }
  let value: string;
  let source: string = key;
  if (path !== undefined) {
    source = fileKey;
    try {
      value = readFile(path).replace(/\r?\n$/, '');
    } catch (error) {
      // The errno code helps; the message would print the path, which we keep out on principle.
      const code = (error as { code?: unknown }).code;
      issues.push({
        field: fileKey,
        rule: `a readable file${typeof code === 'string' ? ` (${code})` : ''}`,
      });
      return undefined;
    }
  } else {
    value = direct ?? '';
  }
  const rule = credentialRule(key, value);
  if (rule !== undefined) {
    issues.push({ field: source, rule });
    return undefined;
  }
  return value;
}

function credentialRule(key: string, value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (key === 'GATEWAY_AUTH_TOKEN') {
    // It goes into an HTTP header: visible ASCII, single spaces allowed inside ("Bearer x").
    return /^[\x21-\x7e]+( [\x21-\x7e]+)*$/.test(value)
      ? undefined
      : 'visible ASCII characters, no line breaks or surrounding spaces';
  }
  return CONTROL.test(value) ? 'no control characters or line breaks' : undefined;
}

/**
 * Credentials, recipients' bank details and callbacks travel over these URLs: https, unless the
 * sandbox-only opt-in says otherwise. Read from the raw values, so this rule is reported even
 * when other keys are bad.
 */
function checkHttps(
  key: 'GATEWAY_BASE_URL' | 'GATEWAY_NOTIFY_URL',
  url: string | undefined,
  allowHttp: string | undefined,
  issues: FieldIssue[],
): void {
  if (url === undefined || !URL.canParse(url)) return;
  if (new URL(url).protocol === 'http:' && allowHttp !== 'true') {
    issues.push({
      field: key,
      rule: 'must be https (http only for the local sandbox, with GATEWAY_ALLOW_HTTP=true)',
    });
  }
}

/** An http(s) URL with no credentials (they would end up in logs) and no fragment. */
export function isPlainHttpUrl(value: string, options: { allowQuery: boolean }): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    url.hostname !== '' &&
    url.username === '' &&
    url.password === '' &&
    !value.includes('#') &&
    (options.allowQuery || !value.includes('?'))
  );
}

/** The configuration with its credentials replaced, for a startup log line. */
export function describeGatewayConfig(
  config: GatewayConfig,
): Record<string, string | number | boolean> {
  const { secret: _secret, authToken: _token, ...rest } = config;
  return { ...rest, secret: '[redacted]', authToken: '[redacted]' };
}

/**
 * Slack for undici's timers: its connect, headers and body timeouts run on a coarse clock that
 * ticks about every 500 ms, so each may fire up to a second after its configured value.
 */
export const UNDICI_TIMER_SLACK_MS = 1_000;

/**
 * The longest one gateway call can take: connect, then headers, then body, each at its limit,
 * plus {@link UNDICI_TIMER_SLACK_MS}. The client enforces it as an overall deadline (which also
 * stops a body trickling in faster than the body timeout notices); an activity's
 * startToCloseTimeout must be comfortably longer (see docs/gateway.md).
 */
export function gatewayCallDeadlineMs(config: GatewayConfig): number {
  return (
    config.connectTimeoutMs + config.headersTimeoutMs + config.bodyTimeoutMs + UNDICI_TIMER_SLACK_MS
  );
}
