import type { SoakReport } from './run.js';

/** The invariant table, for people. */
export function formatReport(r: SoakReport): string {
  const lines = [
    `soak: ${r.payouts} payouts, seed ${r.seed}, ${(r.durationMs / 1000).toFixed(0)} s`,
    '',
    '| invariant | violations |',
    '| --- | --- |',
    ...Object.entries(r.violations).map(([k, v]) => `| ${k} | ${v.length} |`),
    '',
    '| fault | injected |',
    '| --- | --- |',
    ...Object.entries(r.faults).map(([k, v]) => `| ${k} | ${v} |`),
    '',
    '| outcome | payouts |',
    '| --- | --- |',
    ...Object.entries(r.outcomes).map(([k, v]) => `| ${k} | ${v} |`),
    '',
    `creates: ${r.creates.calls} calls, ${r.creates.orders} orders for ${r.creates.payouts} payouts; operator: ${r.operator.decisions} decisions, ${r.operator.refused} refused, ${r.operator.overrides} overrides, ${r.operator.resubmits} resubmits`,
  ];
  for (const [k, v] of Object.entries(r.violations)) {
    for (const line of v.slice(0, 20)) lines.push(`${k}: ${line}`);
  }
  return `${lines.join('\n')}\n`;
}
