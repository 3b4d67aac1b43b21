import { addDays, weekdayOf } from '../../core/vocabulary/time.js'
import { JANE, SCREENS, WINDOWS } from './business.js'
import type { CountedClient } from './counted-client.js'

/** What happens outside the agent between its steps: the acts of the customer and technician, and the year going by. */
export interface LifecycleWorld {
  /** Jane answers the confirmation email. */
  customerConfirms(): Promise<void>
  /** The technician does the job and closes it out on their own page, choosing "reach out in 6 months". */
  technicianClosesOut(): Promise<void>
  /** Time goes by to a few weeks before the visit's anniversary; the reach-out email goes out on the way. */
  nextYear(): Promise<void>
}

/** What the agent read along the way, for checking the effects; none of it came from anywhere but the server's answers. */
export interface LifecycleOutcome {
  contactId: string
  ticketId: string
  invoiceId: string
  /** The first booking's day, and next year's booking and what its answer said of the last visit. */
  firstDay: string
  nextTicketId: string
  nextDay: string
  lastVisit: { time_on_site: string; note: string; facts: unknown }
}

/** The first Monday after the given date. */
export function nextMonday(today: string): string {
  let day = addDays(today, 1)
  while (weekdayOf(day) !== 'mon') day = addDays(day, 1)
  return day
}

/** The business's date as the server's instructions tell it at connection ("... it is Wednesday 2026-11-25 ..."). */
export function todayFromInstructions(instructions: string | undefined): string {
  const today = instructions?.match(/At connection it is \w+ (\d{4}-\d{2}-\d{2})/)?.[1]
  if (!today) throw new Error(`the instructions do not say today's date: ${instructions}`)
  return today
}

/**
 * A plain agent running the design record's Appendix D: a new customer, Jane Smith, calls; she is added and booked for
 * window and screen cleaning next Monday at 9:00; (she confirms, the technician closes out choosing "reach out in 6
 * months"); her invoice is sent; a year later she is booked again and the answer shows last year's time and notes. It
 * knows only what initialize, tools/list and the answers say: tool names and arguments from the descriptions, every id
 * from an earlier answer.
 */
export async function runScriptedAgent(agent: CountedClient, world: LifecycleWorld): Promise<LifecycleOutcome> {
  const today = todayFromInstructions(agent.instructions)
  const tools = new Set((await agent.listTools()).map((t) => t.name))
  const ok = async (name: string, args: Record<string, unknown>) => {
    if (!tools.has(name)) throw new Error(`tools/list has no ${name}`)
    const out = await agent.call(name, args)
    if (out.isError) throw new Error(`${name} failed: ${JSON.stringify(out.json)}`)
    return out.json
  }

  // The common write crm_action's description shows: a new customer with address and email.
  const { first_name, last_name, email, phone, address } = JANE
  const jane = await ok('crm_action', {
    domain: 'contact',
    action: 'create',
    data: { first_name, last_name, email, phone, addresses: [address] },
  })
  const contactId = String(jane.id)

  const work = [{ name: WINDOWS.toLowerCase() }, { name: SCREENS.toLowerCase(), quantity: 20 }]
  const firstDay = nextMonday(today)
  const booked = await ok('schedule_appointment', { contact_id: contactId, services: work, date: firstDay, time: '09:00' })
  if (booked.status !== 'booked') throw new Error(`not booked: ${JSON.stringify(booked)}`)
  const ticketId = String(booked.ticket.id)

  await world.customerConfirms()
  await world.technicianClosesOut()

  const invoiced = await ok('send_invoice', { ticket_id: ticketId, reasoning: 'The job is done and closed out; Jane gets her bill.' })
  const invoiceId = String(invoiced.invoice.id)

  await world.nextYear()
  // A year on, the same Monday of the year: the same work again.
  const nextDay = addDays(firstDay, 364)
  const again = await ok('schedule_appointment', { contact_id: contactId, services: work, date: nextDay, time: '09:00' })
  return lifecycleOutcome({ contactId, ticketId, invoiceId, firstDay, nextDay }, again)
}

/** What a lifecycle came to, from next year's booking answer, which must be booked and show last year's visit. */
export function lifecycleOutcome(
  ids: Pick<LifecycleOutcome, 'contactId' | 'ticketId' | 'invoiceId' | 'firstDay' | 'nextDay'>,
  again: any,
): LifecycleOutcome {
  if (again.status !== 'booked') throw new Error(`not booked next year: ${JSON.stringify(again)}`)
  if (!again.last_visit) throw new Error(`next year's booking does not show the last visit: ${JSON.stringify(again)}`)
  return {
    ...ids,
    nextTicketId: String(again.ticket.id),
    lastVisit: { time_on_site: again.last_visit.time_on_site, note: JSON.stringify(again.last_visit), facts: again.last_visit.facts },
  }
}
