import { z } from 'zod';

/**
 * Durations as people type them: a number of milliseconds, a number with a unit (`500ms`, `30s`,
 * `10m`, `2h`, `1d`, also spelt out: `10 minutes`), or an ISO 8601 duration (`PT10M`, `P1DT2H`).
 * Parsed here, not with `ms`, so that what is accepted is written down in one place.
 */
export type DurationInput = number | string;

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1_000,
  sec: 1_000,
  secs: 1_000,
  second: 1_000,
  seconds: 1_000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
};

const WITH_UNIT = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i;
const ISO_8601 = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

/** Milliseconds, or `undefined` when `input` is not a duration in one of the forms above. */
export function parseDurationMs(input: DurationInput): number | undefined {
  if (typeof input === 'number') {
    return Number.isFinite(input) && input >= 0 ? Math.round(input) : undefined;
  }
  const text = input.trim();
  const withUnit = WITH_UNIT.exec(text);
  if (withUnit) {
    const unit = UNIT_MS[withUnit[2]!.toLowerCase()];
    return unit === undefined ? undefined : Math.round(Number(withUnit[1]) * unit);
  }
  const iso = ISO_8601.exec(text);
  // `P` and `PT` alone match the pattern but say nothing.
  if (iso && /\d/.test(text)) {
    const [, days, hours, minutes, seconds] = iso;
    return Math.round(
      Number(days ?? 0) * 86_400_000 +
        Number(hours ?? 0) * 3_600_000 +
        Number(minutes ?? 0) * 60_000 +
        Number(seconds ?? 0) * 1_000,
    );
  }
  return undefined;
}

/** A zod schema for a duration; the output is milliseconds. */
export function durationSchema(options: { min?: number; max?: number } = {}) {
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = options;
  return z
    .union([z.number(), z.string()], {
      error: 'a duration: milliseconds, "30s", "10m", "2h", "1d" or ISO 8601 such as "PT10M"',
    })
    .transform((value, ctx) => {
      const ms = parseDurationMs(value);
      if (ms === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: 'a duration: milliseconds, "30s", "10m", "2h", "1d" or ISO 8601 such as "PT10M"',
        });
        return z.NEVER;
      }
      if (ms < min || ms > max) {
        ctx.addIssue({ code: 'custom', message: `between ${min} and ${max} milliseconds` });
        return z.NEVER;
      }
      return ms;
    });
}
