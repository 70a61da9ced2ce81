/** The CLI's usage text, printed by `help` and after every usage error. */
export const USAGE = `usage: npm run payout -- <command> [options]

read (add --json for a script's output):
  list [--status S] [--reason R] [--older-than 1h] [--limit 50]
                       payouts: order, amount, status, reason, age; filters combine (AND)
  stats                payouts by status, and those in NEEDS_REVIEW by reason
  status ID            state, what the gateway last reported, escalation, latest evidence
  check ID --operator ID
                       ask the gateway now (the checkNow update), then print the fresh status
  wait ID [--timeout 60s]

act:
  resolve ID --action confirm-succeeded|confirm-failed|resubmit|keep-waiting
             --operator ID --reason TEXT [--override TEXT] [--for 6h | --until ISO]
  start --request-file FILE|-   the request as JSON (merchantOrderId, amountCents, bankName,
                               recipientName, accountNumber, ...): keeps them out of history
  start --order ID --amount 500.00 --bank NAME --name NAME --account NUMBER
        [--branch B --province P --city C]
  demo                 one payout per path of the product (against the sandbox)

--status: SUBMITTING, CONFIRMING, NEEDS_REVIEW, SUCCEEDED, FAILED, REJECTED (any case)
--reason: an escalation or dispute reason, e.g. not-found-after-unknown-submit

exit codes: 0 done, 1 failure (Temporal unreachable, configuration, timeout),
            2 usage, 3 refused (no such payout, a decision or check the payout refused)`;
