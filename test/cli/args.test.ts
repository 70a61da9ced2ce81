import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/amount.js';
import { parseCommandLine } from '../../src/cli/args.js';

const words = (line: string) => line.split(' ').filter((w) => w !== '');
const usage = (line: string): string => {
  try {
    parseCommandLine(words(line));
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error(`no usage error for: ${line}`);
};

describe('parseCommandLine', () => {
  it('reads list filters in any case, with a default limit', () => {
    expect(
      parseCommandLine(
        words('list --status needs_review --reason Max-Pending-Exceeded --older-than 1h --json'),
      ),
    ).toEqual({
      name: 'list',
      filters: {
        status: 'NEEDS_REVIEW',
        reason: 'max-pending-exceeded',
        olderThanMs: 3_600_000,
        limit: 50,
      },
      json: true,
    });
    expect(parseCommandLine(words('list --limit 3'))).toEqual({
      name: 'list',
      filters: { limit: 3 },
      json: false,
    });
    expect(parseCommandLine(['list', '--status=needs-review'])).toMatchObject({
      filters: { status: 'NEEDS_REVIEW' },
    });
  });

  it('reads status, check, stats and resolve', () => {
    expect(parseCommandLine(words('status ORDER-1 --json'))).toEqual({
      name: 'status',
      id: 'ORDER-1',
      json: true,
    });
    expect(parseCommandLine(words('check ORDER-1 --operator alice'))).toEqual({
      name: 'check',
      id: 'ORDER-1',
      operatorId: 'alice',
      json: false,
    });
    expect(parseCommandLine(['stats'])).toEqual({ name: 'stats', json: false });
    expect(
      parseCommandLine([
        'resolve',
        'O-1',
        '--action',
        'keep-waiting',
        '--operator',
        'bob',
        '--reason',
        'bank holiday',
        '--for',
        '24h',
      ]),
    ).toEqual({
      name: 'resolve',
      id: 'O-1',
      decision: { action: 'keep-waiting', operatorId: 'bob', reason: 'bank holiday', for: '24h' },
    });
    expect(
      parseCommandLine([
        'resolve',
        'O-1',
        '--action',
        'confirm-failed',
        '--operator',
        'bob',
        '--reason',
        'statement',
        '--override',
        'bank says so',
      ]),
    ).toMatchObject({ decision: { action: 'confirm-failed', override: 'bank says so' } });
    expect(parseCommandLine(['--help'])).toEqual({ name: 'help' });
  });

  it('names the flag and the rule for a bad value', () => {
    expect(usage('list --status paid')).toMatch(
      /^--status: one of SUBMITTING, .*NEEDS_REVIEW.* \(any case\)$/,
    );
    expect(usage('list --reason because')).toMatch(
      /^--reason: one of not-found-after-unknown-submit, /,
    );
    expect(usage('list --older-than soon')).toMatch(/^--older-than: a positive duration/);
    expect(usage('list --older-than 0s')).toMatch(/^--older-than: a positive duration/);
    expect(usage('list --limit 0')).toBe('--limit: a whole number from 1 to 1000');
    expect(usage('list --limit 1001')).toBe('--limit: a whole number from 1 to 1000');
    expect(usage('list --limit 2.5')).toBe('--limit: a whole number from 1 to 1000');
    expect(usage('resolve O-1 --action pay --operator a --reason r')).toBe(
      '--action: one of confirm-succeeded, confirm-failed, resubmit, keep-waiting',
    );
    expect(usage('resolve O-1 --action keep-waiting --operator a --reason r')).toMatch(
      /exactly one of --for .* or --until/,
    );
    expect(usage('resolve O-1 --action keep-waiting --operator a --reason r --for never')).toMatch(
      /^--for: /,
    );
    expect(
      usage('resolve O-1 --action keep-waiting --operator a --reason r --until tomorrow'),
    ).toMatch(/^--until: a time in ISO 8601/);
    expect(usage('resolve O-1 --action resubmit --operator a --reason r --for 1h')).toBe(
      '--for: only with --action keep-waiting',
    );
    expect(usage('resolve O-1 --action resubmit --operator a --reason r --override x')).toBe(
      '--override: only with --action confirm-succeeded or confirm-failed',
    );
    expect(usage('status a:b')).toMatch(/^the payout id \(merchant order id\): only letters/);
    expect(usage('start --amount 1.00 --bank B --name N --account 1')).toBe('--order is required');
  });

  it('refuses unknown commands and flags, flags of another command, missing and repeated values', () => {
    expect(usage('')).toBe('a command is required');
    expect(usage('lsit')).toMatch(/^unknown command "lsit": one of list, stats, /);
    expect(usage('list --colour')).toBe('unknown flag --colour');
    expect(usage('stats --status NEEDS_REVIEW')).toBe(
      '--status: not a flag of stats (it belongs to list)',
    );
    expect(usage('resolve O-1 --json')).toMatch(/^--json: not a flag of resolve/);
    expect(usage('check O-1')).toBe('--operator is required');
    expect(usage('check O-1 --operator')).toBe('--operator: needs a value');
    expect(usage('list --limit 1 --limit 2')).toBe('--limit: given twice');
    expect(usage('status')).toBe('the payout id (merchant order id) is required');
    expect(usage('status A B')).toBe('status: one payout id, then flags');
    expect(usage('list A')).toBe('list: no payout id, then flags');
  });

  it('never says a word twice in a row', () => {
    const lines = [
      'resolve O-1 --action action --operator a --reason r',
      'resolve O-1 --operator a --reason r',
      'resolve O-1 --action resubmit --reason r',
      'list --status status',
      'list --reason reason',
      'status',
    ];
    for (const line of lines) expect(usage(line), line).not.toMatch(/\b([a-z][\w-]*)\W+\1\b/i);
  });

  it('start --request-file reads the whole request from JSON, and nothing from other flags', () => {
    const dir = mkdtempSync(join(tmpdir(), 'payout-cli-'));
    const file = join(dir, 'request.json');
    const request = { merchantOrderId: 'ORDER-1', amountCents: 50_000, recipientName: '李雷' };
    writeFileSync(file, JSON.stringify(request));
    expect(parseCommandLine(['start', '--request-file', file])).toEqual({
      name: 'start',
      request,
    });
    expect(usage(`start --request-file ${file} --name X`)).toBe(
      '--request-file: the request comes whole from the file, not --name',
    );
    writeFileSync(file, '{not json');
    expect(usage(`start --request-file ${file}`)).toContain('--request-file: JSON');
    expect(usage(`start --request-file ${join(dir, 'missing.json')}`)).toContain(
      '--request-file: a readable file',
    );
  });
});
