import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createServices } from '../../api/product.js'
import { loadConfig } from '../../core/kernel/config.js'
import type { Principal, Services } from '../../core/kernel/context.js'
import { AppError } from '../../core/kernel/errors.js'
import { performAction } from '../../core/kernel/operations.js'
import { addDays, localDate, weekdayOf, zonedInstant } from '../../core/vocabulary/time.js'
import { locateAddresses } from '../../core/domains/geocoding/locate-job.js'
import { WORKFLOW_TOOLS } from '../../mcp/workflows/index.js'
import { unkeptClaims } from '../helpers/claimed-effects.js'
import { freshDatabase, type TestDatabase, behaviourEngine } from '../helpers/databases.js'
import { normalizeAnswer } from '../helpers/normalize-answer.js'
import { type Business, openBusiness } from '../helpers/seeded-business.js'
import { allOn, type Integrations, type Mode, startIntegrations, switched } from '../helpers/unknown-modes.js'
import { hiddenUnknowns } from '../helpers/unknown-rule.js'

// The calls that change data, each made in a business of its own per mode (every integration on, twice; each one off; each
// one unreachable), all seeded alike: the answers, with ids and times normalized, must be the same as with everything on, or
// say what is off or unreachable; and no answer claims an email sent or a pay link while the integration behind it is off.

/** Sixteen businesses seeded and called eleven ways each: room for a busy machine (a limit against hanging). */
const SLOW = 240_000
/**
 * The product's clock, an hour behind the database's: a time the product derives from it (an email's send_at, now plus
 * five seconds) then never equals, to the millisecond, a time the database stamps during the run, which would make the
 * normalized answers differ by chance (normalizeAnswer marks equal times alike).
 */
const NOW = new Date(Date.now() - 60 * 60_000)
const ZONE = 'America/Chicago'
const TODAY = localDate(NOW, ZONE)
const TOMORROW = addDays(TODAY, 1)
/** The first weekday after tomorrow: inside business hours, for a booking, a move and an offer of times. */
const LATER = [2, 3, 4].map((n) => addDays(TODAY, n)).find((d) => !['sat', 'sun'].includes(weekdayOf(d))) as string
const OFFERED = zonedInstant(LATER, '13:00', ZONE).toISOString()
const REQUEST = '00000000-0000-4000-8000-00000000000b'
const REASON = 'The customer asked for it today'

/** The records each business is seeded with that the calls name. */
interface Seeded {
  biz: Business
  /** Its texts no other business has (its Google account), by what they are. */
  own: Record<string, string>
  ownerId: string
  contactId: string
  ticketId: string
  invoices: { workflow: string; action: string; sent: string }
  customerPlanId: string
}

/** One call that changes data (a workflow tool, or an action an agent may call whose answer depends on an integration). */
interface Change {
  name: string
  call(services: Services, s: Seeded): Promise<unknown>
}

/** An action as an agent calls it (with reasoning); one that waits for the owner is called as the owner, as approving runs it. */
function action(key: string, data: (s: Seeded) => Record<string, unknown>): Change {
  const [domain, name] = key.split('.')
  return {
    name: key,
    async call(services, s) {
      const def = services.registry.actions.get(key)
      const asOwner = def?.access.agent === 'requires_authorization'
      const principal: Principal = asOwner ? s.biz.owner : s.biz.agent
      const outcome = await performAction(
        services,
        principal,
        { domain, action: name, data: data(s), reasoning: REASON },
        { requestId: REQUEST },
      )
      return outcome.result
    },
  }
}

/** A workflow tool as the agent calls it. */
function workflow(name: string, args: (s: Seeded) => Record<string, unknown>): Change {
  const tool = WORKFLOW_TOOLS.find((w) => w.name === name)
  if (!tool || tool.readOnly) throw new Error(`${name} is not a workflow that changes data`)
  return {
    name,
    call: (services, s) => tool.run({ services, principal: s.biz.agent, requestId: REQUEST }, z.object(tool.input).parse(args(s))),
  }
}

/**
 * Every workflow that changes data, and the actions whose answer depends on an integration: Google (google.sync, the
 * busy times slot_offer.send checks), the road router and geocoder (route.plan), Resend (anything that emails) and Stripe
 * (pay links in invoices, card.request, customer_plan.send). The weather, the geocoder and QuickBooks are called by the
 * worker, not while a call answers, so they are walked here for any answer that changes with them.
 */
