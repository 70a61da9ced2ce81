import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/amount.js';
import { TemporalUnreachableError } from '../../src/cli/connect.js';
import { ExitCode, report } from '../../src/cli/exit.js';
import * as client from '../../src/client/errors.js';
import { ConfigError } from '../../src/errors.js';

describe('exit codes', () => {
  it('2 for usage, 3 for refusals, 1 for the rest', () => {
    expect(report(new UsageError('--limit: a whole number'))).toEqual({
      code: ExitCode.Usage,
      message: '--limit: a whole number',
    });
    expect(report(new client.PayoutNotFoundError('O-1'))).toEqual({
      code: 3,
      message: 'No payout for merchant order O-1',
    });
    expect(report(new client.PayoutWaitTimeoutError('O-1', 10)).code).toBe(1);
    expect(report(new ConfigError([{ field: 'TEMPORAL_ADDRESS', rule: 'host:port' }])).code).toBe(
      1,
    );
    expect(report(new TemporalUnreachableError('example:7233'))).toEqual({
      code: 1,
      message:
        'cannot reach Temporal at example:7233 (TEMPORAL_ADDRESS); is it running? (npm start)',
    });
    expect(report(new Error('boom\n    at somewhere (file.ts:1:1)'))).toEqual({
      code: 1,
      message: 'boom',
    });
    expect(
      report(Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 })),
    ).toEqual({
      code: 1,
      message: 'cannot reach Temporal: 14 UNAVAILABLE: No connection established',
    });
  });

  it('a refused decision names the payout and the rule once', () => {
    const { code, message } = report(
      new client.DecisionRejectedError(
        'O-1',
        'contradicts-gateway',
        'contradicts-gateway: the gateway last reported success; add override',
      ),
    );
    expect(code).toBe(ExitCode.Refused);
    expect(message).toBe(
      'refused (O-1): contradicts-gateway: the gateway last reported success; add override (resolve ... --override TEXT)',
    );
    expect(message).not.toMatch(/\b([a-z][\w-]*)\W+\1\b/i);
    expect(
      report(new client.DecisionRejectedError('O-2', 'payout-final', 'payout-final: final'))
        .message,
    ).toBe('refused (O-2): payout-final: final');
  });
});
