/**
 * Why an agent's reach-out email waits for the owner every time, whichever action queues it (one message, a segment, a
 * close-out's "reach out in N months"): reach-outs are the owner's reach-out rules' to send without asking. Each one
 * also counts against the business's daily cap and the owner's period when it is delivered (core/jobs/deliver.ts).
 */
export const REACH_OUT_ASKS =
  "emails a reach-out, and only the owner's reach-out rules send those without asking (each also counts against the daily " +
  "cap and the owner's period between reach-outs to one customer)"

/** The reason an agent's call that queues reach-outs waits for the owner, or null when it queues none. */
export function reachOutAsked(kind: string | undefined): string | null {
  return kind === 'reach_out' ? REACH_OUT_ASKS : null
}
