import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { relativeFields } from '../../core/kernel/bindable.js'
import type { Principal } from '../../core/kernel/context.js'
import { AppError } from '../../core/kernel/errors.js'
import { performAction, performQuery } from '../../core/kernel/operations.js'
import { actionKey, type ActionDefinition } from '../../core/kernel/registry.js'
import { addDays, localDate, localTime, weekdayOf } from '../../core/vocabulary/time.js'
import { syncGoogle } from '../../core/domains/google/sync-job.js'
import { withTenant } from '../../core/db/tenant.js'
import { instantOf } from '../../core/domains/tickets/model.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { bothEngines } from '../helpers/databases.js'
import { b64, PNG } from '../helpers/files.js'
import { PAYMENT_INSTRUCTIONS, settings } from '../helpers/fixtures.js'
import { type GoogleFixture, googleFixture } from '../helpers/google.js'
import { type QuickBooksFixture, quickbooksFixture } from '../helpers/quickbooks.js'
import { WORDS_CALLS, type WordsWorld, wordsWorld } from './customer-calls.js'

// Both engines: the generated registry tests prove the two engines answer alike.

// Generated from the registry: every call that waits for the owner is stored as it meant when asked (day words as dates,
// names as ids, wall-clock times as instants), and is refused rather than run when what it does changed meanwhile.

const SLOW = 600_000
const why = 'Checking that an approval holds its call to what the owner saw'

/** What a test business gives the calls below besides the usual records: a Google account, a QuickBooks company, a visit tomorrow. */
interface BindingWorld extends WordsWorld {
  owner: string
  realmId: string
  /** A calendar of the owner's besides the primary one. */
  calendar: string
  /** A contact with nothing on record, which may be deleted. */
  loner: string
  /** A technician with a visit tomorrow, and the visit. */
  tomorrow: { technician: string; name: string; date: string; ticket: string }
  /** A checked upload of customers, ready to import. */
  upload: string
  /** A sent invoice whose amount an agent set alone, for a customer on autopay: autopay waits for the owner. */
  agentInvoice: string
}

/**
 * A call of each action that waits for the owner, as absolute values. The test gives its relative fields in words where
 * they can be said so ("tomorrow", a name, a wall-clock time).
 */
const CALLS: Record<string, (w: BindingWorld) => Record<string, unknown>> = {
  'address.pin': (w) => ({ address_id: w.ids.address, latitude: 34.7304, longitude: -86.5861 }),
  'card.allow_charge': (w) => ({ invoice_id: w.agentInvoice }),
  'card.remove': (w) => ({ contact_id: w.ids.to_contact }),
  'card.set_autopay': (w) => ({ contact_id: w.ids.contact, autopay: true }),
  'contact.delete': (w) => ({ contact_id: w.loner }),
  'contact.merge': (w) => ({ survivor_id: w.ids.contact, merged_id: w.ids.to_contact }),
  'custom_field.define': (w) => ({ applies_to: 'contact', key: `gate_${w.n}`, label: 'Gate', field_type: 'text' }),
  'custom_field.update': (w) => ({ custom_field_id: w.ids.custom_field, label: 'Gate code' }),
  'custom_field.archive': (w) => ({ custom_field_id: w.ids.custom_field }),
  'google.choose_calendar': (w) => ({ calendar: w.calendar, user_id: w.owner }),
  'google.choose_shared_calendar': (w) => ({ calendar: w.calendar }),
  'google.choose_gmail_labels': (w) => ({ labels: ['INBOX'], user_id: w.owner }),
  'google.turn_off': (w) => ({ feature: 'gmail', reason: why, user_id: w.owner }),
  'google.disconnect': (w) => ({ reason: why, user_id: w.owner }),
  'import.run': (w) => ({ upload_id: w.upload }),
  'invoice.void': (w) => ({ invoice_id: w.ids.invoice, reason: 'Billed twice' }),
  'customer_plan.cancel': (w) => ({ customer_plan_id: w.ids.customer_plan, note: 'Moving away' }),
  'customer_plan.change_price': (w) => ({ customer_plan_id: w.ids.customer_plan, price_cents: 4900 }),
  'customer_plan.pause': (w) => ({ customer_plan_id: w.ids.customer_plan }),
  'customer_plan.resume': (w) => ({ customer_plan_id: w.ids.paused_customer_plan }),
  'plan.archive': (w) => ({ plan_id: w.ids.plan }),
  'plan.create': (w) => ({
    name: `Quarterly gutters ${w.n}`,
    includes: [{ service_id: w.ids.service, visits: 1 }],
    price_cents: 12_000,
    cycle: 'quarterly',
    term_cycles: 4,
  }),
  'plan.update': (w) => ({ plan_id: w.ids.plan, price_cents: 4_900 }),
  'quickbooks.connect': () => ({ reason: why }),
  'quickbooks.disconnect': () => ({ reason: why }),
  'quickbooks.import_customers': () => ({ dry_run: false }),
  'reach_out.set_period': (w) => ({ days: 2 + (w.n % 300) }),
  'reach_out_batch.send': (w) => ({ batch_id: w.ids.reach_out_batch }),
  'reach_out_rule.turn_on': (w) => ({ reach_out_rule_id: w.ids.reach_out_rule }),
  'recurring_invoice.create': (w) => ({
    contact_id: w.ids.contact,
    cycle: 'monthly',
    starts_on: new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10),
    line_items: [{ description: `Lobby glass ${w.n}`, unit_price_cents: 20_000 }],
  }),
  'recurring_invoice.update': (w) => ({ recurring_invoice_id: w.ids.recurring_invoice, due_days: 20 }),
  'recurring_invoice.pause': (w) => ({ recurring_invoice_id: w.ids.recurring_invoice }),
  'recurring_invoice.resume': (w) => ({ recurring_invoice_id: w.ids.paused_recurring_invoice }),
  'recurring_invoice.end': (w) => ({ recurring_invoice_id: w.ids.recurring_invoice }),
  'segment.send_message': (w) => WORDS_CALLS['segment.send_message'](w),
  'series.end': (w) => ({ series_id: w.ids.series, reason: 'Moving away' }),
  'settings.set_logo': () => ({ content_base64: b64(PNG) }),
  'slot_offer.send': (w) => WORDS_CALLS['slot_offer.send'](w),
  'template.set_default': (w) => ({ template_id: w.ids.template }),
  'text.record_consent': (w) => ({ contact_id: w.ids.contact, kind: 'marketing', how: 'phone_call' }),
  'ticket.close': (w) => WORDS_CALLS['ticket.close'](w),
  'ticket.move_day': (w) => ({
    technician_id: w.tomorrow.technician,
    date: w.tomorrow.date,
    to_date: addDays(w.tomorrow.date, 1),
    to_technician_id: w.ids.user,
  }),
  'user.add': (w) => ({ email: `new${w.n}@binding.test`, name: `New ${w.n}`, role: 'technician' }),
}

