import { readFileSync } from 'node:fs';
/**
 * The command line as a typed {@link Command}: which command, its payout id, its flags, each
 * validated (src/cli/flags.ts). Anything the CLI cannot use is a {@link UsageError} (exit 2):
 * an unknown command or flag, a flag another command owns, a missing or repeated value.
 */
import { parseArgs } from 'node:util';
import type { PayoutStatus } from '../../workflows/api.js';
import type { OperatorDecisionInput } from '../../workflows/decisions.js';
import { UsageError, yuanToCents } from './amount.js';
import { parseDecision } from './decision-args.js';
import type { PayoutRequest } from '../../vocabulary/payout-request.js';
import {
  LIST_LIMIT,
  parseDurationFlag,
  parseLimitFlag,
  parseOrderId,
  parseReasonFlag,
  parseStatusFlag,
  requiredText,
} from './flags.js';

/** What `list` shows: every filter is optional, `limit` has a default. */
export interface ListFilters {
  readonly status?: PayoutStatus;
  readonly reason?: string;
  /** Only payouts started longer ago than this, in milliseconds. */
  readonly olderThanMs?: number;
  readonly limit: number;
}

/** A start request as typed on the command line (validated again by the client library). */
export type StartArgs = PayoutRequest;

/** One parsed command line. `json`: machine-readable output instead of a table. */
export type Command =
  | { readonly name: 'help' }
  | { readonly name: 'demo' }
  /** `request`: from the flags, or the JSON of `--request-file` (the client library validates it). */
  | { readonly name: 'start'; readonly request: unknown }
  | { readonly name: 'list'; readonly filters: ListFilters; readonly json: boolean }
  | { readonly name: 'stats'; readonly json: boolean }
  | { readonly name: 'status'; readonly id: string; readonly json: boolean }
  | {
      readonly name: 'check';
      readonly id: string;
      readonly operatorId: string;
      readonly json: boolean;
    }
  | {
      readonly name: 'wait';
      readonly id: string;
      readonly timeoutMs?: number;
      readonly json: boolean;
    }
  | { readonly name: 'resolve'; readonly id: string; readonly decision: OperatorDecisionInput };

/** Every flag, with the commands that take it. */
const FLAGS = {
  'request-file': ['start'],
  order: ['start'],
  amount: ['start'],
  bank: ['start'],
  name: ['start'],
  account: ['start'],
  branch: ['start'],
  province: ['start'],
  city: ['start'],
  timeout: ['wait'],
  action: ['resolve'],
  operator: ['resolve', 'check'],
  reason: ['resolve', 'list'],
  for: ['resolve'],
  until: ['resolve'],
  override: ['resolve'],
  status: ['list'],
  'older-than': ['list'],
  limit: ['list'],
  json: ['list', 'stats', 'status', 'check', 'wait'],
  help: ['*'],
} as const satisfies Record<string, readonly string[]>;

type Flag = keyof typeof FLAGS;
/** The flags given, by name; a boolean flag given is `'true'`. */
export type Values = Partial<Record<Flag, string>>;

const BOOLEAN_FLAGS = new Set<string>(['json', 'help']);

/** The commands, as the usage lists them. */
export const COMMANDS = [
  'list',
  'stats',
  'status',
  'check',
  'resolve',
  'start',
  'wait',
  'demo',
] as const;

const START_FLAGS = [
  'order',
  'amount',
  'bank',
  'name',
  'account',
  'branch',
  'province',
  'city',
] as const;

/** The JSON payout request in `path` (`-`: stdin), as the client library's `startPayout` takes it. */
function readRequestFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch {
    throw new UsageError('--request-file: a readable file (or - for stdin)');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UsageError('--request-file: JSON, a payout request as startPayout takes it');
  }
}

