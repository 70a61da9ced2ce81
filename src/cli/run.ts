/** Runs one parsed {@link Command} against Temporal and writes its output. */
import type { Client } from '@temporalio/client';
import type { PayoutClient } from '../client/index.js';
import type { Command } from './args.js';
import { withWorkerDeadline } from './deadline.js';
import { DEMO_PAYOUTS, DEMO_POLICY } from './demo.js';
import { formatResult, formatStatus } from './format.js';
import { formatList, listPayouts } from './list.js';
import { json, out } from './output.js';
import { formatStats, payoutStats } from './stats.js';

/** What a command needs: the Temporal client, the client library, the merchant. */
export interface CommandContext {
  readonly client: Client;
  readonly payouts: PayoutClient;
  readonly platformId: string;
  /** Where the workers poll, named when none answers an update. */
  readonly taskQueue: string;
}

/** Runs `command`; failures are thrown for the caller to report (src/cli/exit.ts). */
export async function runCommand(command: Command, ctx: CommandContext): Promise<void> {
  const { client, payouts, platformId, taskQueue } = ctx;
  // An update waits for a worker: give up, naming the queue, when none takes it.
  const answered = <T>(update: Promise<T>) => withWorkerDeadline(update, taskQueue);
  switch (command.name) {
    case 'help':
      return;
    case 'list': {
      const result = await listPayouts(client, platformId, command.filters);
      if (command.json) out(json(result.rows));
      else out(formatList(result.rows));
      if (result.truncated)
        process.stderr.write(`(first ${command.filters.limit} shown; --limit shows more)\n`);
      return;
    }
    case 'stats': {
      const stats = await payoutStats(client, platformId);
      out(command.json ? json(stats) : formatStats(stats));
      return;
    }
    case 'status': {
      const view = await payouts.getPayout(command.id);
      out(command.json ? json(view) : formatStatus(view));
      return;
    }
    case 'check': {
      const view = await answered(payouts.checkPayoutNow(command.id, command.operatorId));
      out(command.json ? json(view) : formatStatus(view));
      return;
    }
    case 'wait': {
      const result = await payouts.waitForPayout(
        command.id,
        command.timeoutMs === undefined ? {} : { timeoutMs: command.timeoutMs },
      );
      out(command.json ? json(result) : formatResult(result));
      return;
    }
    case 'resolve': {
      const receipt = await answered(payouts.resolvePayout(command.id, command.decision));
      out(`accepted: ${receipt.action}; the payout is now ${receipt.status}`);
      return;
    }
    case 'start': {
      const started = await payouts.startPayout(command.request);
      out(
        `${started.created ? 'started' : 'already exists (nothing new sent)'}: ${started.workflowId}`,
      );
      return;
    }
    case 'demo': {
      const runId = Date.now().toString(36).toUpperCase();
      for (const demo of DEMO_PAYOUTS) {
        const merchantOrderId = `${demo.prefix}${runId}`;
        await payouts.startPayout(
          {
            merchantOrderId,
            amountCents: demo.amountCents,
            bankName: '中国农业银行',
            recipientName: '测试用户',
            accountNumber: '6228480000000000000',
          },
          { policy: { ...DEMO_POLICY, ...demo.policy } },
        );
        out(`${merchantOrderId.padEnd(28)} ${demo.path}; expect ${demo.expect}`);
      }
      out('\nWatch them in the Web UI, or: npm run payout -- list');
      return;
    }
  }
}
