import { ConfigError, ValidationError, type FieldIssue } from '../errors.js';
import { DEFAULT_MERCHANT, parseSandboxSettings, type SandboxSettings } from './options.js';

/** Every key `npm run sandbox` reads: the setting it fills, and whether it is a number. */
const KEYS: Readonly<Record<string, readonly [string, 'number'?]>> = {
  SANDBOX_PORT: ['port', 'number'],
  SANDBOX_HOST: ['host'],
  SANDBOX_PLATFORM_ID: ['merchant.platformId'],
  SANDBOX_SECRET: ['merchant.secret'],
  SANDBOX_AUTH_TOKEN: ['merchant.authToken'],
  SANDBOX_SIGN_MODE: ['merchant.signMode'],
  SANDBOX_SCHEDULE: ['schedule.mode'],
  SANDBOX_PENDING_AFTER_MS: ['schedule.pendingAfterMs', 'number'],
  SANDBOX_PROCESSING_AFTER_MS: ['schedule.processingAfterMs', 'number'],
  SANDBOX_FINAL_AFTER_MS: ['schedule.finalAfterMs', 'number'],
  SANDBOX_CALLBACK_ATTEMPTS: ['callbacks.attempts', 'number'],
  SANDBOX_CALLBACK_INTERVAL_MS: ['callbacks.intervalMs', 'number'],
  SANDBOX_CALLBACK_TIMEOUT_MS: ['callbacks.timeoutMs', 'number'],
  SANDBOX_STATE_FILE: ['stateFile'],
};

/** The key a settings field comes from (`schedule` for the mode's own issues). */
const keyOf = (field: string): string =>
  Object.entries(KEYS).find(([, [path]]) => path === field || path === `${field}.mode`)?.[0] ??
  field;

/**
 * Reads the sandbox's settings from the environment: port 8787 and a timed schedule unless told
 * otherwise. Empty values count as unset; an unknown `SANDBOX_*` key is refused (a typo, most
 * likely). Throws {@link ConfigError} naming every bad key, never its value.
 */
export function parseSandboxEnv(
  env: Readonly<Record<string, string | undefined>>,
): SandboxSettings {
  const data: Record<string, unknown> = { port: 8787, merchant: { ...DEFAULT_MERCHANT } };
  const groups: Record<string, Record<string, unknown>> = { schedule: {}, callbacks: {} };
  const issues: FieldIssue[] = [];
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith('SANDBOX_') || value === undefined || value === '') continue;
    const [path, type] = KEYS[key] ?? [];
    if (path === undefined) {
      issues.push({ field: key, rule: 'unknown key' });
      continue;
    }
    const typed = type === 'number' && /^[0-9]{1,9}$/.test(value) ? Number(value) : value;
    const [group, field] = path.split('.') as [string, string?];
    if (field === undefined) data[group] = typed;
    else (groups[group] ?? (data[group] as Record<string, unknown>))[field] = typed;
  }
  const { mode = 'timed', ...timed } = groups['schedule'] ?? {};
  data['schedule'] = mode === 'timed' ? { mode, ...timed } : { mode };
  data['callbacks'] = groups['callbacks'];
  try {
    const settings = parseSandboxSettings(data);
    if (issues.length === 0) return settings;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    issues.push(...error.issues.map((i) => ({ field: keyOf(i.field), rule: i.rule })));
  }
  throw new ConfigError(issues, 'the settings table in src/sandbox/README.md');
}
