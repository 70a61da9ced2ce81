/**
 * `npm run payout -- <command>`: start, follow and resolve payouts from a terminal.
 *
 *   start --order ID --amount 500.00 --bank NAME --name NAME --account NUMBER [--branch --province --city]
 *   status ID            the payout's state, checks, escalation and latest evidence
 *   wait ID [--timeout 60s]
 *   resolve ID --action confirm-succeeded|confirm-failed|resubmit|keep-waiting --operator ID --reason TEXT [--for 6h | --until ISO]
 *   list [--status NEEDS_REVIEW]
 *   demo                 one payout per path of the product (against the sandbox)
 *
 * Reads TEMPORAL_* (default: the local dev server), GATEWAY_PLATFORM_ID (default PF0002, the
 * sandbox merchant) and PAYLOAD_CODEC* (default, for the local stack only: the key `npm start`
 * keeps in its data directory).
 */
import { Client, Connection } from '@temporalio/client';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import {
  createPayoutClient,
  parsePayloadCodecConfig,
  payoutDataConverter,
  type PayoutClient,
} from '../client/index.js';
import { PLAINTEXT_WARNING } from '../codec/index.js';
import { PayoutOrchestratorError } from '../errors.js';
import { withLocalStackKey } from '../stack/codec.js';
import { connectionOptions, parseTemporalConnectionConfig } from '../temporal/connection-config.js';
import type { OperatorDecisionInput } from '../../workflows/decisions.js';
import { parseDurationMs } from '../../vocabulary/duration.js';
import { DEMO_PAYOUTS, DEMO_POLICY } from './demo.js';
import { formatResult, formatStatus } from './format.js';
import { UsageError, yuanToCents } from './amount.js';

const USAGE = `usage: npm run payout -- <start|status|wait|resolve|list|demo> [options]
  start --order ID --amount 500.00 --bank NAME --name NAME --account NUMBER [--branch B --province P --city C]
  status ID
  wait ID [--timeout 60s]
  resolve ID --action confirm-succeeded|confirm-failed|resubmit|keep-waiting --operator ID --reason TEXT [--for 6h | --until ISO]
  list [--status NEEDS_REVIEW]
  demo`;

const OPTIONS = {
  order: { type: 'string' },
  amount: { type: 'string' },
  bank: { type: 'string' },
  name: { type: 'string' },
  account: { type: 'string' },
  branch: { type: 'string' },
  province: { type: 'string' },
  city: { type: 'string' },
  timeout: { type: 'string' },
  action: { type: 'string' },
  operator: { type: 'string' },
  reason: { type: 'string' },
  for: { type: 'string' },
  until: { type: 'string' },
  status: { type: 'string' },
} as const;

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`${flag} is required`);
  return value;
}

async function run(payouts: PayoutClient, client: Client, argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: OPTIONS,
    allowPositionals: true,
  });
  const [command, id] = positionals;
  const out = (text: string) => process.stdout.write(`${text}\n`);
  switch (command) {
    case 'start': {
      const started = await payouts.startPayout({
        merchantOrderId: required(values.order, '--order'),
        amountCents: yuanToCents(required(values.amount, '--amount')),
        bankName: required(values.bank, '--bank'),
        recipientName: required(values.name, '--name'),
        accountNumber: required(values.account, '--account'),
        ...(values.branch ? { bankBranch: values.branch } : {}),
        ...(values.province ? { province: values.province } : {}),
        ...(values.city ? { city: values.city } : {}),
      });
      out(
        `${started.created ? 'started' : 'already exists (nothing new sent)'}: ${started.workflowId}`,
      );
      return;
    }
    case 'status':
      out(formatStatus(await payouts.getPayout(required(id, 'the payout id'))));
      return;
    case 'wait': {
      const timeoutMs = values.timeout === undefined ? undefined : parseDurationMs(values.timeout);
      if (values.timeout !== undefined && timeoutMs === undefined)
        throw new UsageError('--timeout: a duration such as 60s');
      out(
        formatResult(
          await payouts.waitForPayout(
            required(id, 'the payout id'),
            timeoutMs === undefined ? {} : { timeoutMs },
          ),
        ),
      );
      return;
    }
    case 'resolve': {
      const common = {
        operatorId: required(values.operator, '--operator'),
        reason: required(values.reason, '--reason'),
      };
      const action = required(values.action, '--action');
      const decision: OperatorDecisionInput =
        action === 'keep-waiting'
          ? {
              action,
              ...common,
              ...(values.until ? { until: values.until } : {}),
              ...(values.for ? { for: values.for } : {}),
            }
          : { action: action as 'confirm-succeeded', ...common };
      const receipt = await payouts.resolvePayout(required(id, 'the payout id'), decision);
      out(`accepted: ${receipt.action}; the payout is now ${receipt.status}`);
      return;
    }
    case 'list': {
      const query = values.status
        ? `PayoutStatus = "${values.status.replace(/[^A-Z_]/g, '')}"`
        : 'PayoutStatus IS NOT NULL';
      for await (const wf of client.workflow.list({ query })) {
        const status = wf.searchAttributes['PayoutStatus']?.[0];
        const order = wf.searchAttributes['MerchantOrderId']?.[0];
        out(
          `${String(order ?? wf.workflowId).padEnd(34)} ${String(status ?? '?').padEnd(13)} ${wf.status.name}`,
        );
      }
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
    default:
      throw new UsageError(
        command === undefined ? 'a command is required' : `unknown command ${command}`,
      );
  }
}

async function main(): Promise<void> {
  const config = parseTemporalConnectionConfig(process.env);
  const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
  const codec = parsePayloadCodecConfig(withLocalStackKey(process.env, projectRoot));
  if (codec.mode === 'off') process.stderr.write(`warning: ${PLAINTEXT_WARNING}\n`);
  const connection = await Connection.connect(connectionOptions(config));
  const client = new Client({
    connection,
    namespace: config.namespace,
    dataConverter: payoutDataConverter(codec),
  });
  const platformId = process.env['GATEWAY_PLATFORM_ID'] || 'PF0002';
  try {
    await run(
      createPayoutClient({ client, platformId, taskQueue: config.taskQueue }),
      client,
      process.argv.slice(2),
    );
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) process.stderr.write(`${error.message}\n${USAGE}\n`);
  else if (error instanceof PayoutOrchestratorError)
    process.stderr.write(`${error.type}: ${error.message}\n`);
  else process.stderr.write(`payout: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