/**
 * How the world changes under a waiting call, where the same call having run meanwhile would leave it doing the same
 * again: a new customer in the segment, a visit booked into an offered time, the company connected meanwhile.
 */
const CHANGES: Record<string, (w: BindingWorld, run: (key: string, data: unknown) => Promise<any>) => Promise<void>> = {
  'segment.send_message': async (w, run) => {
    const newcomer = await run('contact.create', { display_name: `Newcomer ${w.n}`, email: `newcomer${w.n}@binding.test` })
    await run('segment.add_members', { segment_id: w.segment, contact_ids: [newcomer.id] })
  },
  'slot_offer.send': async (w, run) => {
    await run('ticket.create', {
      contact_id: w.ids.contact,
      scheduled_start: `${w.wednesday}T10:00`,
      duration_minutes: 60,
      technician_ids: [w.ids.user],
    })
  },
}

/**
 * Actions whose effect no change of the business can alter, since they only begin something the owner finishes in person:
 * the same call allowed again does the same again, which is what the owner saw.
 */
const SAME_EFFECT_ALWAYS: Record<string, string> = {
  'quickbooks.connect': "only makes Intuit's consent page for the owner to open signed in; it reads and changes nothing else",
}

/**
 * The records of a world a call may name: every id and day it holds, not the owner, the QuickBooks company and the
 * calendar, which every call gets anew.
 */
function recordsOf(w: BindingWorld): Set<string> {
  const { owner: _owner, realmId: _realm, calendar: _calendar, n: _n, ...records } = w
  return stringsIn(records)
}

/** The records of the world that an action's call names. */
function recordsNamed(key: string, w: BindingWorld): string[] {
  const records = recordsOf(w)
  return [...stringsIn(CALLS[key](w))].filter((value) => records.has(value))
}

/** Every string in a value, however deep. */
function stringsIn(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') into.add(value)
  else if (value && typeof value === 'object') for (const inner of Object.values(value)) stringsIn(inner, into)
  return into
}

