import type { PayoutRequest } from '../../vocabulary/payout-request.js';

/** A valid payout request: order `ORDER-1`, 500.00 CNY to a test card. */
export const EXAMPLE_REQUEST: PayoutRequest = {
  merchantOrderId: 'ORDER-1',
  amountCents: 50_000,
  bankName: '中国农业银行',
  recipientName: 'Li Lei',
  accountNumber: '6228480000000000000',
};
