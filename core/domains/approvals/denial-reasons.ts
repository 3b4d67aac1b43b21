/** Why the owner said no, from a short list the agent can act on; the note says the rest. */
export const DENIAL_REASONS = {
  wrong_customer: 'Wrong customer',
  wrong_amount: 'Wrong amount',
  not_now: 'Not now',
  ask_me_first: 'Ask me before doing this',
  other: 'Other (see note)',
} as const

/** A key of DENIAL_REASONS. */
export type DenialReason = keyof typeof DENIAL_REASONS
