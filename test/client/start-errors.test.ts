/** What a backend service hears when Temporal refuses a start: the server's reason and the fix. */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PayoutStartError, createPayoutClient } from '../../src/client/index.js';
import { startDevServerEnv } from '../support/temporal.js';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startDevServerEnv({ registerSearchAttributes: false });
});
afterAll(async () => {
  await env?.teardown();
});

describe('startPayout against a namespace without the payout search attributes', () => {
  it('names the missing attribute and the command that registers it', async () => {
    const payouts = createPayoutClient({ client: env.client, platformId: 'PF0002' });
    const start = payouts.startPayout({
      merchantOrderId: 'ORDER-1',
      amountCents: 50_000,
      bankName: '中国农业银行',
      recipientName: '李雷',
      accountNumber: '6228480000000000000',
    });
    await expect(start).rejects.toBeInstanceOf(PayoutStartError);
    await expect(start).rejects.toMatchObject({
      code: 'ERR_PAYOUT_START',
      message: expect.stringMatching(/search attribute \w+.*npm run temporal:setup/) as unknown,
    });
  });
});
