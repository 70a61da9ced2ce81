/**
 * The fields of a success callback for `ORDER-1` of merchant `PF0002`, unsigned, as the
 * gateway's API describes them. Tests add a sign with the mode and secret they test.
 */
export const SUCCESS_CALLBACK_FIELDS: Readonly<Record<string, string>> = {
  payout_id: 'POT00000001',
  payout_cl_id: 'ORDER-1',
  platform_id: 'PF0002',
  amount: '50000',
  fee: '100',
  status: '3',
  create_time: '1595504997',
  update_time: '1595505997',
};

/** The least a success callback for `ORDER-1` (payout `POT1`) holds. */
export const MINIMAL_CALLBACK_FIELDS: Readonly<Record<string, string>> = {
  payout_id: 'POT1',
  payout_cl_id: 'ORDER-1',
  platform_id: 'PF0002',
  amount: '50000',
  status: '3',
};
