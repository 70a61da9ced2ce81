/**
 * `npm run soak -- --payouts 5000 --seed 7`: the fault-injection soak (a benchmark, not a test).
 * Prints a progress bar, then the invariant table: violations per invariant, faults injected by
 * kind, payouts by outcome, time. Writes the report as JSON too. Exits 1 on any violation.
 * `--drain S` bounds the wait for the last payouts to end (seconds).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatReport } from './soak/report.js';
import { runSoak } from './soak/run.js';

const { values } = parseArgs({
  options: {
    payouts: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    'worker-kills': { type: 'string' },
    'server-restarts': { type: 'string' },
    'receiver-kills': { type: 'string' },
    rate: { type: 'string', default: '25' },
    drain: { type: 'string', default: '600' },
    out: { type: 'string' },
  },
});

const whole = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) {
    process.stderr.write(`--${name} must be a whole number\n`);
    process.exit(2);
  }
  return Number(value);
};

const payouts = whole('payouts', values.payouts, 1000);
const dir = mkdtempSync(join(tmpdir(), 'payout-soak-'));
const report = await runSoak({
  payouts,
  seed: whole('seed', values.seed, 1),
  workerKills: whole(
    'worker-kills',
    values['worker-kills'],
    Math.max(3, Math.round(payouts / 100)),
  ),
  serverRestarts: whole(
    'server-restarts',
    values['server-restarts'],
    Math.max(1, Math.round(payouts / 1000)),
  ),
  receiverKills: whole(
    'receiver-kills',
    values['receiver-kills'],
    Math.max(1, Math.round(payouts / 500)),
  ),
  startRate: whole('rate', values.rate, 25),
  drainTimeoutMs: whole('drain', values.drain, 600) * 1_000,
  dir,
  onProgress: ({ started, final, total, elapsedMs }) => {
    const width = 30;
    const done = Math.round((final / total) * width);
    process.stderr.write(
      `\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] started ${started}/${total}, final ${final}/${total}, ${Math.round(elapsedMs / 1000)} s `,
    );
  },
});
process.stderr.write('\n');
process.stdout.write(formatReport(report));
const out = values.out ?? join(dir, 'soak-report.json');
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`\nreport: ${out}\nlogs:   ${dir}\n`);
const violations = Object.values(report.violations).reduce((n, v) => n + v.length, 0);
process.exit(violations === 0 ? 0 : 1);
