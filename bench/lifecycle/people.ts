import type { PersonApi } from './person-api.js'

/** An email as the customer's inbox shows it. */
export interface ReceivedEmail {
  to: string
  subject: string
  text: string
}

/** How the customer's side is reached: the delivery worker's pass, and what arrived at an address. */
export interface Mailbox {
  deliverDue(): Promise<unknown>
  received(to: string): ReceivedEmail[]
}

/** The customer opens the latest appointment email and presses "Confirm this time" (GET shows the question, POST answers). */
export async function customerConfirms(mailbox: Mailbox, email: string): Promise<string> {
  await mailbox.deliverDue()
  const mail = mailbox
    .received(email)
    .filter((m) => /\/respond\//.test(m.text))
    .at(-1)
  const link = mail?.text.match(/Confirm this time: (http\S+\/respond\/\S+)/)?.[1]
  if (!link) throw new Error(`no confirm link in the emails to ${email}`)
  const shown = await fetch(link)
  if (shown.status !== 200) throw new Error(`the confirm page answered ${shown.status}`)
  const answered = await fetch(link, { method: 'POST', body: new URLSearchParams({ answer: 'confirm' }) })
  if (answered.status !== 200) throw new Error(`confirming answered ${answered.status}: ${await answered.text()}`)
  return link
}

/** What the technician confirms at the door, as Appendix D's close-out has it. */
export interface CloseOut {
  minutesOnSite: number
  /** Final prices of flexible-price lines by service name, in cents; other lines keep their price. */
  finalPrices: Record<string, number>
  notes: string
  /** The facts read from the notes, as the technician keeps them. */
  facts: Array<{ key: string; value: string }>
  reachOutInMonths: number
}

/**
 * The technician closes out today's job for the customer from their own ticket list: time on site, the work as booked
 * with the final prices, notes, the customer facts, and "reach out in N months".
 */
export async function technicianClosesOut(technician: PersonApi, customerName: string, close: CloseOut): Promise<string> {
  const today = await technician.query({ type: 'tickets', today: 'true', status: 'active', include: 'line_items' })
  const ticket = (today.items as any[]).find((t) => t.contact_name === customerName)
  if (!ticket) throw new Error(`no active ticket of ${customerName} on the technician's list today`)
  await technician.action('ticket', 'close', {
    ticket_id: ticket.id,
    duration_minutes: close.minutesOnSite,
    line_items: (ticket.line_items as any[]).map((l) => ({
      line_item_id: l.id,
      quantity: l.quantity,
      ...(close.finalPrices[l.description] === undefined ? {} : { unit_price_cents: close.finalPrices[l.description] }),
    })),
    ...(ticket.is_price_estimated ? { final_price_confirmed: true } : {}),
    notes: close.notes,
    attributes: close.facts,
    next_service: { kind: 'reach_out', months: close.reachOutInMonths },
  })
  return String(ticket.id)
}
