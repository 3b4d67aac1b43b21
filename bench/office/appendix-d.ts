import { addDays } from '../../core/vocabulary/time.js'
import { JANE, SCREENS, WINDOWS } from '../lifecycle/business.js'
import type { CountedClient } from '../lifecycle/counted-client.js'
import {
  type LifecycleOutcome,
  type LifecycleWorld,
  lifecycleOutcome,
  nextMonday,
  todayFromInstructions,
} from '../lifecycle/scripted-agent.js'
import { argumentsFor, doTask } from './cold-client.js'

/**
 * Appendix D done cold: the agent knows tools/list and finds each step with crm_capabilities {q} in the owner's words;
 * the one call it learned along the way (booking) it makes again next year without asking. Every id comes from an answer.
 */
export async function runColdAgent(agent: CountedClient, world: LifecycleWorld): Promise<LifecycleOutcome> {
  const today = todayFromInstructions(agent.instructions)
  await agent.listTools()
  const must = (what: string, answer: { isError: boolean; json: any }) => {
    if (answer.isError) throw new Error(`${what} failed: ${JSON.stringify(answer.json)}`)
    return answer.json
  }
  const { first_name, last_name, email, phone, address } = JANE
  const jane = must(
    'adding Jane',
    await doTask(agent, `A new customer called: add ${JANE.name}, ${email}, ${phone}, ${address.line1}`, {
      first_name,
      last_name,
      email,
      phone,
      addresses: [address],
    }),
  )
  const contactId = String(jane.id)
  const firstDay = nextMonday(today)
  const work = [{ name: WINDOWS }, { name: SCREENS, quantity: 20 }]
  const booking = { customer: JANE.name, contact_id: contactId, services: work, date: firstDay, time: '09:00' }
  // The booking is asked for once; next year the agent calls what it found again.
  const found = must(
    'finding how to book',
    await agent.call('crm_capabilities', { q: `Book ${JANE.name} for window and screen cleaning next Monday at 9:00` }),
  )
  const match = found.matches.find((m: Parameters<typeof argumentsFor>[0]) => argumentsFor(m, booking))
  if (!match) throw new Error(`no way to book found: ${JSON.stringify(found)}`)
  const book = async (date: string) => must('booking', await agent.call(match.example.tool, argumentsFor(match, { ...booking, date })!))
  const booked = await book(firstDay)
  if (booked.status !== 'booked') throw new Error(`not booked: ${JSON.stringify(booked)}`)
  const ticketId = String(booked.ticket.id)

  await world.customerConfirms()
  await world.technicianClosesOut()

  const invoiced = must(
    'sending the invoice',
    await doTask(agent, `Send ${JANE.name} the invoice for her visit`, {
      ticket_id: ticketId,
      reasoning: 'The job is done and closed out; Jane gets her bill.',
    }),
  )
  const invoiceId = String(invoiced.invoice?.id ?? invoiced.id)

  await world.nextYear()
  const nextDay = addDays(firstDay, 364)
  const again = await book(nextDay)
  return lifecycleOutcome({ contactId, ticketId, invoiceId, firstDay, nextDay }, again)
}
