/**
 * The operator's path in the Temporal Web UI, in a real (headless) Chromium against `npm start`:
 * find the payout under `PayoutStatus="NEEDS_REVIEW"`, read why it is stuck (masked), send a
 * decision it refuses and find the rule in the status query, send the right one with "Send an
 * Update", see it finish. docs/operators.md describes the same path (its bookmarks run here
 * against the live server); with UPDATE_SCREENSHOTS=1 this test rewrites its pictures in
 * docs/operators/.
 *
 * On a failure the Playwright trace and a screenshot land in BROWSER_ARTIFACTS_DIR (default: a
 * folder in the system's temp directory); the failure's message names them.
 */
import { Client, Connection } from '@temporalio/client';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type FrameLocator,
  type Page,
} from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createPayoutClient,
  parsePayloadCodecConfig,
  payoutDataConverter,
  type PayoutClient,
} from '../../src/client/index.js';
import { DEMO_POLICY } from '../../src/cli/demo.js';
import { withLocalStackKey } from '../../src/stack/codec.js';
import { killLeftovers, startStack, type RunningStack } from '../stack/harness.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const SCREENSHOTS = process.env['UPDATE_SCREENSHOTS'] === '1';
const SCREENSHOT_DIR = join(projectRoot, 'docs', 'operators');
const ARTIFACTS =
  process.env['BROWSER_ARTIFACTS_DIR'] || join(tmpdir(), 'payout-browser-artifacts');

const ACCOUNT = '6228480000000000000';
const MASKED = '6228****0000';
const OPERATOR = 'browser-test';
/** Generous: a loaded CI machine renders slowly; nothing here waits this long when it works. */
const UI_TIMEOUT = 30_000;

