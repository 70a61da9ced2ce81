/**
 * The fault-injection soak, small and seeded: the real worker, receiver and dev server, faults
 * of every kind, and the product's promise checked against the sandbox's records. The large
 * run is `npm run soak` (docs/reliability.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatReport } from '../../scripts/soak/report.js';
import { runSoak } from '../../scripts/soak/run.js';

describe('soak', () => {
  it(
    'keeps I1-I4 for 200 payouts through worker kills, a server restart and people',
    { timeout: 600_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'payout-soak-test-'));
      try {
        const report = await runSoak({
          payouts: 200,
          seed: 20261202,
          workerKills: 3,
          serverRestarts: 1,
          receiverKills: 1,
          startRate: 25,
          drainTimeoutMs: 240_000,
          dir,
        });
        const table = formatReport(report);
        // CI's log shows the invariant table with its counts.
        process.stdout.write(`\n${table}\n`);
        expect(report.violations, table).toEqual({ I1: [], I2: [], I3: [], I4: [] });
        // Every payout ended, none left waiting for a person the operator could not help.
        expect(report.outcomes['NEEDS_REVIEW'] ?? 0, table).toBe(0);
        // The faults were injected, not just planned.
        for (const kind of [
          'worker killed mid-create',
          'temporal server killed',
          'receiver killed',
          'cancel requests',
          'resets',
          'starts outside the client library',
          'closed runs deleted',
          'starts after deletion',
          'callbacks replayed',
        ]) {
          expect(report.faults[kind] ?? 0, `${kind}\n${table}`).toBeGreaterThan(0);
        }
        expect(
          (report.faults['worker killed'] ?? 0) + (report.faults['worker killed mid-create'] ?? 0),
        ).toBe(3);
        expect(report.operator.refused, table).toBeGreaterThan(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
