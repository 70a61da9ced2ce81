import { CALLBACK_CONFIG_KEYS } from './callback/config.js';
import { PAYLOAD_CODEC_CONFIG_KEYS } from './codec/config.js';
import { CODEC_SERVER_CONFIG_KEYS } from './codec/server-config.js';
import { GATEWAY_CONFIG_KEYS } from './gateway/config-keys.js';
import { STACK_CONFIG_KEYS } from './stack/config.js';
import { TEMPORAL_CONFIG_KEYS } from './temporal/connection-config.js';
import { WORKER_CONFIG_KEYS } from './worker/config.js';
import { LOG_CONFIG_KEYS } from './log.js';
import { documentedKeys } from './config-keys.js';
import { RECONCILE_CONFIG_KEYS } from './reconcile/config.js';

/** One documented environment key. */
export interface DocumentedKey {
  readonly key: string;
  readonly required: boolean | 'one-of';
  readonly oneOf?: readonly string[];
  readonly default?: string;
  readonly meaning: string;
}

/** A Markdown table of keys: key, required, default, meaning. */
export function configTable(keys: readonly DocumentedKey[]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = keys.map((k) => {
    const required =
      k.required === 'one-of'
        ? `one of ${(k.oneOf ?? []).map((o) => `\`${o}\``).join(' / ')}`
        : k.required
          ? 'yes'
          : 'no';
    const byDefault = k.default === undefined || k.default === '' ? '' : `\`${cell(k.default)}\``;
    return `| \`${k.key}\` | ${required} | ${byDefault} | ${cell(k.meaning)} |`;
  });
  return ['| key | required | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

/** The README's configuration sections, by marker name. */
export const README_CONFIG_SECTIONS: Readonly<Record<string, readonly DocumentedKey[]>> = {
  gateway: GATEWAY_CONFIG_KEYS,
  temporal: TEMPORAL_CONFIG_KEYS,
  worker: documentedKeys(WORKER_CONFIG_KEYS),
  log: documentedKeys(LOG_CONFIG_KEYS),
  reconcile: documentedKeys(RECONCILE_CONFIG_KEYS),
  callback: documentedKeys(CALLBACK_CONFIG_KEYS),
  codec: PAYLOAD_CODEC_CONFIG_KEYS,
  'codec-server': documentedKeys(CODEC_SERVER_CONFIG_KEYS),
  stack: documentedKeys(STACK_CONFIG_KEYS),
};

/**
 * Fills each `<!-- config:NAME -->…<!-- /config:NAME -->` block of `markdown` with the table of
 * that section's keys, so the README always lists what the code reads.
 */
export function renderConfigSections(markdown: string): string {
  let out = markdown;
  for (const [name, keys] of Object.entries(README_CONFIG_SECTIONS)) {
    const open = `<!-- config:${name} -->`;
    const close = `<!-- /config:${name} -->`;
    const start = out.indexOf(open);
    const end = out.indexOf(close);
    if (start < 0 || end < start) throw new Error(`README has no ${open} … ${close} block`);
    out = `${out.slice(0, start + open.length)}\n\n${configTable(keys)}\n\n${out.slice(end)}`;
  }
  return out;
}
