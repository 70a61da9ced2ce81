/**
 * What the CLI writes: tables for people, JSON for scripts, and a stdout that a closed pipe
 * (`npm run payout -- list | head -1`) ends quietly instead of with a stack trace.
 */

/** A column of a {@link table}: its heading and whether it is aligned right (numbers). */
export interface Column {
  readonly heading: string;
  readonly right?: boolean;
}

/**
 * Rows as aligned columns, two spaces apart, the headings first. Cells are made printable: a
 * line break or control character in a value cannot break the table.
 */
export function table(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const cells = [columns.map((c) => c.heading), ...rows.map((r) => r.map(printableCell))];
  const widths = columns.map((_, i) => Math.max(...cells.map((r) => width(r[i] ?? ''))));
  return cells
    .map((row) =>
      columns
        .map((column, i) => {
          const text = row[i] ?? '';
          const pad = ' '.repeat((widths[i] ?? 0) - width(text));
          return column.right ? pad + text : text + pad;
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `value` as indented JSON, for scripts (one document per command). */
export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** How long ago, at a glance: `45s`, `12m`, `3h05m`, `2d04h`. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/** Writes one line to stdout. */
export function out(text: string): void {
  process.stdout.write(`${text}\n`);
}

/**
 * Ends the process quietly, exit 0, when whoever reads stdout goes away (EPIPE): the reader
 * had what it wanted. Any other stdout error is reported on stderr, exit 1.
 */
export function endQuietlyOnClosedPipe(
  stream: NodeJS.WriteStream = process.stdout,
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') exit(0);
    else {
      process.stderr.write(`payout: cannot write the output: ${error.message}\n`);
      exit(1);
    }
  });
}

function printableCell(text: string): string {
  return [...text].map((ch) => (ch.charCodeAt(0) < 0x20 || ch === '\x7f' ? ' ' : ch)).join('');
}

/** Display width: CJK and other wide characters take two columns. */
function width(text: string): number {
  let w = 0;
  for (const ch of text)
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60\uffe0-\uffe6]/u.test(
      ch,
    )
      ? 2
      : 1;
  return w;
}