const CHANGES: Change[] = [
  action('google.sync', () => ({})),
  action('route.plan', (s) => ({ technician_id: s.ownerId, date: TOMORROW })),
  workflow('schedule_appointment', (s) => ({ contact_id: s.contactId, services: [{ name: 'Window cleaning' }], date: LATER })),
  workflow('handle_reschedule_request', (s) => ({ ticket_id: s.ticketId, new_date: LATER, new_time: '15:00', reasoning: REASON })),
  workflow('process_lead', () => ({
    source: 'phone',
    name: 'Lee Stone',
    email: 'lee@stone.test',
    phone: '+1 256 555 0199',
    address: '12 Oak St, Huntsville, AL 35801',
    service: 'Window cleaning',
  })),
  workflow('send_invoice', (s) => ({ invoice_id: s.invoices.workflow, reasoning: REASON })),
  action('invoice.send', (s) => ({ invoice_id: s.invoices.action })),
  action('invoice.remind', (s) => ({ invoice_id: s.invoices.sent })),
  action('slot_offer.send', (s) => ({
    contact_id: s.contactId,
    services: ['Window cleaning'],
    slots: [{ start: OFFERED, technician_id: s.ownerId }],
  })),
  action('customer_plan.send', (s) => ({ customer_plan_id: s.customerPlanId })),
  action('card.request', (s) => ({ contact_id: s.contactId })),
]

/** An answer normalized, or the refusal that stands for it (its code and message). */
async function answerOf(change: Change, services: Services, s: Seeded): Promise<unknown> {
  try {
    return normalizeAnswer(await change.call(services, s), s.own)
  } catch (err) {
    if (err instanceof AppError) return normalizeAnswer({ refused: err.code, message: err.message }, s.own)
    throw err
  }
}

