/**
 * The point of the payload codec, end to end: payouts run through the whole product (client
 * library, worker, callback receiver, a file-backed dev server), then their histories are read
 * the way anyone with Temporal access would read them, with no key. Nothing that names the
 * recipient or the gateway's credentials may be there: not in the start, the activity inputs,
 * the signals, a continue-as-new start, a failure, nor in the dev server's SQLite file.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { afterAll, describe, it } from 'vitest';
import type { PayoutRequest } from '../../src/client/request.js';
import type { RuleInput } from '../../src/sandbox/scenario.js';
import { PAYOUT_WORKFLOW_TYPE, payoutWorkflowId } from '../../workflows/api.js';
import { decodePayloads, E2E_MERCHANT, useE2e } from '../e2e/harness.js';
import { staysProcessing } from '../e2e/support.js';
import { eventually, historyText, listWorkflows } from '../e2e/support.js';

const RULES: RuleInput[] = [staysProcessing('CODEC-LONG-')];
// Registered first, so it runs after the harness has stopped the dev server.
const dir = mkdtempSync(join(tmpdir(), 'codec-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const dbFilename = join(dir, 'temporal.sqlite');
const e2e = useE2e({ name: 'codec', rules: RULES, dbFilename });

/** What a history must never show: the recipient's data and the gateway's credentials. */
const secretsOf = (request: PayoutRequest) => [
  request.accountNumber,
  request.recipientName,
  request.bankName,
  request.bankBranch ?? '',
  E2E_MERCHANT.secret,
  E2E_MERCHANT.authToken,
];

const WAIT = { timeoutMs: 30_000 };

/** Every run of the workflow, latest first, as stored: read through `client` (no codec). */
async function runHistories(client: Client, workflowId: string) {
  const histories: temporal.api.history.v1.IHistory[] = [];
  let runId: string | undefined;
  for (;;) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    histories.push(history);
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    runId = started?.continuedExecutionRunId ?? undefined;
    if (!runId) return histories;
  }
}

/**
 * Where each payload of a stored history sits, its encoding and its data; search attributes left
 * out (Temporal indexes them, so they are never encoded, and hold only the order, merchant and
 * amount).
 */
function storedPayloads(
  value: unknown,
  path = '',
): { path: string; encoding: string; data: string }[] {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return [];
  if (path.endsWith('.searchAttributes')) return [];
  const record = value as Record<string, unknown>;
  const encoding = (record['metadata'] as Record<string, unknown> | undefined)?.['encoding'];
  if (encoding instanceof Uint8Array && record['data'] instanceof Uint8Array) {
    const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');
    return [{ path, encoding: text(encoding), data: text(record['data']) }];
  }
  return Object.entries(record).flatMap(([k, v]) => storedPayloads(v, `${path}.${k}`));
}

/**
 * The SDK's own record of a local activity (its marker's `data`): sequence number, attempt,
 * activity id and type, times. Written by the SDK core, never through the codec; its input is not
 * recorded at all, and its result is encrypted (the marker's `result`).
 */
const LOCAL_ACTIVITY_MARKER_DATA = /\.markerRecordedEventAttributes\.details\.data\.payloads\.\d+$/;
/** A patch marker's data: the SDK core writes the patch id and a flag, never through the codec. */
const PATCH_MARKER_DATA = /\.markerRecordedEventAttributes\.details\.patch-data\.payloads\.\d+$/;
const PATCH_MARKER_FIELDS = new Set(['id', 'deprecated']);
const MARKER_FIELDS = new Set([
  'seq',
  'attempt',
  'activity_id',
  'activity_type',
  'complete_time',
  'backoff',
  'original_schedule_time',
]);

