/**
 * Durations as people type them: a number of milliseconds, a number with a unit (`500ms`, `30s`,
 * `10m`, `2h`, `1d`, also spelt out: `10 minutes`), or an ISO 8601 duration (`PT10M`, `P1DT2H`).
 * Parsed here, in one place, so that what is accepted is written down once. Pure: workflows and
 * runtime code share it.
 */
export type DurationInput = number | string;

/** What every duration message says is accepted. */
export const DURATION_FORMS = 'milliseconds, "30s", "10m", "2h", "1d" or ISO 8601 such as "PT10M"';

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

const WITH_UNIT = /^(\d{1,12}(?:\.\d{1,6})?)\s*([a-z]+)$/i;
const ISO_8601 =
  /^P(?:(\d{1,9})D)?(?:T(?:(\d{1,9})H)?(?:(\d{1,9})M)?(?:(\d{1,9}(?:\.\d{1,6})?)S)?)?$/i;

/**
 * Milliseconds, or `undefined` when `input` is not a duration in one of the forms above (or is
 * not a string or number at all). Total: never throws, whatever it is given.
 */
export function parseDurationMs(input: unknown): number | undefined {
  if (typeof input === 'number') {
    return Number.isFinite(input) && input >= 0 ? Math.round(input) : undefined;
  }
  if (typeof input !== 'string' || input.length > 64) return undefined;
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

/** A duration for people: `1d 2h`, `40s`, `250ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1_000);
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.slice(0, 2).join(' ');
}