describe.each(bothEngines)('every call that waits for the owner is held to what it meant and what it did (%s)', (engine) => {
  let app: TestApp
  let qb: QuickBooksFixture
  let google: GoogleFixture
  let owner: Principal
  let agent: Principal
  let worlds = 0
  let last: BindingWorld | null = null
  /** The records of the last world that its calls named so far. */
  const named = new Set<string>()
  const request = () => ({ requestId: randomUUID() })

  beforeAll(async () => {
    qb = await quickbooksFixture()
    google = await googleFixture({ secrets: qb.secrets })
    app = await startTestApp(engine, {
      ...qb.services,
      ...google.services,
      integrations: { ...qb.services.integrations, ...google.services.integrations },
    })
    await settings(app, { payment_instructions: PAYMENT_INSTRUCTIONS })
    owner = { tenantId: app.tenant.tenant_id, actor: { type: 'user', id: app.tenant.owner_user_id, role: 'owner' } }
    const token = await app.t.admin.query<{ id: string }>('select id from agent_tokens where tenant_id = $1', [app.tenant.tenant_id])
    agent = { tenantId: app.tenant.tenant_id, actor: { type: 'agent', id: token.rows[0].id } }
  }, SLOW)
  afterAll(async () => {
    await app?.close()
    await qb?.close()
    await google?.close()
  })

  async function run(key: string, data: unknown): Promise<any> {
    const def = app.services.registry.actions.get(key) as ActionDefinition
    return (await performAction(app.services, owner, { domain: def.domain, action: def.name, data }, request())).result
  }

  /**
   * The world for the call of one action: the last one's, unless the call names one of its records that an earlier call
   * named (and may have changed, merged or removed), then a fresh one. Worlds cost most of the file: shared this way, a
   * few serve every call. A call whose effect reaches records it does not name shows here as a later call not running,
   * never as a pass. Google's calendars are read again only for Google's own actions.
   */
  async function world(key: string): Promise<BindingWorld> {
    worlds += 1
    const n = 900 + worlds
    const reused = last && !recordsNamed(key, last).some((record) => named.has(record)) ? last : null
    if (!reused) named.clear()
    const base = reused ?? (await wordsWorld(run, app.t.db, owner.tenantId, n))
    // The records come with a standing rule letting agents void invoices: here every call waits for the owner.
    if (!reused) await run('standing_rule.revoke', { rule_id: base.ids.rule })
    const ownerId = app.tenant.owner_user_id
    const email = 'owner@sparkle.test'
    await google.connect(app.t.db, owner.tenantId, ownerId, ['calendar', 'contacts', 'gmail'], email).catch(() => undefined)
    const calendar = google.fake.calendar.makeCalendar(email, `Work ${n}`)
    // A sync writes every visit of the worlds made so far to Google: the other actions need none of it.
    if (key.startsWith('google.')) {
      await run('google.sync', { user_id: ownerId })
      await syncGoogle(app.services)
    }
    const realmId = await qb.connect(app.t.db, owner.tenantId, ownerId).catch(() => '')
    if (realmId)
      qb.fake.data[realmId]?.create('Customer', {
        DisplayName: `From QuickBooks ${n}`,
        PrimaryEmailAddr: { Address: `qb${n}@binding.test` },
      })
    if (reused) {
      last = { ...reused, n, owner: ownerId, realmId, calendar }
      return last
    }
    const loner = (await run('contact.create', { display_name: `Loner ${n}` })).id
    const tz = 'America/Chicago'
    const date = addDays(localDate(app.services.now(), tz), 1)
    const technician = (await run('user.add', { email: `morrow${n}@binding.test`, name: `Morrow${n} Tech`, role: 'technician' })).id
    const ticket = (
      await run('ticket.create', {
        contact_id: base.ids.contact,
        scheduled_start: `${date}T10:00`,
        duration_minutes: 60,
        technician_ids: [technician],
      })
    ).id
    const upload = await run('import.upload', {
      kind: 'csv_customers',
      csv: `Name,Email Address\nUpload ${n},upload${n}@binding.test\n`,
      filename: `upload-${n}.csv`,
    })
    await run('import.check', { upload_id: upload.id })
    for (let checking = true; checking; await new Promise((resolve) => setTimeout(resolve, 20))) {
      checking =
        ((await performQuery(app.services, owner, { type: 'import_uploads', id: upload.id }, request())) as { check_status: string })
          .check_status === 'checking'
    }
    const agentInvoice = (
      await run('invoice.create', { contact_id: base.ids.to_contact, line_items: [{ description: `Panes ${n}`, unit_price_cents: 4000 }] })
    ).id
    await run('invoice.mark_sent', { invoice_id: agentInvoice })
    await withTenant(app.t.db, { tenantId: owner.tenantId, actorType: 'system' }, async (tx) => {
      await tx.query(`update invoices set amount_set_by = 'agent' where id = $1`, [agentInvoice])
      await tx.query('update contacts set autopay_at = now() where id = $1', [base.ids.to_contact])
    })
    last = {
      ...base,
      agentInvoice,
      owner: ownerId,
      realmId,
      calendar,
      loner,
      tomorrow: { technician, name: `Morrow${n} Tech`, date, ticket },
      upload: upload.id,
    }
    return last
  }

  /** The call with its relative fields said in words, where they can be: a day near today, a team member's name, a wall-clock time. */
  async function saidInWords(def: ActionDefinition, call: Record<string, unknown>): Promise<Record<string, unknown>> {
    const tz = 'America/Chicago'
    const today = localDate(app.services.now(), tz)
    const names = new Map(
      (await app.t.admin.query<{ id: string; name: string }>('select id, name from users where tenant_id = $1', [owner.tenantId])).rows.map(
        (u) => [u.id, u.name],
      ),
    )
    const said = structuredClone(call)
    for (const { field, what } of relativeFields(def.input)) {
      const path = field.split('.')
      const holder = path.slice(0, -1).reduce<any>((at, k) => at?.[k], said)
      const last = path.at(-1) as string
      const value = holder?.[last]
      if (typeof value !== 'string') continue
      if (what === 'a day') holder[last] = dayWord(value, today)
      if (what === 'a team member' && names.get(value)) holder[last] = names.get(value)
      if (what === 'a time' && /Z|[+-]\d\d:\d\d$/.test(value))
        holder[last] = `${localDate(new Date(value), tz)}T${localTime(new Date(value), tz)}`
    }
    return said
  }

  it(
    'each is stored as it meant, runs when nothing changed, and is refused, never run otherwise, once the world changed under it',
    async () => {
      const waiting = [...app.services.registry.actions.values()].filter((d) => d.access.agent === 'requires_authorization')
      const missing = waiting.map((d) => actionKey(d.domain, d.name)).filter((key) => !CALLS[key])
      expect(missing, 'every action that waits for the owner has a call here').toEqual([])
      const problems: string[] = []
      for (const def of waiting) {
        const key = actionKey(def.domain, def.name)
        const w = await world(key)
        for (const record of recordsNamed(key, w)) named.add(record)
        const call = CALLS[key](w)
        const said = await saidInWords(def, call)
        const ask = async () => {
          const r = await performAction(
            app.services,
            agent,
            { domain: def.domain, action: def.name, data: said, reasoning: why },
            request(),
          )
          expect(r.queued, `${key} waits for the owner`).toBe(true)
          return (r.result as { request_id: string }).request_id
        }
        const first = await ask().catch((err) => (err instanceof AppError ? `${err.code} ${err.message}` : Promise.reject(err)))
        if (!/^[0-9a-f-]{36}$/.test(first)) {
          problems.push(`${key}: not queued: ${first.slice(0, 200)}`)
          continue
        }
        const second = await ask()
        // Stored as it meant: every relative field holds the absolute value the call was built from.
        const stored = (await performQuery(app.services, owner, { type: 'authorization_requests', id: second }, request())) as any
        for (const { field } of relativeFields(def.input)) {
          const path = field.split('.')
          const want = path.reduce<any>((at, k) => at?.[k], call)
          const got = path.reduce<any>((at, k) => at?.[k], stored.data)
          const meant = typeof want === 'string' && /T\d\d:\d\d$/.test(want) ? instantOf(want, 'America/Chicago').toISOString() : want
          if (want !== undefined && got !== meant && new Date(String(got)).getTime() !== new Date(String(meant)).getTime())
            problems.push(`${key} ${field}: stored ${JSON.stringify(got)}, meant ${JSON.stringify(want)}`)
        }
        const decide = async (id: string) =>
          (
            await performAction(
              app.services,
              owner,
              { domain: 'authorization', action: 'decide', data: { request_id: id, decision: 'allow_once' } },
              request(),
            )
          ).result as { status: string; error: { code: string; message: string } | null }
        const ran = await decide(first)
        if (ran.status !== 'executed') problems.push(`${key}: did not run with nothing changed: ${ran.error?.message}`)
        await CHANGES[key]?.(w, run)
        const refused = await decide(second)
        if (SAME_EFFECT_ALWAYS[key]) {
          if (refused.status !== 'executed')
            problems.push(`${key}: its effect cannot change, yet it was refused: ${refused.error?.message}`)
        } else if (refused.status !== 'failed') problems.push(`${key}: ran again after the world changed under it`)
      }
      expect(problems).toEqual([])
    },
    SLOW,
  )
})

/** A date as a day word when it is one ("today", "tomorrow", a weekday of the coming week), else the date itself. */
function dayWord(date: string, today: string): string {
  if (date === today) return 'today'
  if (date === addDays(today, 1)) return 'tomorrow'
  for (let ahead = 2; ahead < 7; ahead++) if (addDays(today, ahead) === date) return weekdayOf(date)
  return date
}