describe('a call that changes data says when an integration it depends on is off or unreachable, and claims no effect it lacks', () => {
  let t: TestDatabase
  let fakes: Integrations

  const servicesFor = (env: Record<string, string>) =>
    createServices({ ...loadConfig({ PORT: '0', LOG_LEVEL: 'silent', ...env }), logLevel: 'silent' }, t.db, {
      secrets: fakes.secrets,
      now: () => NOW,
    })

  /** A business like every other: a customer with an address and email, a visit tomorrow, three invoices, a plan proposed. */
  const seed = async (n: number): Promise<Seeded> => {
    const services = servicesFor(allOn(fakes.list))
    const biz = await openBusiness(t, 'Walk')
    const owner = biz.owner
    const ownerId = (owner.actor as { id: string }).id
    const run = async (key: string, data: Record<string, unknown>) =>
      (await performAction(services, owner, { domain: key.split('.')[0], action: key.split('.')[1], data }, { requestId: REQUEST }))
        .result as Record<string, unknown>
    // Each business has a Google account of its own, so one business's calendar is never another's busy time.
    const account = await fakes.google.connect(t.db, biz.tenantId, ownerId, ['calendar', 'contacts', 'gmail'], `owner-${n}@walk.test`)
    await run('settings.update', { timezone: ZONE, payment_instructions: 'Checks payable to Walk Window Cleaning' })
    await run('route.set_start', { label: 'The shop', latitude: 34.7304, longitude: -86.5861 })
    const service = await run('service.create', {
      name: 'Window cleaning',
      pricing: 'fixed',
      price_cents: 12_000,
      default_duration_minutes: 60,
    })
    const contact = await run('contact.create', {
      display_name: 'Ada Park',
      email: 'ada@park.test',
      phone: '+1 256 555 0100',
      addresses: [{ line1: '400 Monroe St', city: 'Huntsville', state: 'AL', postal_code: '35801' }],
    })
    const contactId = String(contact.id)
    const neighbour = await run('contact.create', {
      display_name: 'Bo Reyes',
      email: 'bo@reyes.test',
      addresses: [{ line1: '2000 Drake Ave', city: 'Huntsville', state: 'AL', postal_code: '35805' }],
    })
    const visit = async (contact_id: unknown, time: string) =>
      run('ticket.create', {
        contact_id,
        address_id: (await t.admin.query<{ id: string }>('select id from addresses where contact_id = $1', [contact_id])).rows[0].id,
        scheduled_start: zonedInstant(TOMORROW, time, ZONE).toISOString(),
        technician_ids: [ownerId],
      })
    const ticket = await visit(contactId, '10:00')
    await visit(neighbour.id, '13:00')
    // Both places on the map, as the worker finds them: the day's route then has distances to measure.
    await locateAddresses(services)
    const invoice = async () =>
      String(
        (
          await run('invoice.create', {
            contact_id: contactId,
            line_items: [{ description: 'Window cleaning', quantity: 1, unit_price_cents: 12_000 }],
          })
        ).id,
      )
    const invoices = { workflow: await invoice(), action: await invoice(), sent: await invoice() }
    await run('invoice.mark_sent', { invoice_id: invoices.sent })
    const plan = await run('plan.create', {
      name: 'Clear all year',
      includes: [{ service_id: service.id, visits: 1 }],
      price_cents: 3_000,
      cycle: 'quarterly',
      term_cycles: 12,
    })
    const proposed = await run('customer_plan.propose', { plan_id: plan.id, contact_id: contactId, starts_on: LATER })
    return {
      biz,
      own: { [account]: 'google account' },
      ownerId,
      contactId,
      ticketId: String(ticket.id),
      invoices,
      customerPlanId: String(proposed.id),
    }
  }

  beforeAll(async () => {
    t = await freshDatabase(behaviourEngine)
    fakes = await startIntegrations(TODAY, TOMORROW)
  }, SLOW)
  afterAll(async () => {
    await fakes?.close()
    await t?.dispose()
  })

  it(
    'answers as with everything on, or says what is off or unreachable; never an email sent or a pay link it cannot give',
    async () => {
      const on: Mode = { label: 'everything on', env: allOn(fakes.list), named: /$^/, switches: [], which: [], how: 'on' }
      const modes: Mode[] = [on]
      for (const i of fakes.list) for (const how of ['off', 'unreachable'] as const) modes.push(await switched(fakes.list, [i], how))
      let n = 0
      const answersIn = async (mode: Mode) => {
        const s = await seed(n++)
        const services = servicesFor(mode.env)
        const answers = new Map<string, unknown>()
        for (const change of CHANGES) answers.set(change.name, await answerOf(change, services, s))
        return answers
      }
      // A new workflow that changes data joins the walk, or this fails naming it.
      const walked = CHANGES.map((c) => c.name)
      expect(WORKFLOW_TOOLS.filter((w) => !w.readOnly).map((w) => w.name)).toEqual(walked.filter((n) => !n.includes('.')))
      const baseline = await answersIn(on)
      // A second business with everything on answers the same: a difference below is the integration's alone.
      const again = await answersIn(on)
      expect(Object.fromEntries(again)).toEqual(Object.fromEntries(baseline))

      const faults: string[] = []
      const changed = new Map<string, string[]>()
      for (const mode of modes.slice(1)) {
        const answers = await answersIn(mode)
        for (const change of CHANGES) {
          const before = baseline.get(change.name)
          const answer = answers.get(change.name)
          for (const fault of unkeptClaims(answer, mode.which, mode.how)) faults.push(`${change.name} (${mode.label}): ${fault}`)
          if (JSON.stringify(answer) === JSON.stringify(before)) continue
          changed.set(change.name, [...(changed.get(change.name) ?? []), mode.label])
          const refused = (answer as { refused?: string }).refused
          if ((refused === 'UNAVAILABLE' || refused === 'CONFLICT') && mode.named.test(String((answer as { message: string }).message)))
            continue
          for (const fault of hiddenUnknowns(before, answer, mode.named, mode.switches))
            faults.push(`${change.name} (${mode.label}): ${fault}`)
        }
      }
      if (process.env.SHOW_UNKNOWN) {
        console.log([...changed].map(([name, labels]) => `${name}: ${labels.join(', ')}`).join('\n'))
        console.log(JSON.stringify(Object.fromEntries(baseline), null, 1))
      }
      expect(faults).toEqual([])
      // Every call answered with everything on (a walk of refusals could not fail), and the walk saw answers change.
      expect([...baseline].filter(([, a]) => (a as { refused?: string }).refused)).toEqual([])
      expect([...changed.keys()]).toEqual(
        expect.arrayContaining(['route.plan', 'google.sync', 'card.request', 'schedule_appointment', 'send_invoice', 'invoice.remind']),
      )
    },
    SLOW,
  )
})
