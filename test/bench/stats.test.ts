import { describe, expect, it } from 'vitest';
import * as stats from '../../scripts/bench/stats.js';

describe('bench statistics', () => {
  it('slope: what each waiting workflow adds, through steps in the RSS', () => {
    const line = [0, 100, 200, 300].map((x) => ({ x, y: 1_000 + 5 * x }));
    expect(stats.slope(line)).toBeCloseTo(5);
    // One step in the middle moves the slope less than it moves the two ends' difference.
    const stepped = line.map((p) => (p.x === 300 ? { ...p, y: p.y + 600 } : p));
    expect(stats.slope(stepped)).toBeLessThan((stepped[3]!.y - stepped[0]!.y) / 300);
    expect(stats.slope([{ x: 1, y: 2 }])).toBeNaN();
    expect(
      stats.slope([
        { x: 1, y: 2 },
        { x: 1, y: 3 },
      ]),
    ).toBeNaN();
  });

  it('medians and percentiles', () => {
    expect(stats.median([3, 1, 2])).toBe(2);
    expect(stats.median([4, 1, 3, 2])).toBe(2.5);
    expect(stats.median([])).toBeNaN();
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(stats.percentile(hundred, 50)).toBe(50);
    expect(stats.percentile(hundred, 99)).toBe(99);
    expect(stats.percentile([7], 99)).toBe(7);
    expect(stats.percentile([], 50)).toBeNaN();
  });

  it('spreads over rounds skip what was not measured', () => {
    expect(stats.spread([2, Number.NaN, 4, 3])).toEqual({ median: 3, min: 2, max: 4, n: 3 });
    expect(stats.spread([Number.NaN]).n).toBe(0);
    expect(stats.fmtSpread(stats.spread([2, 4, 3]))).toBe('3.00 (2.00–4.00)');
    expect(stats.fmtSpread(stats.spread([]))).toBe('n/a');
  });

  it('ratios pair the rounds', () => {
    expect(stats.ratioSpread([10, 20, 30], [10, 10, 10])).toEqual({
      median: 2,
      min: 1,
      max: 3,
      n: 3,
    });
  });
});

describe('targets', () => {
  it('judges each comparison', () => {
    expect(stats.verdict({ metric: 'm', comparison: '>=', bound: 0.95, value: 0.96 })).toBe('met');
    expect(stats.verdict({ metric: 'm', comparison: '>=', bound: 0.95, value: 0.9 })).toBe(
      'not met',
    );
    expect(stats.verdict({ metric: 'm', comparison: '<', bound: 3, value: 3 })).toBe('not met');
    expect(stats.verdict({ metric: 'm', comparison: '<=', bound: 20, value: 20 })).toBe('met');
    expect(stats.verdict({ metric: 'm', comparison: '==', bound: 1, value: 1 })).toBe('met');
    expect(stats.verdict({ metric: 'm', comparison: '==', bound: 1, value: 1.025 })).toBe(
      'not met',
    );
    expect(stats.verdict({ metric: 'm', comparison: '<=', bound: 1, value: Number.NaN })).toBe(
      'n/a',
    );
    expect(stats.verdict({ metric: 'm', comparison: 'report', value: 5 })).toBe('—');
  });

  it('prints a padded markdown table', () => {
    const table = stats.targetsTable([
      { metric: 'creates per payout', comparison: '==', bound: 1, value: 1, digits: 3 },
      { metric: 'p50', comparison: 'report', value: 12, shown: '12 / 40' },
    ]);
    const lines = table.split('\n');
    expect(lines).toHaveLength(4);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
    expect(lines[2]).toContain('= 1');
    expect(lines[2]).toContain('1.000');
    expect(lines[2]).toContain('met');
    expect(lines[3]).toContain('reported');
    expect(stats.markdownTable(['a'], [['xyz']])).toBe('| a   |\n| --- |\n| xyz |');
  });

  it('draws the progress bar', () => {
    expect(stats.progressBar(1, 4, 'x', 8)).toBe('[##------]  25% x');
    expect(stats.progressBar(5, 4, 'x', 4)).toBe('[####] 100% x');
    expect(stats.progressBar(0, 0, 'x', 2)).toBe('[##] 100% x');
  });
});
