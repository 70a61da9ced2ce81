import { STATUS_CODE_STATES, gatewayStateOf, isFinalState } from '../../vocabulary/gateway.js';

/** A status the sandbox can put an order in by name: the gateway's states 0-6. */
export type StatusName = (typeof STATUS_CODE_STATES)[number];

export const STATUS_NAMES = STATUS_CODE_STATES;

export const statusCode = (name: StatusName): number => STATUS_CODE_STATES.indexOf(name);

/** The name of a code, or `code-N` for one the gateway does not document. */
export const statusName = (code: number): string => STATUS_CODE_STATES[code] ?? `code-${code}`;

/** Whether the gateway treats the code as final (3 success, 4 cancelled, 5 failed). */
export const isFinalCode = (code: number): boolean => isFinalState(gatewayStateOf(code));
