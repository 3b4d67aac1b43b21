import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashSecret } from '../../../core/auth/secrets.js'
import { deliverDue } from '../../../core/jobs/worker.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { startFakeResend, type FakeResend } from '../../helpers/fake-resend.js'
import { fakeResendClient } from '../../helpers/delivery-fixtures.js'
import { asTenant, auditActions, fieldsOf, made } from '../../helpers/fixtures.js'

/** Tuesday 2026-10-27, 10:15 in Chicago; moved forward by the tests. */
const START = new Date('2026-10-27T15:15:00Z')
const clock = { now: START }

/** Wednesday 2026-10-28 in Chicago (UTC-5): 9:00, 11:00 and 14:00. */
const NINE = '2026-10-28T14:00:00.000Z'
const ELEVEN = '2026-10-28T16:00:00.000Z'
const TWO = '2026-10-28T19:00:00.000Z'

describe.each(engines)('times offered by email, picked through a secret link (%s)', (engine) => {
  let app: TestApp
  let fake: FakeResend
  let owner: string
  let windows: string

  beforeAll(async () => {
    clock.now = START
    fake = await startFakeResend()
    app = await startTestApp(engine, { now: () => clock.now, integrations: { stripe: null } })
    app.services.email = fakeResendClient(fake)
    owner = app.tenant.owner_user_id
    windows = (
      await made(app, 'service', 'create', { name: 'Window cleaning', pricing: 'fixed', price_cents: 15_000, default_duration_minutes: 90 })
    ).id
  })
  afterAll(async () => {
    await app?.close()
    await fake?.close()
  })

  const offerData = (who: Record<string, string>, starts = [NINE, ELEVEN, TWO], extra: Record<string, unknown> = {}) => ({
    ...who,
    service_ids: [windows],
    slots: starts.map((start) => ({ start, technician_id: owner })),
    ...extra,
  })
  /** The link in the offer's email, and the email. */
  const linkOf = (offerId: string) => {
    const email = fake.emails.find((e) => e.idempotencyKey === `slot-offer-${offerId}`)
    expect(email, 'the offer email was sent').toBeDefined()
    const link = /http:\/\/127\.0\.0\.1:\d+\/offer\/[\w-]{43}/.exec(String(email!.text))?.[0]
    expect(link).toBeDefined()
    return { link: link as string, email: email! }
  }
  const get = (link: string) => fetch(link).then(async (r) => ({ status: r.status, text: await r.text(), headers: r.headers }))
  const pick = (link: string, slot: string) =>
    fetch(link, { method: 'POST', body: new URLSearchParams({ slot }), redirect: 'manual' }).then(async (r) => ({
      status: r.status,
      text: await r.text(),
    }))
  const offerOf = async (id: string) => expectData(await app.query({ type: 'slot_offers', id }))
  const ticketsOf = async (contactId: string) => expectData(await app.query({ type: 'tickets', contact_id: contactId })).items as any[]
  const customer = async (name: string, email: string) =>
    (await made(app, 'contact', 'create', { display_name: name, first_name: name.split(' ')[0], email })).id as string
  async function withRule<T>(fn: () => Promise<T>): Promise<T> {
    const rule = await app.ownerAction('standing_rule', 'create', {
      action: 'slot_offer.send',
      conditions: [{ fact: 'hours_notice', op: 'at_least', value: 12 }],
    })
    try {
      return await fn()
    } finally {
      await app.ownerAction('standing_rule', 'revoke', { rule_id: rule.id })
    }
  }
  /** An offer sent under the standing rule: the offer and its link. */
  const offered = (data: Record<string, unknown>) =>
    withRule(async () => {
      const offer = await made(app, 'slot_offer', 'send', data, 'She asked when we can come')
      return { offer, ...linkOf(offer.id) }
    })

  it('without a standing rule the offer waits for the owner, emails nobody, and Allow Once sends it', async () => {
    const ann = await customer('Ann Wait', 'ann@example.com')
    const queued = await app.action('slot_offer', 'send', offerData({ contact_id: ann }), { reasoning: 'She asked for a time' })
    expect(queued.status).toBe(202)
    const request = expectData(await app.query({ type: 'authorization_requests', id: queued.body.data.request_id }))
    expect(request.summary).toBe(
      'Email Ann Wait (ann@example.com) 3 times to book Window cleaning ($150.00); the first one picked is booked',
    )
    expect(request.preview.facts).toEqual({ hours_notice: 22, amount_cents: 15_000 })
    // The expiry in the business's time; the default 48 hours reach past every time offered, so the card says so.
    expect(request.preview.warnings).toEqual([
      'The link works until Wednesday, October 28, 2026 at 2:00 PM CDT; by then 2 of the 3 times offered will have begun, and a time that has begun can no longer be picked.',
    ])
    expect(fake.emails.filter((e) => e.to.includes('ann@example.com'))).toHaveLength(0)
    expect(expectData(await app.query({ type: 'slot_offers', contact_id: ann })).items).toEqual([])

    const decided = await app.ownerAction('authorization', 'decide', { request_id: request.id, decision: 'allow_once' })
    expect(decided.status).toBe('executed')
    const offer = await offerOf(decided.result.id)
    expect(offer).toMatchObject({ status: 'open', contact_id: ann, email: 'ann@example.com', duration_minutes: 90 })
    expect(offer.emailed_at).not.toBeNull()
    expect(offer.slots.map((s: any) => [s.start, s.end, s.status])).toEqual([
      [NINE, '2026-10-28T15:30:00.000Z', 'open'],
      [ELEVEN, '2026-10-28T17:30:00.000Z', 'open'],
      [TWO, '2026-10-28T20:30:00.000Z', 'open'],
    ])
    const { link, email } = linkOf(offer.id)
    expect(email.to).toEqual(['ann@example.com'])
    expect(email.subject).toBe('Pick a time for your visit with Sparkle Windows')
    // Greeted by first name, as every email is; each time with the business's time zone; the deadline to pick, worded as one.
    expect(email.text).toMatch(/^Hi Ann,\n/)
    expect(email.text).toContain('- Wednesday, October 28, 2026 at 9:00 AM CDT\n')
    expect(email.text).toContain('- Wednesday, October 28, 2026 at 2:00 PM CDT\n')
    expect(email.text).toContain(
      'Pick a time by Wednesday, October 28, 2026 at 2:00 PM CDT; after that these times are released. ' +
        'Your pick books the visit and confirms it: there is nothing else to confirm.',
    )
    expect(email.text).not.toContain('Ann Wait')
    const stored = await asTenant(
      app,
      async (tx) => (await tx.query('select token_hash from slot_offers where id = $1', [offer.id])).rows[0],
    )
    expect(stored.token_hash).toBe(hashSecret(link.split('/offer/')[1]))
    // A second agent call is queued again: the owner allowed that one call, not the action.
    expect((await app.action('slot_offer', 'send', offerData({ contact_id: ann }), { reasoning: 'again' })).status).toBe(202)
  })

  it('refuses times that are not really free, naming the slot, before anything is queued', async () => {
    const bo = await customer('Bo Busy', 'bo@example.com')
    const late = await app.action('slot_offer', 'send', offerData({ contact_id: bo }, [NINE, '2026-10-28T17:00']), { reasoning: 'x' })
    expectError(late, 400, 'VALIDATION_ERROR')
    expect(late.body.error.message).toContain('outside business hours')
    expect(fieldsOf(late)).toEqual(['data.slots.1'])
    const past = await app.action('slot_offer', 'send', offerData({ contact_id: bo }, ['2026-10-27T09:00', NINE]), { reasoning: 'x' })
    expect(fieldsOf(past)).toEqual(['data.slots.0'])
    const visit = await made(app, 'ticket', 'create', {
      contact_id: bo,
      scheduled_start: '2026-10-29T10:00',
      duration_minutes: 60,
      technician_ids: [owner],
    })
    const clash = await app.action('slot_offer', 'send', offerData({ contact_id: bo }, [NINE, '2026-10-29T09:30']), { reasoning: 'x' })
    expectError(clash, 409, 'CONFLICT')
    expect(clash.body.error.message).toContain(`data.slots.1: `)
    expect(clash.body.error.message).toContain(`ticket #${visit.number}`)
    const none = await app.action('slot_offer', 'send', offerData({ contact_id: bo }, []), { reasoning: 'x' })
    expect(fieldsOf(none)).toEqual(['data.slots'])
    const six = ['09:00', '10:00', '11:00', '12:00', '13:00', '14:00'].map((t) => `2026-10-30T${t}`)
    expect(fieldsOf(await app.action('slot_offer', 'send', offerData({ contact_id: bo }, six), { reasoning: 'x' }))).toEqual(['data.slots'])
    const both = await app.action('slot_offer', 'send', { ...offerData({ contact_id: bo }), lead_id: bo }, { reasoning: 'x' })
    expect(both.status).toBe(400)
    expect(
      expectData(await app.query({ type: 'authorization_requests', status: 'pending' })).items.map((r: any) => r.data.contact_id),
    ).not.toContain(bo)
  })

  it('with the standing rule a lead gets the offer at once; picking books the visit confirmed and makes the customer', async () => {
    const lead = await made(app, 'lead', 'create', {
      raw_notes: 'Wants windows cleaned, 12 Oak St, Springfield, IL 62701',
      name: 'Lee Lead',
      email: 'lee@example.com',
      address: '12 Oak St, Springfield, IL 62701',
      access_notes: 'Gate code 4821',
      preferred_times: 'mornings',
    })
    const { offer, link, email } = await offered(
      offerData({ lead_id: lead.id }, [NINE, ELEVEN, TWO], { note: 'Bring the ladder round the back' }),
    )
    expect(offer).toMatchObject({ status: 'open', lead_id: lead.id, contact_id: null })
    expect(email.to).toEqual(['lee@example.com'])
    // A lead has no first name of its own: the first word of its name, as {{customer_first_name}} reads it.
    expect(email.text).toMatch(/^Hi Lee,\n/)
    expect(email.text).toContain('Bring the ladder round the back')
    const allowed = await asTenant(
      app,
      async (tx) =>
        (await tx.query(`select count(*)::int as n from audit_log where entity_type = 'standing_rule' and action = 'allow'`)).rows[0].n,
    )
    expect(allowed).toBeGreaterThan(0)

    const page = await get(link)
    expect(page.status).toBe(200)
    expect(page.headers.get('cache-control')).toMatch(/no-store/)
    for (const words of [
      'Pick a time',
      'Window cleaning',
      'Bring the ladder round the back',
      'Wednesday, October 28, 2026 at 11:00 AM CDT',
      'Pick a time by Wednesday, October 28, 2026 at 2:00 PM CDT; after that these times are released.',
    ])
      expect(page.text).toContain(words)
    expect(expectData(await app.query({ type: 'leads', id: lead.id })).status).toBe('new')

    const eleven = offer.slots[1].id
    const booked = await pick(link, eleven)
    expect(booked.status).toBe(200)
    expect(booked.text).toContain('your visit is booked and confirmed for Wednesday, October 28, 2026 at 11:00 AM CDT')
    expect(booked.text).toContain('There is nothing else to confirm.')
    const converted = expectData(await app.query({ type: 'leads', id: lead.id }))
    expect(converted.status).toBe('converted')
    const contactId = converted.converted_contact_id
    const [ticket] = await ticketsOf(contactId)
    // The pick was her confirmation.
    expect(ticket).toMatchObject({
      scheduled_start: ELEVEN,
      scheduled_end: '2026-10-28T17:30:00.000Z',
      status: 'confirmed',
      confirmation_status: 'accepted',
    })
    const detail = expectData(await app.query({ type: 'tickets', id: ticket.id, include: 'line_items,technicians,address,notes' }))
    // What the lead told us is on the visit: the gate code on its address and in its notes, with the times asked for.
    expect(detail.address.access_notes).toBe('Gate code 4821')
    expect(detail.notes).toBe("From the customer's request:\nAccess: Gate code 4821\nPreferred times: mornings")
    expect(detail.line_items.map((l: any) => [l.description, l.price_cents])).toEqual([['Window cleaning', 15_000]])
    expect(detail.technicians.map((t: any) => t.user_id)).toEqual([owner])
    expect(detail.address_id).not.toBeNull()
    const after = await offerOf(offer.id)
    expect(after).toMatchObject({ status: 'booked', ticket_id: ticket.id, booked_slot_id: eleven, contact_id: contactId })
    expect(after.slots.map((s: any) => s.status)).toEqual(['lapsed', 'booked', 'lapsed'])
    expect(await auditActions(app, 'slot_offer', offer.id)).toEqual(['create', 'book'])

    // No email asks her to confirm the time she picked; tomorrow morning's reminder would be past, so none is queued.
    expect(expectData(await app.query({ type: 'scheduled_messages', ticket_id: ticket.id })).items).toEqual([])
    clock.now = new Date(clock.now.getTime() + 60_000)
    await deliverDue(app.services)
    expect(fake.emails.filter((e) => e.to.includes('lee@example.com')).map((e) => e.subject)).toEqual([email.subject])

    // The link now shows what was booked; a second pick books nothing.
    const again = await get(link)
    expect(again.status).toBe(200)
    expect(again.text).toContain('your visit is booked and confirmed for Wednesday, October 28, 2026 at 11:00 AM CDT')
    expect(again.text).not.toContain('name="slot"')
    const second = await pick(link, offer.slots[2].id)
    expect(second.status).toBe(409)
    expect(second.text).toContain('already picked')
    expect(await ticketsOf(contactId)).toHaveLength(1)
  })

  it('a picked time is confirmed by the pick: no confirmation or follow-up is queued, and the reminder the day before still goes', async () => {
    const gus = await customer('Gus Picked', 'gus@example.com')
    const { offer, link } = await offered(offerData({ contact_id: gus }, ['2026-11-05T09:00', '2026-11-05T13:00']))
    const booked = await pick(link, offer.slots[1].id)
    expect(booked.status).toBe(200)
    // November 5 is after the clocks went back: Central Standard Time.
    expect(booked.text).toContain('your visit is booked and confirmed for Thursday, November 5, 2026 at 1:00 PM CST')
    expect(booked.text).toContain('We will email you a reminder on Wednesday, November 4, 2026.')
    const [ticket] = await ticketsOf(gus)
    expect(ticket).toMatchObject({ status: 'confirmed', confirmation_status: 'accepted' })
    const queued = expectData(await app.query({ type: 'scheduled_messages', ticket_id: ticket.id })).items as any[]
    // The reminder at 09:00 the day before, in the business's time zone.
    expect(queued.map((m) => [m.kind, m.status, m.send_at])).toEqual([['reminder', 'pending', '2026-11-04T15:00:00.000Z']])
    expect(await auditActions(app, 'ticket', ticket.id)).toEqual(['create'])

    const saved = clock.now
    clock.now = new Date('2026-11-04T15:01:00Z')
    try {
      await deliverDue(app.services)
    } finally {
      clock.now = saved
    }
    const mails = fake.emails.filter((e) => e.to.includes('gus@example.com'))
    expect(mails.map((e) => e.subject)).toEqual([
      'Pick a time for your visit with Sparkle Windows',
      'Reminder: Sparkle Windows is coming on Thursday, November 5, 2026',
    ])
    expect(mails[1].text).toMatch(/^Hi Gus,/)
    expect(mails[1].text).not.toContain('Confirm this time')
  })

  it('a time taken meanwhile is refused with the others still offered, and one of them can be booked', async () => {
    const cy = await customer('Cy Taken', 'cy@example.com')
    const thursday = ['2026-10-29T13:00', '2026-10-29T14:00', '2026-10-29T15:00']
    const { offer, link } = await offered(offerData({ contact_id: cy }, thursday))
    const other = await customer('Di Other', 'di@example.com')
    await made(app, 'ticket', 'create', {
      contact_id: other,
      scheduled_start: '2026-10-29T13:30',
      duration_minutes: 60,
      technician_ids: [owner],
    })

    const taken = await pick(link, offer.slots[0].id)
    expect(taken.status).toBe(409)
    expect(taken.text).toContain('that time was just taken')
    expect(taken.text).not.toContain(offer.slots[0].id)
    expect(taken.text).toContain(offer.slots[1].id)
    expect(taken.text).toContain(offer.slots[2].id)
    expect(await ticketsOf(cy)).toHaveLength(0)
    expect((await offerOf(offer.id)).slots.map((s: any) => s.status)).toEqual(['taken', 'open', 'open'])

    const taken2 = await pick(link, offer.slots[0].id)
    expect(taken2.status).toBe(409)
    expect(taken2.text).toContain('That time is no longer on offer')
    expect((await pick(link, 'not-a-slot')).status).toBe(409)
    const ok = await pick(link, offer.slots[2].id)
    expect(ok.status).toBe(200)
    expect(ok.text).toContain('Thursday, October 29, 2026 at 3:00 PM CDT')
    expect(await ticketsOf(cy)).toHaveLength(1)
    expect(await auditActions(app, 'slot_offer', offer.id)).toEqual(['create', 'slot_taken', 'book'])
  })

  it('the same time offered to two customers: the first pick books it, the other is told it went and keeps the rest', async () => {
    const friday = ['2026-10-30T13:00', '2026-10-30T15:00']
    const eve = await customer('Eve First', 'eve.first@example.com')
    const fay = await customer('Fay Second', 'fay.second@example.com')
    const gus = await customer('Gus Third', 'gus.third@example.com')
    const first = await offered(offerData({ contact_id: eve }, friday))
    const second = await offered(offerData({ contact_id: fay }, friday))
    // Gus was offered 13:00 and 13:30: the visit booked at 13:00 for 90 minutes takes both.
    const third = await offered(offerData({ contact_id: gus }, ['2026-10-30T13:00', '2026-10-30T13:30']))
    expect((await pick(first.link, first.offer.slots[0].id)).status).toBe(200)
    expect((await offerOf(second.offer.id)).slots.map((s: any) => s.status)).toEqual(['taken', 'open'])
    const told = fake.emails.find((e) => e.idempotencyKey === `slot-offer-gone-${second.offer.id}-${first.offer.id}`)
    expect(told?.to).toEqual(['fay.second@example.com'])
    expect(told?.subject).toBe('That time has gone - Sparkle Windows')
    expect(told?.text).toMatch(/^Hi Fay,\n\nThe time we offered you on Friday, October 30, 2026 at 1:00 PM CDT has just been booked/)
    expect(told?.text).toContain('The other times in your link still stand')
    expect(await auditActions(app, 'slot_offer', second.offer.id)).toEqual(['create', 'slot_taken'])
    const refused = await pick(second.link, second.offer.slots[0].id)
    expect(refused.status).toBe(409)
    expect((await pick(second.link, second.offer.slots[1].id)).status).toBe(200)
    const gone = fake.emails.filter((e) => e.idempotencyKey === `slot-offer-gone-${third.offer.id}-${first.offer.id}`)
    expect(gone).toHaveLength(1)
    expect(gone[0].text).toContain('We will let you know when another time opens up.')
    expect((await offerOf(third.offer.id)).slots.map((s: any) => s.status)).toEqual(['taken', 'taken'])
  })

  it('an expired or revoked link books nothing and says why; an unknown one is not found', async () => {
    const ed = await customer('Ed Expired', 'ed@example.com')
    const friday = ['2026-10-30T09:00', '2026-10-30T10:00']
    const soon = await offered(offerData({ contact_id: ed }, friday, { expires_in_hours: 2 }))
    expect(soon.offer.expires_at).toBe(new Date(clock.now.getTime() + 2 * 3_600_000).toISOString())
    const late = await offered(offerData({ contact_id: ed }, friday))
    const saved = clock.now
    clock.now = new Date(saved.getTime() + 3 * 3_600_000)
    try {
      const page = await get(soon.link)
      expect(page.status).toBe(410)
      expect(page.text).toContain('the link has expired')
      expect(page.text).not.toContain('name="slot"')
      expect((await pick(soon.link, soon.offer.slots[0].id)).status).toBe(410)
      expect((await offerOf(soon.offer.id)).status).toBe('expired')
      expect(expectData(await app.query({ type: 'slot_offers', status: 'expired' })).items.map((o: any) => o.id)).toContain(soon.offer.id)
    } finally {
      clock.now = saved
    }

    const revoked = await made(app, 'slot_offer', 'revoke', { offer_id: late.offer.id, reason: 'He phoned and booked' })
    expect(revoked).toMatchObject({ status: 'revoked', revoke_reason: 'He phoned and booked' })
    expect((await made(app, 'slot_offer', 'revoke', { offer_id: late.offer.id })).revoked_at).toBe(revoked.revoked_at)
    const page = await get(late.link)
    expect(page.status).toBe(410)
    expect(page.text).toContain('These times were withdrawn')
    expect((await pick(late.link, late.offer.slots[0].id)).status).toBe(410)
    expect(await ticketsOf(ed)).toHaveLength(0)

    expect((await get(late.link.replace(/\/offer\/.{5}/, '/offer/AAAAA'))).status).toBe(404)
    expect((await get(late.link.replace('/offer/', '/quote/'))).status).toBe(404)
  })

  it('a booked offer cannot be revoked: the visit is cancelled instead', async () => {
    const fay = await customer('Fay Booked', 'fay@example.com')
    const { offer, link } = await offered(offerData({ contact_id: fay }, ['2026-11-02T09:00', '2026-11-02T11:00']))
    expect((await pick(link, offer.slots[0].id)).status).toBe(200)
    const refused = await app.action('slot_offer', 'revoke', { offer_id: offer.id })
    expectError(refused, 409, 'CONFLICT')
    expect(refused.body.error.message).toContain('ticket.cancel')
  })

  it('offers three morning times next week by service name: one read of free times, one offer call', async () => {
    const hana = await customer('Hannah Morning', 'hannah@example.com')
    const free = expectData(
      await app.query({ type: 'availability', from: 'next week', part_of_day: 'morning', service: 'window cleaning', limit: 3 }),
    )
    // Monday 2026-11-02 (after the clocks went back, UTC-6), 90-minute visits of Window cleaning, each starting before noon.
    expect(free.items).toHaveLength(3)
    for (const item of free.items) {
      expect(item.slot).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 2026-11-0\d (0\d|1[01]):\d\d–\d\d:\d\d \S+$/)
      expect(item.start).toMatch(/^2026-11-0[2-8]T(0\d|1[01]):\d\d:00-06:00$/)
      const [from, to] = item.slot.split(' ')[2].split('–')
      expect(Date.parse(`2026-01-01T${to}:00Z`) - Date.parse(`2026-01-01T${from}:00Z`)).toBe(90 * 60_000)
    }
    const slots = free.items.map((i: any) => ({ start: i.start, technician_id: i.technician_id }))
    const { offer } = await offered({ contact_id: hana, services: ['Window Cleaning'], slots })
    expect(offer).toMatchObject({ status: 'open', service_ids: [windows], duration_minutes: 90 })
    expect(offer.slots.map((s: any) => s.start)).toEqual(free.items.map((i: any) => new Date(i.start).toISOString()))
  })

  it('takes services by name or id; a shared or unknown name, or both lists, is refused naming the field', async () => {
    const gutters = (await made(app, 'service', 'create', { name: 'Gutter cleaning', pricing: 'fixed', price_cents: 9_000 })).id
    const ida = await customer('Ida Names', 'ida@example.com')
    const call = (extra: Record<string, unknown>) => {
      const { service_ids: _ids, ...rest } = offerData({ contact_id: ida }, ['2026-11-03T09:00', '2026-11-03T13:00'])
      return app.action('slot_offer', 'send', { ...rest, ...extra }, { reasoning: 'She asked for a time' })
    }
    // Waiting for the owner, the call keeps the ids the names meant, so a renamed service cannot change what was approved.
    const queued = await call({ services: ['gutter', windows] })
    expect(queued.status).toBe(202)
    const request = expectData(await app.query({ type: 'authorization_requests', id: queued.body.data.request_id }))
    expect(request.data.services).toEqual([gutters, windows])
    expect(request.summary).toContain('to book Gutter cleaning, Window cleaning ($240.00)')
    const shared = await call({ services: ['cleaning'] })
    expect(fieldsOf(shared)).toEqual(['data.services.0'])
    expect(shared.body.error.details.choices).toEqual(['Gutter cleaning', 'Window cleaning'])
    const unknown = await call({ services: ['roof'] })
    expectError(unknown, 400, 'VALIDATION_ERROR')
    expect(unknown.body.error.message).toContain('no service named like "roof"; the catalog: Gutter cleaning, Window cleaning')
    expect(fieldsOf(await call({ services: ['gutter'], service_ids: [windows] }))).toEqual(['data.services', 'data.service_ids'])
    expect(fieldsOf(await call({}))).toEqual(['data.services', 'data.service_ids'])
  })
})
