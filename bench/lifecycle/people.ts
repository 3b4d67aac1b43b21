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

/**
 * The technician closes out today's job for the customer from their own ticket list: time on site, the work as booked,
 * final price confirmed, notes, and no next visit booked at the door (the office reaches out later).
 */
export async function technicianClosesOut(
  technician: PersonApi,
  customerName: string,
  minutesOnSite: number,
  notes: string,
): Promise<string> {
  const today = await technician.query({ type: 'tickets', today: 'true', status: 'active', include: 'line_items' })
  const ticket = (today.items as any[]).find((t) => t.contact_name === customerName)
  if (!ticket) throw new Error(`no active ticket of ${customerName} on the technician's list today`)
  await technician.action('ticket', 'close', {
    ticket_id: ticket.id,
    duration_minutes: minutesOnSite,
    line_items: (ticket.line_items as any[]).map((l) => ({ line_item_id: l.id, quantity: l.quantity })),
    ...(ticket.is_price_estimated ? { final_price_confirmed: true } : {}),
    notes,
    next_service: { kind: 'none' },
  })
  return String(ticket.id)
}
