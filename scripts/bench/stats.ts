/**
 * The bench's arithmetic and its printed forms, pure so a unit test covers them
 * (test/bench/stats.test.ts): medians and ranges over rounds, percentiles, the targets and the
 * markdown table, the progress bar.
 */

/** Median, lowest and highest of some values (NaN for none). */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

/** The p-th percentile (0-100) by nearest rank; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** The median (mean of the middle two for an even count); NaN for no values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function spread(values: readonly number[]): Spread {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  return {
    median: median(finite),
    min: Math.min(...finite),
    max: Math.max(...finite),
    n: finite.length,
  };
}

/** Element-wise ratio of two series of one round each (a/b per round), then their spread. */
export function ratioSpread(a: readonly number[], b: readonly number[]): Spread {
  const n = Math.min(a.length, b.length);
  const ratios: number[] = [];
  for (let i = 0; i < n; i += 1) ratios.push(a[i]! / b[i]!);
  return spread(ratios);
}

/** A number with `digits` decimals, or `n/a` when it is not finite. */
export function fmt(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** `median (min–max)`. */
export function fmtSpread(s: Spread, digits = 2): string {
  if (s.n === 0) return 'n/a';
  if (s.n === 1 || s.min === s.max) return fmt(s.median, digits);
  return `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;
}

/** How a target compares. `report`: no bound, the value is only shown. */
export type Comparison = '>=' | '<=' | '<' | '==' | 'report';

export interface Target {
  readonly metric: string;
  readonly comparison: Comparison;
  readonly bound?: number;
  /** The value judged (the median over rounds, or one figure for the whole run). */
  readonly value: number;
  /** How the measured value is shown (defaults to `fmt(value)`). */
  readonly shown?: string;
  /** Shown after the bound, e.g. `KB`. */
  readonly unit?: string;
  readonly digits?: number;
}

export type Verdict = 'met' | 'not met' | 'n/a' | '—';

export function verdict(t: Target): Verdict {
  if (t.comparison === 'report') return '—';
  if (!Number.isFinite(t.value) || t.bound === undefined) return 'n/a';
  // Rounded as shown, so `1.000` against `== 1` does not fail on float noise.
  const digits = t.digits ?? 2;
  const v = Number(t.value.toFixed(digits + 1));
  const ok =
    t.comparison === '>='
      ? v >= t.bound
      : t.comparison === '<='
        ? v <= t.bound
        : t.comparison === '<'
          ? v < t.bound
          : Math.abs(t.value - t.bound) < 1e-9;
  return ok ? 'met' : 'not met';
}

function targetText(t: Target): string {
  if (t.comparison === 'report' || t.bound === undefined) return 'reported';
  const op = { '>=': '≥', '<=': '≤', '<': '<', '==': '=' }[t.comparison];
  return `${op} ${t.bound}${t.unit === undefined ? '' : ` ${t.unit}`}`;
}

/** A markdown table with the columns padded, so it reads in a terminal too. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]) {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length), 3),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    line(header),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...rows.map((r) => line(header.map((_, i) => r[i] ?? ''))),
  ].join('\n');
}

/** The targets table: metric, target, measured, verdict. */
export function targetsTable(targets: readonly Target[]): string {
  return markdownTable(
    ['metric', 'target', 'measured', 'verdict'],
    targets.map((t) => [
      t.metric,
      targetText(t),
      t.shown ?? fmt(t.value, t.digits ?? 2),
      verdict(t),
    ]),
  );
}

/** `[#####-----] 50% label`, `width` characters of bar. */
export function progressBar(done: number, total: number, label: string, width = 30): string {
  const fraction = total <= 0 ? 1 : Math.min(1, Math.max(0, done / total));
  const filled = Math.round(fraction * width);
  const pct = String(Math.round(fraction * 100)).padStart(3);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct}% ${label}`;
}

/**
 * The least-squares slope of `y` over `x`: what each unit of x adds to y, steadier than the
 * difference of the two ends when y moves in steps (RSS as a heap grows).
 */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const sxx = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  if (sxx === 0) return Number.NaN;
  return points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0) / sxx;
}
