import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as client from '../src/client/errors.js';
import { UsageError } from '../src/cli/amount.js';
import { PayloadCodecError } from '../src/codec/errors.js';
import { BodyTooLargeError } from '../src/callback/body.js';
import { ConfigError, PayoutOrchestratorError, ValidationError } from '../src/errors.js';
import { UnsignableFieldError } from '../src/gateway/sign.js';
import { TemporalBinaryNotFoundError } from '../src/temporal/provision.js';
import { SearchAttributeTypeConflictError } from '../src/temporal/search-attributes-setup.js';

const ROOT = join(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

describe('error classes', () => {
  const samples: [string, Error][] = [
    ['PayoutNotFoundError', new client.PayoutNotFoundError('o1')],
    ['PayoutConflictError', new client.PayoutConflictError('o1', ['amountCents'])],
    [
      'DecisionRejectedError',
      new client.DecisionRejectedError('o1', 'not-in-review', 'not in review'),
    ],
    ['PayoutWorkflowFailedError', new client.PayoutWorkflowFailedError('o1', 'terminated')],
    ['PayoutWaitTimeoutError', new client.PayoutWaitTimeoutError('o1', 10)],
    ['PlatformMismatchError', new client.PlatformMismatchError('P1', 'payouts', ['P2'])],
    ['PayoutStartError', new client.PayoutStartError('o1', 'refused', null)],
    ['PayloadCodecError', new PayloadCodecError('ERR_PAYLOAD_CODEC_DECRYPT', 'bad tag')],
    ['BodyTooLargeError', new BodyTooLargeError()],
    ['ValidationError', new ValidationError('payout request', [{ field: 'x', rule: 'y' }])],
    ['ConfigError', new ConfigError([{ field: 'X', rule: 'required' }])],
    ['UnsignableFieldError', new UnsignableFieldError('remark', 'no "&"')],
    ['TemporalBinaryNotFoundError', new TemporalBinaryNotFoundError('cli', ['PATH'])],
    ['SearchAttributeTypeConflictError', new SearchAttributeTypeConflictError(['PayoutStatus'])],
    ['UsageError', new UsageError('--limit: a whole number from 1 to 1000')],
  ];

  it.each(samples)('%s has a stable name, type and ERR_ code', (name, error) => {
    expect(error).toBeInstanceOf(PayoutOrchestratorError);
    const typed = error as PayoutOrchestratorError;
    expect(typed.name).toBe(name);
    expect(typed.type).toBe(name);
    expect(typed.code).toMatch(/^ERR_[A-Z_]+$/);
    expect(String(error)).toContain(name);
  });

  it('every exported error class in src/ extends the product base', () => {
    const strays: string[] = [];
    for (const file of sourceFiles(join(ROOT, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/export class (\w+) extends (\w+)/g)) {
        if (match[2] === 'Error' && match[1] !== 'PayoutOrchestratorError')
          strays.push(`${relative(ROOT, file)}: ${match[1]}`);
      }
    }
    expect(strays).toEqual([]);
  });
});
