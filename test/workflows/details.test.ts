import { describe, expect, it } from 'vitest';
import { allowedDecisions } from '../../workflows/decide.js';
import { currentDetails } from '../../workflows/details.js';
import { OPERATOR, lostAfterUnknown } from './decide-fixtures.js';

describe('the current details the Web UI shows', () => {
  it('say why the payout waits, the decisions open and the exact JSON that resolves it', () => {
    const p = lostAfterUnknown();
    const details = currentDetails(p.state, allowedDecisions(p.state, p.now), p.now);
    expect(details).toContain('**NEEDS_REVIEW** since');
    expect(details).toContain('`not-found-after-unknown-submit`');
    expect(details).toContain('**Decisions open:**');
    expect(details).toContain('applyOperatorDecision');
    expect(details).not.toContain('Last refused decision');
  });

  it('show the last refused decision with its rule, which the update dialog shows only encrypted', () => {
    const p = lostAfterUnknown().decision({ action: 'confirm-succeeded', ...OPERATOR });
    expect(p.refused).toBeDefined();
    const details = currentDetails(p.state, allowedDecisions(p.state, p.now), p.now);
    expect(details).toContain(
      `**Last refused decision:** \`confirm-succeeded\` by ${OPERATOR.operatorId}`,
    );
    expect(details).toContain(p.refused?.message ?? '(no message)');
  });

  it('drop the refusal once a later decision was accepted', () => {
    const p = lostAfterUnknown()
      .decision({ action: 'confirm-succeeded', ...OPERATOR })
      .decision({ action: 'keep-waiting', for: '1h', ...OPERATOR });
    expect(p.refused).toBeUndefined();
    const details = currentDetails(p.state, allowedDecisions(p.state, p.now), p.now);
    expect(details).not.toContain('Last refused decision');
  });
});