/** Parses `argv` (without node and the script). Throws {@link UsageError}. */
export function parseCommandLine(argv: readonly string[]): Command {
  const { values, positionals } = readTokens(argv);
  const [command, id, ...extra] = positionals;
  if (values.help !== undefined || command === 'help' || command === undefined) {
    if (command === undefined && values.help === undefined)
      throw new UsageError('a command is required');
    return { name: 'help' };
  }
  if (!(COMMANDS as readonly string[]).includes(command))
    throw new UsageError(`unknown command "${printable(command)}": one of ${COMMANDS.join(', ')}`);
  for (const flag of Object.keys(values) as Flag[]) {
    const owners: readonly string[] = FLAGS[flag];
    if (!owners.includes(command) && !owners.includes('*'))
      throw new UsageError(
        `--${flag}: not a flag of ${command} (it belongs to ${owners.join(', ')})`,
      );
  }
  const takesId = !['list', 'stats', 'start', 'demo'].includes(command);
  if (extra.length > 0 || (!takesId && id !== undefined))
    throw new UsageError(`${command}: ${takesId ? 'one payout id' : 'no payout id'}, then flags`);
  const json = values.json !== undefined;
  switch (command) {
    case 'list':
      return { name: 'list', filters: listFilters(values), json };
    case 'stats':
      return { name: 'stats', json };
    case 'status':
      return { name: 'status', id: parseOrderId(id), json };
    case 'check':
      return {
        name: 'check',
        id: parseOrderId(id),
        operatorId: requiredText('--operator', values.operator),
        json,
      };
    case 'wait':
      return {
        name: 'wait',
        id: parseOrderId(id),
        ...(values.timeout === undefined
          ? {}
          : { timeoutMs: parseDurationFlag('--timeout', values.timeout) }),
        json,
      };
    case 'resolve':
      return { name: 'resolve', id: parseOrderId(id), decision: parseDecision(values) };
    case 'start':
      return { name: 'start', request: startArgs(values) };
    default:
      return { name: 'demo' };
  }
}

/** Flags and positionals, every flag known, given once, with a value when it takes one. */
function readTokens(argv: readonly string[]): { values: Values; positionals: string[] } {
  const options = Object.fromEntries(
    Object.keys(FLAGS).map(
      (f) => [f, { type: BOOLEAN_FLAGS.has(f) ? 'boolean' : 'string' }] as const,
    ),
  );
  const { tokens } = parseArgs({
    args: [...argv],
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Values = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    if (!(token.name in FLAGS)) throw new UsageError(`unknown flag ${printable(token.rawName)}`);
    const flag = token.name as Flag;
    if (values[flag] !== undefined) throw new UsageError(`--${flag}: given twice`);
    if (BOOLEAN_FLAGS.has(flag)) {
      if (token.value !== undefined) throw new UsageError(`--${flag}: takes no value`);
      values[flag] = 'true';
    } else {
      if (token.value === undefined) throw new UsageError(`--${flag}: needs a value`);
      values[flag] = token.value;
    }
  }
  return { values, positionals };
}

function listFilters(values: Values): ListFilters {
  return {
    ...(values.status === undefined ? {} : { status: parseStatusFlag(values.status) }),
    ...(values.reason === undefined ? {} : { reason: parseReasonFlag(values.reason) }),
    ...(values['older-than'] === undefined
      ? {}
      : { olderThanMs: parseDurationFlag('--older-than', values['older-than']) }),
    limit: values.limit === undefined ? LIST_LIMIT.default : parseLimitFlag(values.limit),
  };
}

function startArgs(values: Values): unknown {
  const file = values['request-file'];
  if (file !== undefined) {
    // Keeps the recipient's name and account number out of shell history and `ps`.
    const others = START_FLAGS.filter((f) => values[f] !== undefined);
    if (others.length > 0)
      throw new UsageError(
        `--request-file: the request comes whole from the file, not --${others[0]}`,
      );
    return readRequestFile(file);
  }
  const request: StartArgs = {
    merchantOrderId: parseOrderId(values.order, '--order'),
    amountCents: yuanToCents(requiredText('--amount', values.amount)),
    bankName: requiredText('--bank', values.bank),
    recipientName: requiredText('--name', values.name),
    accountNumber: requiredText('--account', values.account),
    ...(values.branch ? { bankBranch: values.branch } : {}),
    ...(values.province ? { province: values.province } : {}),
    ...(values.city ? { city: values.city } : {}),
  };
  return request;
}

/** A word from the command line, safe to print in a message: short, printable ASCII. */
function printable(text: string): string {
  const safe = text.replace(/[^\x20-\x7e]/g, '?');
  return safe.length > 40 ? `${safe.slice(0, 40)}...` : safe;
}
