/**
 * docs/operators.md is all an operator is given: every file it links or shows exists, every
 * anchor leads to a heading, every bookmark is a list query Temporal can run on the search
 * attributes the workflows really set, and its reason tables name exactly the product's reasons.
 * (test/browser/operator.test.ts runs the bookmarks against a live server.)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  PAYOUT_SEARCH_ATTRIBUTES,
  PAYOUT_WORKFLOW_TYPE,
  PayoutStatus,
} from '../../workflows/api.js';
import { REASON_IN_WORDS } from '../../workflows/details.js';
import { DISPUTE_REASON_IN_WORDS, PAYOUT_DISPUTE_WORKFLOW_TYPE } from '../../workflows/dispute.js';
import { PAYOUT_RECONCILIATION_WORKFLOW_TYPE } from '../../workflows/reconciliation-api.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DOC = join(ROOT, 'docs', 'operators.md');
const text = readFileSync(DOC, 'utf8');

type AttributeType = 'KEYWORD' | 'INT' | 'DATETIME';

/** What a bookmark may query: the product's search attributes and Temporal's own. */
const ATTRIBUTES = new Map<string, AttributeType>([
  ...PAYOUT_SEARCH_ATTRIBUTES.map((k) => [k.name, k.type] as const),
  ['WorkflowType', 'KEYWORD'],
  ['WorkflowId', 'KEYWORD'],
  ['ExecutionStatus', 'KEYWORD'],
  ['StartTime', 'DATETIME'],
  ['CloseTime', 'DATETIME'],
]);

const REASONS = [...Object.keys(REASON_IN_WORDS), ...Object.keys(DISPUTE_REASON_IN_WORDS)];

/** Keyword values the product (or Temporal) actually writes, where the set is closed. */
const KNOWN_VALUES: Readonly<Record<string, readonly string[]>> = {
  PayoutStatus: Object.values(PayoutStatus),
  PayoutEscalation: REASONS,
  WorkflowType: [
    PAYOUT_WORKFLOW_TYPE,
    PAYOUT_DISPUTE_WORKFLOW_TYPE,
    PAYOUT_RECONCILIATION_WORKFLOW_TYPE,
  ],
  ExecutionStatus: [
    'Running',
    'Completed',
    'Failed',
    'Canceled',
    'Terminated',
    'ContinuedAsNew',
    'TimedOut',
  ],
};

