import type { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { PAYOUT_SEARCH_ATTRIBUTES } from '../../workflows/api.js';
import { PayoutOrchestratorError } from '../errors.js';

// CommonJS package: its namespace comes through the default export under Node's ESM loader.
const IndexedValueType = proto.temporal.api.enums.v1.IndexedValueType;

const TYPES: Record<string, number> = {
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
};

/** Raised when a name is already registered with another type: it must be fixed by hand. */
export class SearchAttributeTypeConflictError extends PayoutOrchestratorError {
  constructor(readonly names: readonly string[]) {
    super(`Search attributes registered with another type: ${names.join(', ')}`, {
      name: 'SearchAttributeTypeConflictError',
      code: 'ERR_SEARCH_ATTRIBUTE_TYPE_CONFLICT',
    });
  }
}

/**
 * Registers the payout search attributes in a namespace, once: those already there are left
 * alone, so it is safe to run at every deploy. Returns the names it added.
 */
export async function ensurePayoutSearchAttributes(
  connection: Connection,
  namespace: string,
): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const registered: Record<string, number> = {
    ...existing.systemAttributes,
    ...existing.customAttributes,
  };
  const missing: Record<string, number> = {};
  const conflicting: string[] = [];
  for (const key of PAYOUT_SEARCH_ATTRIBUTES) {
    const wanted = TYPES[key.type];
    if (wanted === undefined)
      throw new Error(`no index type for search attribute type ${key.type}`);
    const have = registered[key.name];
    if (have === undefined) missing[key.name] = wanted;
    else if (have !== wanted) conflicting.push(key.name);
  }
  if (conflicting.length > 0) throw new SearchAttributeTypeConflictError(conflicting);
  if (Object.keys(missing).length > 0) {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  }
  return Object.keys(missing);
}

const CLI_TYPES: Readonly<Record<string, string>> = {
  KEYWORD: 'Keyword',
  INT: 'Int',
  DATETIME: 'Datetime',
};

/** `--search-attribute Name=Type` flags that register the payout attributes with a dev server. */
export function devServerSearchAttributeFlags(): string[] {
  return PAYOUT_SEARCH_ATTRIBUTES.flatMap((key) => {
    const type = CLI_TYPES[key.type];
    if (type === undefined) throw new Error(`no CLI name for search attribute type ${key.type}`);
    return ['--search-attribute', `${key.name}=${type}`];
  });
}
