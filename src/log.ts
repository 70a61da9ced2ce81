import { z } from 'zod';
import { envKeys, parseEnv } from './config-keys.js';

/** A structured logger: a message and context. Context is redacted before it is written. */
export interface Logger {
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

/** How log lines are written: one JSON object per line, or a line for a person at a terminal. */
export type LogFormat = 'json' | 'text';

/** The env keys of every process that logs through {@link createConsoleLogger}. */
export const LOG_CONFIG_KEYS = envKeys([
  {
    key: 'LOG_FORMAT',
    default: 'text',
    meaning:
      'json: one JSON object per line (time, level, component, message, context), for log shippers; text: one readable line per entry',
    schema: z.enum(['json', 'text'], { error: 'json or text' }),
  },
] as const);

/** The log format from LOG_FORMAT; a bad value is a ConfigError naming the key. */
export function parseLogFormat(env: Readonly<Record<string, string | undefined>>): LogFormat {
  return parseEnv(LOG_CONFIG_KEYS, env).LOG_FORMAT;
}

/** One entry as it is written. */
export interface LogLine {
  /** ISO 8601, UTC. */
  readonly time: string;
  /** trace, debug, info, warn or error. */
  readonly level: string;
  readonly component: string;
  readonly message: string;
  readonly context: Record<string, unknown>;
}

/** What replaces a redacted value. */
export const REDACTED = '[redacted]';

/**
 * Keys whose values never reach a log, compared without case, `_` or `-`: the recipient's
 * details, credentials and signatures, however a caller or the gateway spells them.
 */
const SECRET_KEYS = new Set([
  'accountnumber',
  'accountno',
  'bankaccount',
  'bankaccountnumber',
  'cardnumber',
  'cardno',
  'recipientname',
  'recipient',
  'payeename',
  'payeeaccount',
  'secret',
  'authtoken',
  'token',
  'accesstoken',
  'apikey',
  'authorization',
  'sign',
  'signature',
  'password',
  'passphrase',
  // The gateway's own wire names for the recipient's name and card (create request fields).
  'name',
  'number',
]);

/** Also redacted: any key that names a secret, token or password (gatewaySecret, codecAuthToken). */
const SECRET_KEY_PARTS = /secret|token|password|apikey|privatekey/;

/**
 * Identifiers operators search logs by: their digits are not masked (a merchant's order ids are
 * often 18-digit numbers), though a secret quoted inside them would still be redacted.
 */
const ID_KEYS = new Set([
  'merchantorderid',
  'payoutclid',
  'payoutid',
  'workflowid',
  'runid',
  'workflowrunid',
  'parentworkflowid',
]);

const normalizeKey = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');

/** True when a value under `key` is redacted. */
export function isSecretKey(key: string): boolean {
  const k = normalizeKey(key);
  return SECRET_KEYS.has(k) || SECRET_KEY_PARTS.test(k);
}

/**
 * 15 to 19 digits, maybe grouped by single spaces or dashes: the length of bank card and account
 * numbers (shorter runs, such as times in milliseconds or phone numbers, stay).
 */
const CARD_DIGITS = /(?<![0-9])[0-9](?:[ -]?[0-9]){14,18}(?![0-9])/g;

/** The names of secret fields as a text may quote them (a request, a body, a query string). */
const INLINE_KEY =
  '[A-Za-z_-]*(?:account_?number|bank_?account|recipient_?name|secret|token|password|sign|signature|authorization|name|number)';

/** `"key": "value"` or `"key": 123` inside a text, as in a JSON body. */
const QUOTED_SECRET = new RegExp(
  `("${INLINE_KEY}"\\s*:\\s*)("(?:[^"\\\\]|\\\\.)*"|[^\\s,}\\]]+)`,
  'gi',
);

/** `key=value` inside a text, as in a query string or a form body. */
const ASSIGNED_SECRET = new RegExp(`(?<![A-Za-z0-9])(${INLINE_KEY}=)([^\\s&;,"']*)`, 'gi');

/** A text with card-like digit runs masked (all but the last four) and quoted secrets redacted. */
export function redactText(text: string, { maskDigits = true } = {}): string {
  const redacted = text
    .replace(QUOTED_SECRET, (_m, key: string) => `${key}"${REDACTED}"`)
    .replace(ASSIGNED_SECRET, (_m, key: string) => `${key}${REDACTED}`);
  if (!maskDigits) return redacted;
  return redacted.replace(CARD_DIGITS, (digits) => {
    const plain = digits.replace(/[^0-9]/g, '');
    return `${'*'.repeat(plain.length - 4)}${plain.slice(-4)}`;
  });
}

const MAX_DEPTH = 8;

/**
 * A copy of `value` safe to log: values under secret keys replaced by {@link REDACTED} at any
 * depth, card-like digit runs masked in every string but identifiers (merchantOrderId, payoutId,
 * workflowId), errors reduced to name and message,
 * bigints as strings, cycles and depth cut.
 */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  try {
    if (value instanceof Error) {
      return { name: value.name, message: redactText(value.message) };
    }
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
    if (value instanceof Uint8Array) return `[${value.length} bytes]`;
    if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, seen));
    if (value instanceof Map) {
      return redact(Object.fromEntries(value), depth, seen);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] =
        isSecretKey(k) && v !== undefined && v !== null
          ? REDACTED
          : typeof v === 'string' && ID_KEYS.has(normalizeKey(k))
            ? redactText(v, { maskDigits: false })
            : redact(v, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/** The line of an entry, redacted: message and context. */
export function logLine(
  level: string,
  component: string,
  message: string,
  context: Record<string, unknown> = {},
  time: Date = new Date(),
): LogLine {
  const safe = redact(context);
  return {
    time: time.toISOString(),
    level: level.toLowerCase(),
    component,
    message: redactText(message),
    context:
      typeof safe === 'object' && safe !== null && !Array.isArray(safe)
        ? (safe as Record<string, unknown>)
        : {},
  };
}

/** One JSON object, no line breaks inside (JSON escapes them). */
export function formatJson(line: LogLine): string {
  return JSON.stringify(line);
}

/** `time LEVEL [component] message key=value ...`, readable in a terminal. */
export function formatText(line: LogLine): string {
  const fields = Object.entries(line.context)
    .map(
      ([k, v]) =>
        `${k}=${typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? 'undefined')}`,
    )
    .join(' ');
  return `${line.time} ${line.level.toUpperCase()} [${line.component}] ${line.message}${fields ? ` ${fields}` : ''}`;
}

const stderrLine = (l: string) => void process.stderr.write(`${l}\n`);

/**
 * One line per entry on stderr (or `write`), redacted, in `format`: text by default (a person at
 * a terminal), json for log shippers (`LOG_FORMAT=json`).
 */
export function createConsoleLogger(
  component: string,
  write: (line: string) => void = stderrLine,
  format: LogFormat = 'text',
): Logger {
  const render = format === 'json' ? formatJson : formatText;
  const emit =
    (level: string) =>
    (message: string, context: Record<string, unknown> = {}) =>
      write(render(logLine(level, component, message, context)));
  return { info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** The shape of an SDK log entry (`LogEntry` of @temporalio/worker), without importing the SDK. */
export interface SdkLogEntry {
  readonly level: string;
  readonly message: string;
  /** Nanoseconds since the epoch. */
  readonly timestampNanos: bigint;
  readonly meta?: Record<string, unknown>;
}

/**
 * A log function for the Temporal SDK's `DefaultLogger` (the Runtime logger): the SDK's own
 * lines, the workflows' and activities' `log`, and the core's forwarded logs come out in the
 * process's format and are redacted like every other line. `sdkComponent` goes into the context.
 */
export function sdkLogFunction(
  component: string,
  format: LogFormat,
  write: (line: string) => void = stderrLine,
): (entry: SdkLogEntry) => void {
  const render = format === 'json' ? formatJson : formatText;
  return (entry) => {
    const time = new Date(Number(entry.timestampNanos / 1_000_000n));
    write(render(logLine(entry.level, component, entry.message, entry.meta ?? {}, time)));
  };
}

/**
 * The logger of a process, in the format LOG_FORMAT asks for. A bad LOG_FORMAT falls back to
 * text here, so the process can still report it: its own parse of the key then fails.
 */
export function createProcessLogger(
  component: string,
  env: Readonly<Record<string, string | undefined>>,
): Logger {
  let format: LogFormat = 'text';
  try {
    format = parseLogFormat(env);
  } catch {
    // Reported by the process's own config parse.
  }
  return createConsoleLogger(component, stderrLine, format);
}
