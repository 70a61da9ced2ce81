/** `resolve`'s flags as an operator decision, checked before anything is sent. */
import {
  OPERATOR_DECISION_ACTIONS,
  type OperatorDecisionAction,
  type OperatorDecisionInput,
} from '../../workflows/decisions.js';
import { UsageError } from './amount.js';
import type { Values } from './args.js';
import { parseDurationFlag, parseInstantFlag, requiredText } from './flags.js';

/**
 * The decision of `resolve`, from its flags: `--action` one of the decisions, `--operator` and
 * `--reason` always, `--override` only for a confirm, exactly one of `--for` / `--until` for
 * keep-waiting. The workflow checks it again and may refuse it (exit 3).
 */
export function parseDecision(values: Values): OperatorDecisionInput {
  const action = requiredText('--action', values.action);
  if (!(OPERATOR_DECISION_ACTIONS as readonly string[]).includes(action))
    throw new UsageError(`--action: one of ${OPERATOR_DECISION_ACTIONS.join(', ')}`);
  const chosen = action as OperatorDecisionAction;
  const common = {
    operatorId: requiredText('--operator', values.operator),
    reason: requiredText('--reason', values.reason),
  };
  const onlyFor = (flag: 'for' | 'until' | 'override', actions: string) => {
    if (values[flag] !== undefined)
      throw new UsageError(`--${flag}: only with --action ${actions}`);
  };
  if (chosen === 'keep-waiting') {
    onlyFor('override', 'confirm-succeeded or confirm-failed');
    if ((values.for === undefined) === (values.until === undefined))
      throw new UsageError(
        '--action keep-waiting: exactly one of --for (a duration) or --until (a time)',
      );
    if (values.for !== undefined) {
      parseDurationFlag('--for', values.for);
      return { action: chosen, ...common, for: values.for.trim() };
    }
    return { action: chosen, ...common, until: parseInstantFlag('--until', values.until ?? '') };
  }
  onlyFor('for', 'keep-waiting');
  onlyFor('until', 'keep-waiting');
  if (chosen === 'resubmit') {
    onlyFor('override', 'confirm-succeeded or confirm-failed');
    return { action: chosen, ...common };
  }
  return {
    action: chosen,
    ...common,
    ...(values.override === undefined
      ? {}
      : { override: requiredText('--override', values.override) }),
  };
}
