/**
 * Everything the sandbox saw and did for each payout_cl_id, so a test can prove what happened on
 * the wire ("exactly one create", "the callback was retried twice"). Bodies are kept as text.
 */

/** How the sandbox answered a request. */
export type Answer =
  | { readonly kind: 'response'; readonly httpStatus: number; readonly body: string }
  | { readonly kind: 'fault'; readonly fault: string }
  /** The request was held open and never answered (lost). */
  | { readonly kind: 'no-answer' };

/** One create call received. */
export interface CreateEntry {
  readonly at: number;
  readonly path: string;
  readonly platformId?: string;
  /** The request body exactly as received. */
  readonly bodyText: string;
  /** Whether this call created the order. */
  readonly created: boolean;
  readonly payoutId?: string;
  /** The error code answered, or the fault, or `lost`. */
  readonly outcome: string;
  readonly answer: Answer;
}

/** One query that named this payout_cl_id (or its payout_id). */
export interface QueryEntry {
  readonly at: number;
  readonly form: 'list' | 'single';
  /** Path and query string as received. */
  readonly target: string;
  readonly platformId?: string;
  /** Status code reported, when an order was reported. */
  readonly reportedStatus?: number;
  readonly outcome: string;
  readonly answer: Answer;
}

/** One callback attempt. */
export interface CallbackEntry {
  readonly at: number;
  readonly url: string;
  /** 1-based attempt within this delivery. */
  readonly attempt: number;
  /** 1-based copy (duplicates) or `processing-after-final`. */
  readonly delivery: string;
  readonly status: number;
  /** The JSON sent, exactly. */
  readonly body: string;
  readonly response:
    { readonly httpStatus: number; readonly body: string } | { readonly error: string };
  /** Whether the receiver answered `{"error_code":"0000"}`. */
  readonly acknowledged: boolean;
}

/** One status change of the order. */
export interface StatusEntry {
  readonly at: number;
  readonly from?: number;
  readonly to: number;
  readonly cause: 'created' | 'schedule' | 'query' | 'timer' | 'forced';
}

/** The record of one payout_cl_id. */
export interface OrderRecord {
  readonly payoutClId: string;
  readonly creates: CreateEntry[];
  readonly queries: QueryEntry[];
  readonly callbacks: CallbackEntry[];
  readonly statuses: StatusEntry[];
}

/** Records keyed by payout_cl_id (across merchants: each entry names its platform where known). */
export class RecordBook {
  readonly #records = new Map<string, OrderRecord>();

  /** The record, created empty on first use. */
  for(payoutClId: string): OrderRecord {
    let record = this.#records.get(payoutClId);
    if (!record) {
      record = { payoutClId, creates: [], queries: [], callbacks: [], statuses: [] };
      this.#records.set(payoutClId, record);
    }
    return record;
  }

  /** The record, or undefined when nothing was ever seen for the id. */
  get(payoutClId: string): OrderRecord | undefined {
    return this.#records.get(payoutClId);
  }

  /** Every record, in the order first seen. */
  all(): OrderRecord[] {
    return [...this.#records.values()];
  }

  /** Replaces every record with `records` (a restart loading the state file). */
  restore(records: readonly OrderRecord[]): void {
    this.#records.clear();
    for (const record of records) this.#records.set(record.payoutClId, record);
  }

  clear(): void {
    this.#records.clear();
  }
}
