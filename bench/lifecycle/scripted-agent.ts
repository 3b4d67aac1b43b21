import { addDays, addMonths, weekdayOf } from '../../core/time.js'
import type { CountedClient } from './counted-client.js'

/** What happens outside the agent between its steps: today's date as it is told, and the acts of the customer and technician. */
export interface LifecycleWorld {
  /** Today's date (YYYY-MM-DD), as the agent's host tells it. */
  today(): string
  /** Jane answers the confirmation email. */
  customerConfirms(): Promise<void>
  /** The technician does the job and closes it out on their own page. */
  technicianClosesOut(): Promise<void>
}

/** What the agent read along the way, for checking the effects; none of it came from anywhere but the server's answers. */
export interface LifecycleOutcome {
  contactId: string
  ticketId: string
  invoiceId: string
  reachOutId: string
  reachOutAt: string
}

/** The first Tuesday after the given date. */
export function nextTuesday(today: string): string {
  let day = addDays(today, 1)
  while (weekdayOf(day) !== 'tue') day = addDays(day, 1)
  return day
}

/**
 * A plain agent running Jane Smith's lifecycle: find her, book gutter cleaning next Tuesday morning, (she confirms, the
 * technician closes out), send the invoice, reach out in 6 months. It knows only what tools/list and the answers say:
 * tool names and arguments from the descriptions, every id from an earlier answer.
 */
export async function runScriptedAgent(agent: CountedClient, world: LifecycleWorld): Promise<LifecycleOutcome> {
  const tools = new Set((await agent.listTools()).map((t) => t.name))
  const ok = async (name: string, args: Record<string, unknown>) => {
    if (!tools.has(name)) throw new Error(`tools/list has no ${name}`)
    const out = await agent.call(name, args)
    if (out.isError) throw new Error(`${name} failed: ${JSON.stringify(out.json)}`)
    return out.json
  }

  const found = await ok('find_customer', { q: 'Jane Smith' })
  const jane = (found.matches as any[]).find((m) => m.name === 'Jane Smith')
  if (!jane) throw new Error(`find_customer did not find Jane Smith: ${JSON.stringify(found)}`)

  const wanted = {
    contact_id: jane.contact_id,
    services: [{ name: 'gutter cleaning' }],
    date: nextTuesday(world.today()),
    after: '08:00',
    before: '12:00',
  }
  let booked = await ok('schedule_appointment', wanted)
  if (booked.status === 'unavailable' && booked.nearest?.length) {
    const { date, time } = booked.nearest[0]
    booked = await ok('schedule_appointment', { ...wanted, date, time, after: undefined, before: undefined })
  }
  if (booked.status !== 'booked') throw new Error(`not booked: ${JSON.stringify(booked)}`)
  const ticketId = String(booked.ticket.id)

  await world.customerConfirms()
  await world.technicianClosesOut()

  const invoiced = await ok('send_invoice', { ticket_id: ticketId, reasoning: 'The job is done and closed out; Jane gets her bill.' })
  const invoiceId = String(invoiced.invoice.id)

  const sendAt = `${addMonths(world.today(), 6)}T15:00:00Z`
  const reachOut = await scheduleReachOut(ok, invoiced, jane.contact_id, sendAt)
  return { contactId: jane.contact_id, ticketId, invoiceId, reachOutId: String(reachOut.id), reachOutAt: sendAt }
}

type Call = (name: string, args: Record<string, unknown>) => Promise<any>

/**
 * Queues the reach-out email. When the invoice answer says how (follow_up.reach_out_with, a ready crm_action call), that
 * call is made as given with send_at filled in; otherwise the agent looks the operation up in crm_capabilities first.
 */
async function scheduleReachOut(ok: Call, invoiced: any, contactId: string, sendAt: string): Promise<any> {
  const given = invoiced.follow_up?.reach_out_with
  if (given) return ok(given.tool, { ...given.arguments, data: { ...given.arguments.data, send_at: sendAt } })
  const everything = await ok('crm_capabilities', {})
  const line = (everything.actions as string[]).find((a) => /schedule an email/i.test(a))
  if (!line) throw new Error('crm_capabilities lists no action that schedules an email')
  const key = line.split(' ')[0]
  const schema = await ok('crm_capabilities', { action: key })
  const kinds: string[] = schema.input?.properties?.kind?.enum ?? []
  if (!kinds.includes('reach_out')) throw new Error(`${key} has no reach_out kind: ${JSON.stringify(schema.input?.properties?.kind)}`)
  const [domain, action] = key.split('.')
  return ok('crm_action', { domain, action, data: { contact_id: contactId, kind: 'reach_out', send_at: sendAt } })
}