/** The paths of the payloads in `value` that are not encrypted; throws if it holds none at all. */
function unencrypted(value: unknown): string[] {
  const payloads = storedPayloads(value);
  if (payloads.length === 0) throw new Error('no payloads at all: nothing was checked');
  return payloads
    .filter((p) => p.encoding !== 'binary/encrypted')
    .filter(
      (p) =>
        !(
          LOCAL_ACTIVITY_MARKER_DATA.test(p.path) &&
          p.encoding === 'json/plain' &&
          Object.keys(JSON.parse(p.data) as object).every((k) => MARKER_FIELDS.has(k))
        ),
    )
    .filter(
      (p) =>
        !(
          PATCH_MARKER_DATA.test(p.path) &&
          p.encoding === 'json/plain' &&
          Object.keys(JSON.parse(p.data) as object).every((k) => PATCH_MARKER_FIELDS.has(k))
        ),
    )
    .map((p) => p.path);
}

describe('what Temporal stores of a payout, read without the key', () => {
  const request = (prefix: string, overrides: Partial<PayoutRequest> = {}) =>
    e2e().request(prefix, {
      recipientName: '欧阳秘密',
      bankName: '中国秘密银行',
      bankBranch: '秘密支行',
      accountNumber: '6228480402999990018',
      ...overrides,
    });
  const idOf = (r: PayoutRequest) => payoutWorkflowId(E2E_MERCHANT.platformId, r.merchantOrderId);

  it('holds no account number, name, bank, secret or token: in any run, signal or failure, nor in the SQLite file', async ({
    expect,
  }) => {
    const x = e2e();
    // One made final by its signed callback; one that continues as new before it ends.
    const byCallback = request('CODEC-CB-');
    const long = request('CODEC-LONG-');
    await x.start(byCallback, { firstCheckDelay: '30s', maxCheckDelay: '30s' });
    await x.start(long, { maxRunEvents: 50 });
    await eventually('the long payout to continue as new', async () =>
      (await runHistories(x.rawClient, idOf(long))).length > 1 ? true : undefined,
    );
    x.sandbox.forceStatus(long.merchantOrderId, 'success');
    // One the workflow refuses (another merchant's): a failure in the history.
    const refused = request('CODEC-REFUSED-');
    const refusedId = payoutWorkflowId('PFLEAKS', refused.merchantOrderId);
    const refusedRun = await x.client.workflow.start(PAYOUT_WORKFLOW_TYPE, {
      taskQueue: x.taskQueue,
      workflowId: refusedId,
      args: [{ request: refused, platformId: 'PFLEAKS' }],
    });
    await expect(refusedRun.result()).rejects.toMatchObject({
      cause: { message: expect.stringContaining('PFLEAKS') as unknown },
    });
    for (const r of [byCallback, long]) {
      expect((await x.payouts.waitForPayout(r.merchantOrderId, WAIT)).status).toBe('SUCCEEDED');
    }

    for (const [r, id] of [
      [byCallback, idOf(byCallback)],
      [long, idOf(long)],
      [refused, refusedId],
    ] as const) {
      const histories = await runHistories(x.rawClient, id);
      const stored = historyText(histories);
      for (const secret of secretsOf(r)) expect(stored, `${id}: ${secret}`).not.toContain(secret);
      // Every payload is encrypted: inputs, results, signals, failures, continue-as-new starts.
      expect(unencrypted(histories), id).toEqual([]);
      // The same histories through the codec do hold them: the search above could fail.
      const decoded = historyText(await decodePayloads(histories, x.codec));
      expect(decoded, id).toContain(r.accountNumber);
      expect(decoded, id).toContain(r.recipientName);
    }
    const [latest, first] = await runHistories(x.rawClient, idOf(long));
    const carried = first?.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes;
    expect(carried?.input?.payloads?.length).toBe(1);
    expect(latest?.events?.[0]?.workflowExecutionStartedEventAttributes?.input).toBeDefined();
    const signalled = await runHistories(x.rawClient, idOf(byCallback));
    expect(historyText(signalled)).toContain('payoutCallback');

    // The refusal's message and stack trace are inside the encrypted attributes only.
    const [refusedHistory] = await runHistories(x.rawClient, refusedId);
    const failure = refusedHistory?.events?.at(-1)?.workflowExecutionFailedEventAttributes?.failure;
    expect(failure).toMatchObject({ message: 'Encoded failure', stackTrace: '' });
    const [attributes] = await x.codec.decode([failure?.encodedAttributes ?? {}]);
    const inside = JSON.parse(Buffer.from(attributes?.data ?? []).toString('utf8')) as {
      message: string;
      stack_trace: string;
    };
    expect(inside.message).toContain('PFLEAKS');
    expect(historyText(refusedHistory)).not.toContain(inside.message);
    expect(inside.stack_trace).not.toBe('');
    expect(historyText(refusedHistory)).not.toContain(inside.stack_trace);

    // The dev server's own storage: the SQLite file and its write-ahead log.
    const bytes = sqliteBytes();
    expect(bytes.includes(Buffer.from(long.merchantOrderId)), 'it holds the payouts').toBe(true);
    for (const r of [byCallback, long, refused]) {
      for (const secret of secretsOf(r)) {
        expect(bytes.includes(Buffer.from(secret)), `SQLite: ${secret}`).toBe(false);
      }
    }
  });

  it('a payout started in plaintext (before encryption) still runs, and only its start is readable', async ({
    expect,
  }) => {
    const x = e2e();
    // Distinct values: this payout is the one that may, and must, show up in plaintext.
    const plain = request('CODEC-PLAIN-', {
      recipientName: '明文对照',
      accountNumber: '6228480402777770018',
    });
    const started = await x.rawClient.workflow.start(PAYOUT_WORKFLOW_TYPE, {
      taskQueue: x.taskQueue,
      workflowId: idOf(plain),
      args: [{ request: plain, platformId: E2E_MERCHANT.platformId }],
    });
    expect((await x.payouts.waitForPayout(plain.merchantOrderId, WAIT)).status).toBe('SUCCEEDED');

    const [history] = await runHistories(x.rawClient, started.workflowId);
    const [start, ...rest] = history?.events ?? [];
    expect(historyText(start)).toContain(plain.accountNumber);
    // Everything the worker wrote after it is encrypted, the submit activity's input included.
    expect(historyText(rest)).not.toContain(plain.accountNumber);
    expect(unencrypted(rest)).toEqual([]);
    // What is stored in plaintext, the file search finds: it would find the others too.
    expect(sqliteBytes().includes(Buffer.from(plain.accountNumber))).toBe(true);
  });

  it('workflow ids, search attributes, summaries and memos hold no account number, name or bank', async ({
    expect,
  }) => {
    const x = e2e();
    const r = request('CODEC-SA-');
    await x.start(r);
    await x.payouts.waitForPayout(r.merchantOrderId, WAIT);
    const [listed] = await eventually('the payout in visibility', async () => {
      const found = await listWorkflows(x.client, `MerchantOrderId = "${r.merchantOrderId}"`);
      return found.length > 0 ? found : undefined;
    });
    const described = await x.client.workflow.getHandle(idOf(r)).describe();
    const shown = [
      JSON.stringify({
        workflowId: listed?.workflowId,
        searchAttributes: listed?.searchAttributes,
        typedSearchAttributes: listed?.typedSearchAttributes,
        memo: listed?.memo,
      }),
      JSON.stringify({
        workflowId: described.workflowId,
        searchAttributes: described.searchAttributes,
        typedSearchAttributes: described.typedSearchAttributes,
        memo: described.memo,
        summary: await described.staticSummary(),
        details: await described.staticDetails(),
      }),
    ];
    for (const text of shown) {
      // What they do hold: the order, the merchant and the amount.
      expect(text).toContain(r.merchantOrderId);
      expect(text).toContain(E2E_MERCHANT.platformId);
      expect(text).toContain(String(r.amountCents));
      // The bank may be named in the summary (operators need it); the account only masked.
      const hidden = secretsOf(r).filter((s) => s !== r.bankName);
      for (const secret of hidden) expect(text).not.toContain(secret);
    }
    expect(shown.join('\n')).toContain(
      `${r.accountNumber.slice(0, 4)}****${r.accountNumber.slice(-4)}`,
    );
  });
});

/** The dev server's SQLite file and write-ahead log, as bytes. */
function sqliteBytes(): Buffer {
  const files = [dbFilename, `${dbFilename}-wal`].filter((f) => existsSync(f));
  return Buffer.concat(files.map((f) => readFileSync(f)));
}