type Token =
  | { kind: 'name'; value: string }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'op'; value: string }
  | { kind: 'punct'; value: string };

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s+|(`?[A-Za-z_][A-Za-z0-9_]*`?)|"([^"]*)"|'([^']*)'|(-?\d+)|(>=|<=|!=|=|>|<)|([(),])|(.)/gy;
  for (let m = pattern.exec(query); m !== null && m[0] !== ''; m = pattern.exec(query)) {
    if (m[1] !== undefined) tokens.push({ kind: 'name', value: m[1].replace(/`/g, '') });
    else if (m[2] !== undefined || m[3] !== undefined)
      tokens.push({ kind: 'string', value: m[2] ?? m[3] ?? '' });
    else if (m[4] !== undefined) tokens.push({ kind: 'number', value: Number(m[4]) });
    else if (m[5] !== undefined) tokens.push({ kind: 'op', value: m[5] });
    else if (m[6] !== undefined) tokens.push({ kind: 'punct', value: m[6] });
    else if (m[7] !== undefined) throw new Error(`unexpected ${JSON.stringify(m[7])}`);
  }
  return tokens;
}

/**
 * Parses a list query in the subset of Temporal's visibility language that the doc uses
 * (comparisons, STARTS_WITH, BETWEEN, IN, IS [NOT] NULL, AND, OR, parentheses) and checks each
 * attribute exists and each value has its type. Returns the attributes named; throws on anything
 * else.
 */
function parseQuery(query: string): string[] {
  const tokens = tokenize(query);
  const named: string[] = [];
  let i = 0;
  const peek = () => tokens[i];
  const word = (w: string) => {
    const t = peek();
    return t?.kind === 'name' && t.value.toUpperCase() === w;
  };
  const take = (): Token => {
    const t = tokens[i++];
    if (t === undefined) throw new Error('the query ends too early');
    return t;
  };
  const expectWord = (w: string) => {
    if (!word(w)) throw new Error(`expected ${w} at token ${i}`);
    i++;
  };
  const value = (attribute: string, type: AttributeType) => {
    const t = take();
    if (type === 'INT') {
      if (t.kind !== 'number') throw new Error(`${attribute} takes a number, not ${t.value}`);
      return;
    }
    if (t.kind !== 'string') throw new Error(`${attribute} takes a quoted value, not ${t.value}`);
    if (
      type === 'DATETIME' &&
      !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(t.value)
    )
      throw new Error(`${attribute} takes an ISO 8601 time with its offset, not ${t.value}`);
    const known = KNOWN_VALUES[attribute];
    if (known && !known.includes(t.value))
      throw new Error(`${attribute}="${t.value}" is never set (known: ${known.join(', ')})`);
  };
  const predicate = () => {
    const name = take();
    if (name.kind !== 'name') throw new Error(`expected an attribute, got ${name.value}`);
    const type = ATTRIBUTES.get(name.value);
    if (type === undefined) throw new Error(`no search attribute ${name.value}`);
    named.push(name.value);
    if (word('IS')) {
      i++;
      if (word('NOT')) i++;
      expectWord('NULL');
      return;
    }
    if (word('STARTS_WITH')) {
      i++;
      if (type !== 'KEYWORD') throw new Error(`STARTS_WITH needs a Keyword, ${name.value} is not`);
      const prefix = take();
      if (prefix.kind !== 'string') throw new Error('STARTS_WITH takes a quoted prefix');
      const known = KNOWN_VALUES[name.value];
      if (known && !known.some((v) => v.startsWith(prefix.value)))
        throw new Error(`no ${name.value} starts with "${prefix.value}"`);
      return;
    }
    if (word('NOT')) i++;
    if (word('BETWEEN')) {
      i++;
      value(name.value, type);
      expectWord('AND');
      value(name.value, type);
      return;
    }
    if (word('IN')) {
      i++;
      if (take().value !== '(') throw new Error('IN takes a list in parentheses');
      for (;;) {
        value(name.value, type);
        const t = take();
        if (t.value === ')') return;
        if (t.value !== ',') throw new Error('IN: values are separated by commas');
      }
    }
    const op = take();
    if (op.kind !== 'op') throw new Error(`expected a comparison after ${name.value}`);
    if (type === 'KEYWORD' && !['=', '!='].includes(op.value))
      throw new Error(`${name.value} is a Keyword: = or != only`);
    value(name.value, type);
  };
  const unary = (): void => {
    if (peek()?.value === '(') {
      i++;
      or();
      if (take().value !== ')') throw new Error('unbalanced parentheses');
      return;
    }
    predicate();
  };
  const and = () => {
    unary();
    while (word('AND')) {
      i++;
      unary();
    }
  };
  const or = () => {
    and();
    while (word('OR')) {
      i++;
      and();
    }
  };
  or();
  if (i !== tokens.length) throw new Error(`unexpected ${String(peek()?.value)} at token ${i}`);
  return named;
}

/** Every link target in the doc: inline, images, reference definitions and autolinks. */
function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '');
  return [
    ...[...prose.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!),
    ...[...prose.matchAll(/^\[[^\]]+\]:\s*(\S+)/gm)].map((m) => m[1]!),
    ...[...prose.matchAll(/<(https?:\/\/[^>]+)>/g)].map((m) => m[1]!),
  ];
}

/** GitHub's anchor of a heading. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(file: string): Set<string> {
  const md = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...md.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1]!)));
}

const bookmarks = linkTargets(text).filter((t) => t.includes('query='));
const queryOf = (url: string) => new URL(url).searchParams.get('query') ?? '';

describe('docs/operators.md', () => {
  it('every file it links or shows exists, and every anchor is a heading', () => {
    const local = linkTargets(text).filter((t) => !/^[a-z]+:/.test(t));
    expect(local.length).toBeGreaterThan(5);
    for (const target of local) {
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const file = path === '' ? DOC : resolve(dirname(DOC), path);
      expect(existsSync(file), target).toBe(true);
      if (anchor !== undefined) expect(anchors(file).has(anchor), target).toBe(true);
    }
  });

  it('shows the screenshots the browser test takes', () => {
    const images = [...text.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
    expect(images).toEqual([
      'operators/list.png',
      'operators/payout.png',
      'operators/update.png',
      'operators/refused.png',
      'operators/finished.png',
    ]);
  });

  it('every bookmark is a Web UI list query on search attributes that exist', () => {
    expect(bookmarks.length).toBeGreaterThanOrEqual(10);
    const used = new Set<string>();
    for (const url of bookmarks) {
      expect(url, url).toMatch(/^http:\/\/localhost:8233\/namespaces\/default\/workflows\?query=/);
      expect(() => parseQuery(queryOf(url)), queryOf(url)).not.toThrow();
      for (const name of parseQuery(queryOf(url))) used.add(name);
    }
    // The lists the page promises: in review, since when, by reason, by amount.
    for (const name of ['PayoutStatus', 'PayoutReviewSince', 'PayoutEscalation', 'AmountCents'])
      expect(used, name).toContain(name);
  });

  it('each row of the bookmark table shows the query its link runs', () => {
    const definitions = new Map(
      [...text.matchAll(/^\[([^\]]+)\]:\s*(\S+)/gm)].map((m) => [m[1]!, m[2]!]),
    );
    const rows = [...text.matchAll(/^\|.*\]\[([^\]]+)\].*\|\s*`([^`]+)`\s*\|$/gm)];
    expect(rows.length).toBeGreaterThanOrEqual(10);
    for (const [, id, shown] of rows) {
      const url = definitions.get(id!);
      expect(url, id).toBeDefined();
      expect(queryOf(url!), id).toBe(shown);
    }
  });

  it('the one-liner for "in review for more than an hour" prints a bookmark that parses', () => {
    const line = /^node -e .*$/m.exec(text)?.[0];
    expect(line).toBeDefined();
    const url = execFileSync('sh', ['-c', line!], { encoding: 'utf8' }).trim();
    expect(queryOf(url)).toMatch(/^PayoutStatus="NEEDS_REVIEW" AND PayoutReviewSince < "/);
    expect(() => parseQuery(queryOf(url))).not.toThrow();
  });

  it('its reason tables name exactly the reasons a payout or a dispute can have', () => {
    const tableReasons = (heading: string) => {
      const from = text.indexOf(heading);
      const section = text.slice(from, text.indexOf('\n## ', from + heading.length));
      return [...section.matchAll(/^\| `([a-z-]+)`/gm)].map((m) => m[1]).sort();
    };
    expect(tableReasons('### Why it is stuck')).toEqual(Object.keys(REASON_IN_WORDS).sort());
    expect(tableReasons('## Disputes')).toEqual(Object.keys(DISPUTE_REASON_IN_WORDS).sort());
  });

  it('leaves "## With the CLI" to the README', () => {
    expect(text).toMatch(/^## With the CLI\n\n.*\(\.\.\/README\.md#[a-z-]+\)/m);
  });

  it('the query checker refuses what Temporal would refuse or never match', () => {
    for (const bad of [
      'PayoutState="NEEDS_REVIEW"',
      'PayoutStatus="NEEDS-REVIEW"',
      'AmountCents > "1000"',
      'PayoutReviewSince < "yesterday"',
      'PayoutStatus > "A"',
      'PayoutStatus="NEEDS_REVIEW" AND',
      '(PayoutStatus="NEEDS_REVIEW"',
      'PayoutEscalation STARTS_WITH "nothing-"',
    ])
      expect(() => parseQuery(bad), bad).toThrow();
    expect(
      parseQuery(
        '(PayoutStatus="NEEDS_REVIEW" OR PayoutStatus IN ("FAILED","REJECTED")) AND AmountCents BETWEEN 1 AND 2',
      ),
    ).toEqual(['PayoutStatus', 'PayoutStatus', 'AmountCents']);
  });
});
