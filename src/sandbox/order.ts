import type { Scenario } from './scenario.js';

/**
 * Where the delivery of an order's final callback stands: `sending` (started, no copy acknowledged
 * yet), `acknowledged` (a copy was), `unacknowledged` (every attempt made, none acknowledged).
 * Absent: no callback to send. A restart sends a `sending` one again (src/sandbox/README.md).
 */
export type FinalCallbackState = 'sending' | 'acknowledged' | 'unacknowledged';

/**
 * One order the sandbox holds. Mutable state is changed only by the engine, and `finalCallback`
 * by the callback sender.
 */
export interface SandboxOrder {
  readonly payoutId: string;
  readonly payoutClId: string;
  readonly platformId: string;
  readonly amountCents: number;
  readonly notifyUrl?: string;
  readonly bankName: string;
  readonly recipientName: string;
  readonly accountNumber: string;
  readonly createTimeMs: number;
  readonly scenario: Scenario;
  /** The rule that chose the scenario, by name or position. */
  readonly ruleName: string;
  updateTimeMs: number;
  statusCode: number;
  /** Queries that named this order, answered or faulted. */
  queriesReceived: number;
  /** Queries answered with the order. */
  queriesAnswered: number;
  /** Set once an operator forced the status: the schedule no longer moves it. */
  forced: boolean;
  /** Answers still to report the regression status. */
  regressionLeft: number;
  regressed: boolean;
  finalCallback?: FinalCallbackState;
  /** Cancels the order's pending schedule timers. */
  cancelSchedule: Array<() => void>;
}

/** What the admin API shows of an order (no recipient details beyond what the merchant sent). */
export interface OrderView {
  readonly payoutId: string;
  readonly payoutClId: string;
  readonly platformId: string;
  readonly amountCents: number;
  readonly status: number;
  readonly statusName: string;
  readonly notifyUrl?: string;
  readonly createTimeMs: number;
  readonly updateTimeMs: number;
  readonly rule: string;
  readonly scenario: Scenario;
  readonly queriesReceived: number;
  readonly queriesAnswered: number;
  readonly forced: boolean;
}
