import { DecisionRejectedError, type PayoutClient } from '../../src/client/index.js';
import type { SandboxGateway } from '../../src/sandbox/server.js';
import type { PayoutStatusView } from '../../workflows/api.js';
import type { OperatorDecisionInput } from '../../workflows/decisions.js';
import type { Random } from './random.js';

/** What the gateway's own records say about an order. */
export type Truth = 'paid' | 'not-paid' | 'no-order' | 'pending';

/** The sandbox's truth for one payout_cl_id. */
export function truthOf(sandbox: SandboxGateway, merchantOrderId: string): Truth {
  const order = sandbox.order(merchantOrderId);
  if (order === undefined) return 'no-order';
  if (order.statusName === 'success') return 'paid';
  if (order.statusName === 'failed' || order.statusName === 'cancelled') return 'not-paid';
  return 'pending';
}

/** What the operator did over the run. */
export interface OperatorTally {
  decisions: number;
  /** Decisions the payout refused; a wrong one sent on purpose must be among them. */
  refused: number;
  /** Deliberately wrong decisions (contradicting the gateway, no override) the payout accepted. */
  wrongAccepted: string[];
  /** Accepted resubmits per payout: I1 allows one create more for each. */
  resubmits: Map<string, number>;
  keepWaiting: number;
  overrides: number;
}

/**
 * An operator on shift: for a payout in NEEDS_REVIEW, asks "gateway support" (the sandbox's
 * records) what happened and decides accordingly, with an override where the gateway's last
 * answer to the payout disagrees; sometimes first tries a wrong decision, which must be refused.
 */
export class SoakOperator {
  readonly tally: OperatorTally = {
    decisions: 0,
    refused: 0,
    wrongAccepted: [],
    resubmits: new Map(),
    keepWaiting: 0,
    overrides: 0,
  };
  private readonly waited = new Set<string>();

  constructor(
    private readonly payouts: PayoutClient,
    private readonly sandbox: SandboxGateway,
    private readonly random: Random,
  ) {}

  /** Decides one payout in review; errors (Temporal down) are left for the next round. */
  async review(view: PayoutStatusView): Promise<void> {
    const id = view.merchantOrderId;
    const truth = truthOf(this.sandbox, id);
    const who = { operatorId: `ops-${this.random.int(1, 3)}`, reason: `gateway support: ${truth}` };
    if (truth === 'pending') {
      if (view.allowedDecisions.includes('keep-waiting') && !this.waited.has(id)) {
        this.waited.add(id);
        await this.decide(id, { action: 'keep-waiting', for: '5s', ...who }, 'keep-waiting');
      }
      return;
    }
    const latest = view.gateway?.state;
    if (truth === 'paid') {
      const contradicts = latest === 'not-found' || latest === 'failed' || latest === 'cancelled';
      await this.confirm(id, 'confirm-succeeded', contradicts, who);
      return;
    }
    const resubmits = this.tally.resubmits.get(id) ?? 0;
    if (truth === 'no-order' && view.allowedDecisions.includes('resubmit') && resubmits === 0) {
      if (await this.decide(id, { action: 'resubmit', ...who }, 'resubmit')) {
        this.tally.resubmits.set(id, resubmits + 1);
      }
      return;
    }
    const contradicts =
      latest !== undefined &&
      latest !== 'not-found' &&
      latest !== 'failed' &&
      latest !== 'cancelled';
    await this.confirm(id, 'confirm-failed', contradicts, who);
  }

  private async confirm(
    id: string,
    action: 'confirm-succeeded' | 'confirm-failed',
    contradicts: boolean,
    who: { operatorId: string; reason: string },
  ): Promise<void> {
    if (contradicts) {
      // Without the override the payout must refuse it: the gateway said otherwise.
      const accepted = await this.decide(id, { action, ...who }, 'plain');
      if (accepted) this.tally.wrongAccepted.push(`${id}: ${action} without override accepted`);
      else {
        this.tally.overrides += 1;
        await this.decide(
          id,
          { action, ...who, override: 'confirmed by gateway support' },
          'plain',
        );
      }
      return;
    }
    if (this.random.chance(0.2)) {
      // The opposite confirm, no override: a tired operator's slip, which must be refused when
      // the gateway has reported a state that contradicts it.
      const wrong = action === 'confirm-succeeded' ? 'confirm-failed' : 'confirm-succeeded';
      const view = await this.payouts.getPayout(id).catch(() => undefined);
      const latest = view?.gateway?.state;
      const reported = latest !== undefined && latest !== 'not-found';
      const wrongContradicts =
        wrong === 'confirm-failed'
          ? reported && latest !== 'failed' && latest !== 'cancelled'
          : latest === 'not-found' || latest === 'failed' || latest === 'cancelled';
      if (wrongContradicts) {
        const accepted = await this.decide(id, { action: wrong, ...who }, 'plain');
        if (accepted)
          this.tally.wrongAccepted.push(`${id}: ${wrong} contradicting ${latest} accepted`);
      }
    }
    await this.decide(id, { action, ...who }, 'plain');
  }

  /** Sends one decision by update; true when accepted. */
  private async decide(
    id: string,
    decision: OperatorDecisionInput,
    kind: 'plain' | 'resubmit' | 'keep-waiting',
  ): Promise<boolean> {
    try {
      await this.payouts.resolvePayout(id, decision);
      this.tally.decisions += 1;
      if (kind === 'keep-waiting') this.tally.keepWaiting += 1;
      return true;
    } catch (error) {
      if (error instanceof DecisionRejectedError) {
        this.tally.refused += 1;
        return false;
      }
      return false;
    }
  }
}
