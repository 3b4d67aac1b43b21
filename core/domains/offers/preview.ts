import type { CallPreview, FactDeclaration } from '../../kernel/call-preview.js'
import type { OperationContext } from '../../kernel/context.js'
import { whenTextWithZone } from '../../text/date-words.js'
import { formatMoney } from '../../vocabulary/money.js'
import { planOffer, type OfferInput } from './plan.js'

/** The facts an offer gives the owner's standing rules. */
export const OFFER_FACTS: Record<string, FactDeclaration> = {
  hours_notice: { label: 'the hours until the earliest time offered', unit: 'hours' },
  amount_cents: { label: 'the price of the services offered', unit: 'money' },
}

/** What an offer will email: to whom, which services at what price, and each time offered. */
export async function previewOffer(ctx: OperationContext, input: OfferInput): Promise<CallPreview> {
  const plan = await planOffer(ctx, input)
  const earliest = Math.min(...plan.slots.map((s) => s.start.getTime()))
  const hours = Math.floor((earliest - ctx.services.now().getTime()) / 3_600_000)
  const who = plan.recipient.leadId ? `the lead ${plan.recipient.name}` : plan.recipient.name
  return {
    summary:
      `Email ${who} (${plan.recipient.email}) ${plan.slots.length} times to book ${plan.serviceNames.join(', ')} ` +
      `(${formatMoney(plan.amountCents, plan.settings.currency)}); the first one picked is booked`,
    customer: plan.recipient.contactId ? { id: plan.recipient.contactId, name: plan.recipient.name } : null,
    when: plan.slots.map((s, i) => ({ label: `Time ${i + 1}`, at: s.start.toISOString() })),
    warnings: [expiryWarning(plan.expiresAt, plan.slots, plan.settings.timezone)],
    facts: { hours_notice: hours, amount_cents: plan.amountCents },
    currency: plan.settings.currency,
    timezone: plan.settings.timezone,
  }
}

/** When the link stops working, in the business's time, and how many of the times offered will have begun by then. */
function expiryWarning(expiresAt: Date, slots: ReadonlyArray<{ start: Date }>, timeZone: string): string {
  const begun = slots.filter((s) => s.start < expiresAt).length
  const until = `The link works until ${whenTextWithZone(expiresAt, timeZone)}`
  if (!begun) return `${until}.`
  return `${until}; by then ${begun} of the ${slots.length} times offered will have begun, and a time that has begun can no longer be picked.`
}