describe('the operator resolves a stuck payout in the Temporal Web UI', () => {
  let stack: RunningStack;
  let connection: Connection;
  let client: Client;
  let payouts: PayoutClient;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let ui: string;
  let orderId: string;
  let workflowId: string;
  let failure: string | undefined;

  /** Runs a step; the first failing one saves the trace and a screenshot, and says where. */
  const step = (name: string, body: () => Promise<void>, timeout = 60_000) =>
    it(
      name,
      async () => {
        if (failure !== undefined) throw new Error(`skipped: an earlier step failed (${failure})`);
        try {
          await body();
        } catch (error) {
          failure = name;
          mkdirSync(ARTIFACTS, { recursive: true });
          const base = join(ARTIFACTS, `operator-${Date.now()}`);
          await page?.screenshot({ path: `${base}.png`, fullPage: true }).catch(() => undefined);
          await context?.tracing.stop({ path: `${base}-trace.zip` }).catch(() => undefined);
          const message = error instanceof Error ? error.message : String(error);
          throw new Error(
            `${message}\n(trace: ${base}-trace.zip, open with \`npx playwright show-trace\`; screenshot: ${base}.png)`,
            { cause: error },
          );
        }
      },
      timeout,
    );

  const shot = async (name: string, target: Page = page) => {
    if (SCREENSHOTS) await target.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
  };

  /** The markdown the UI renders in the sandboxed frame after `heading`. */
  const frameAfter = (heading: string): FrameLocator =>
    page
      .getByRole('heading', { name: heading, exact: true })
      .locator('xpath=following::iframe[1]')
      .contentFrame();

  const textOf = async (frame: FrameLocator, expected: string): Promise<string> => {
    await frame.getByText(expected, { exact: false }).first().waitFor({ timeout: UI_TIMEOUT });
    return frame.locator('body').innerText();
  };

  beforeAll(async () => {
    const started = Date.now();
    stack = await startStack({ via: 'npm' });
    ui = `http://localhost:${stack.ports[1]}`;
    const env = {
      ...process.env,
      TEMPORAL_ADDRESS: `127.0.0.1:${stack.ports[0]}`,
      STACK_DATA_DIR: stack.dataDir,
    };
    connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
    const codec = parsePayloadCodecConfig(withLocalStackKey(env, projectRoot));
    client = new Client({ connection, dataConverter: payoutDataConverter(codec) });
    payouts = createPayoutClient({ client, platformId: 'PF0002' });
    // The sandbox's demo rule: the gateway reports another amount, a conflict only a person
    // resolves. The second payout goes its normal way and must not show up in the review list.
    const runId = Date.now().toString(36).toUpperCase();
    orderId = `DEMO-MISMATCH-${runId}`;
    const request = {
      amountCents: 10_900,
      bankName: '中国农业银行',
      recipientName: '测试用户',
      accountNumber: ACCOUNT,
    };
    const started1 = await payouts.startPayout(
      { ...request, merchantOrderId: orderId },
      { policy: DEMO_POLICY },
    );
    workflowId = started1.workflowId;
    await payouts.startPayout(
      { ...request, merchantOrderId: `DEMO-OK-${runId}`, amountCents: 10_000 },
      { policy: DEMO_POLICY },
    );
    for (let view = await payouts.getPayout(orderId); view.status !== 'NEEDS_REVIEW';) {
      if (Date.now() - started > 100_000) throw new Error(`still ${view.status}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
      view = await payouts.getPayout(orderId);
    }
    browser = await chromium.launch({ executablePath: inject('chromiumPath'), headless: true });
    context = await browser.newContext({
      viewport: { width: 1440, height: 820 },
      // The copy buttons of the Web UI, read back by the test.
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    context.setDefaultTimeout(UI_TIMEOUT);
    await context.tracing.start({ screenshots: true, snapshots: true });
    page = await context.newPage();
    if (SCREENSHOTS) mkdirSync(SCREENSHOT_DIR, { recursive: true });
  }, 150_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await connection?.close().catch(() => undefined);
    if (stack) {
      try {
        process.kill(-stack.pgid, 'SIGINT');
      } catch {
        // Already gone.
      }
      await Promise.race([stack.exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
      killLeftovers(stack.dataDir);
      rmSync(stack.dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  step('every bookmark in docs/operators.md is a query the server runs', async () => {
    const doc = readFileSync(join(projectRoot, 'docs', 'operators.md'), 'utf8');
    const urls = [...doc.matchAll(/https?:\/\/[^\s)>\]"]+\?query=[^\s)>\]"]+/g)].map((m) => m[0]);
    expect(urls.length).toBeGreaterThanOrEqual(10);
    const refused: string[] = [];
    for (const url of urls) {
      const query = new URL(url).searchParams.get('query') ?? '';
      await client.workflow.count(query).catch((error: unknown) => {
        refused.push(`${query}: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
    expect(refused).toEqual([]);
    // Search attributes reach the list a moment after the workflow set them.
    await expect
      .poll(async () => (await client.workflow.count('PayoutStatus="NEEDS_REVIEW"')).count, {
        timeout: 15_000,
      })
      .toBe(1);
  });

  step(
    'the workflows list, filtered by PayoutStatus = NEEDS_REVIEW, shows the payout',
    async () => {
      await page.goto(`${ui}/namespaces/default/workflows`);
      await page.getByRole('button', { name: 'Add Filter' }).click();
      await page.locator('#search-attribute-menu').getByPlaceholder('Search').fill('PayoutStatus');
      await page.getByRole('menuitem', { name: 'PayoutStatus Keyword' }).click();
      await page.getByRole('textbox', { name: 'Value' }).fill('NEEDS_REVIEW');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForURL(/query=.*PayoutStatus/);
      expect(decodeURIComponent(new URL(page.url()).searchParams.get('query') ?? '')).toMatch(
        /^`?PayoutStatus`?\s*=\s*"NEEDS_REVIEW"$/,
      );

      // The payout columns, as docs/operators.md tells an operator to add them; room for them.
      await page.getByRole('button', { name: 'Collapse saved views' }).click();
      await page.getByTestId('workflows-summary-table-configuration-button').click();
      for (const column of ['Run ID', 'Type'])
        await page.getByRole('button', { name: `Remove ${column} column` }).click();
      for (const column of ['PayoutStatus', 'PayoutEscalation', 'PayoutReviewSince', 'AmountCents'])
        await page.getByRole('button', { name: `Add ${column} column` }).click();
      await page.getByRole('button', { name: 'Close Workflows Table configuration' }).click();

      const table = page.getByRole('table', { name: 'Workflows' });
      const row = table.getByRole('row').filter({ hasText: workflowId });
      await row.waitFor();
      await expect
        .poll(() => row.innerText(), { timeout: UI_TIMEOUT })
        .toContain('conflict-mismatch');
      expect(await row.innerText()).toContain('NEEDS_REVIEW');
      expect(await table.getByRole('link', { name: /^payout:PF0002:DEMO-OK-/ }).count()).toBe(0);
      await shot('list');
    },
  );

  step('the payout page says why it is stuck and how to resolve it, masked', async () => {
    await page.getByRole('link', { name: workflowId, exact: true }).click();
    await page.getByRole('heading', { name: workflowId }).waitFor();
    await page.getByRole('tab', { name: 'User Metadata' }).click();

    const summary = await textOf(frameAfter('Summary'), orderId);
    expect(summary).toContain(`Payout ${orderId} · 109.00 CNY · PF0002 · 中国农业银行 ${MASKED}`);
    const current = await textOf(frameAfter('Current Details'), 'NEEDS_REVIEW');
    expect(current).toContain('conflict-mismatch');
    expect(current).toContain('amount: expected 10900, got 10901');
    expect(current).toContain('Decisions open: confirm-succeeded, confirm-failed');
    expect(current).toContain('applyOperatorDecision');
    expect(current).toContain(`npm run payout -- resolve ${orderId} --action confirm-succeeded`);
    for (const text of [summary, current]) expect(text).not.toContain(ACCOUNT);
    await shot('payout');
  });

  step('"Send an Update" with the JSON from the current details finishes the payout', async () => {
    const example = await frameAfter('Current Details').locator('pre').first().innerText();
    const decision: Record<string, unknown> = {
      ...(JSON.parse(example) as Record<string, unknown>),
      operatorId: OPERATOR,
      reason: 'gateway support: paid 109.01, the merchant accepts the cent',
    };
    expect(decision['action']).toBe('confirm-succeeded');

    const dialog = page.getByRole('dialog', { name: 'Send an Update' });
    const data = dialog.getByRole('textbox').last();
    const send = async (json: Record<string, unknown>, screenshot?: string) => {
      await page.getByRole('button', { name: 'More Actions' }).click();
      await page.getByRole('menuitem', { name: 'Send an Update' }).click();
      await dialog.getByRole('button', { name: 'Select an Update' }).click();
      await dialog.getByRole('option', { name: /^applyOperatorDecision/ }).click();
      await data.click();
      await page.keyboard.insertText(JSON.stringify(json));
      // The editor reformats the JSON when it loses focus, which moves the Submit button: blur
      // first, or the click can land where the button was.
      await data.blur();
      await dialog.getByText(`"action": "${String(json['action'])}"`).waitFor();
      if (screenshot) await shot(screenshot);
      await dialog.getByRole('button', { name: 'Submit' }).click();
    };

    // A decision the payout does not accept: the dialog stays open with a failure, which the
    // Web UI does not decrypt ("Encoded failure"); the rule is in the status query.
    await send({ ...decision, action: 'keep-waiting', for: '6h' });
    await dialog.getByText('Encoded failure').waitFor();
    await shot('refused');
    await dialog.getByRole('button', { name: 'Cancel' }).last().click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('tab', { name: 'Queries' }).click();
    await page.getByRole('button', { name: 'Run Query' }).click();
    await page.getByRole('main').getByRole('textbox').last().getByText('"status"').waitFor();
    // The answer's editor renders only the lines near the viewport: read it whole, as an
    // operator pasting it into a ticket would, through its copy button.
    const view = await expect
      .poll(
        async () => {
          await page
            .getByRole('main')
            .getByRole('button', { name: 'Click to copy content' })
            .last()
            .click();
          return page.evaluate<string>('navigator.clipboard.readText()');
        },
        { timeout: UI_TIMEOUT },
      )
      .toContain('lastRefusedDecision')
      .then(() => page.evaluate<string>('navigator.clipboard.readText()'));
    expect(
      (JSON.parse(view) as { lastRefusedDecision: unknown }).lastRefusedDecision,
    ).toMatchObject({ rule: 'conflict-needs-confirm', operatorId: OPERATOR, via: 'update' });

    await send(decision, 'update');
    // Accepted: the dialog closes.
    await dialog.waitFor({ state: 'hidden' }).catch(async (error: unknown) => {
      throw new Error(`the update was not accepted: ${await dialog.innerText()}`, { cause: error });
    });

    const result = await payouts.waitForPayout(orderId, { timeoutMs: 30_000 });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.resolvedBy).toMatchObject({ by: 'operator', operatorId: OPERATOR });

    await page.reload();
    await page.getByRole('main').getByText('Completed', { exact: true }).first().waitFor();
    await page.getByRole('tab', { name: 'User Metadata' }).click();
    const current = await textOf(frameAfter('Current Details'), 'SUCCEEDED');
    expect(current).toContain(`Resolved by operator ${OPERATOR}`);
    expect(current).not.toContain('Decisions open');
    await shot('finished');
    await page.getByRole('tab', { name: 'Search Attributes' }).click();
    await page.getByText('"PayoutStatus": "SUCCEEDED"').waitFor();
  });
});
