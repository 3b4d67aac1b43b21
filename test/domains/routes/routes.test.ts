import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeCensusGeocoder, type FakeCensusGeocoder } from '../../../bench/fake-census-geocoder.js'
import { geocoderFromEnv } from '../../../core/domains/geocoding/settings.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { auditActions, letters, newContact, newTicket, person, validationFieldsOf, type SignedIn } from '../../helpers/fixtures.js'

const DAY = '2031-03-04'

describe.each(engines)("a technician's day in driving order (%s)", (engine) => {
  let app: TestApp
  let fake: FakeCensusGeocoder
  let sam: SignedIn
  const tickets: Record<string, { id: string; number: number }> = {}

  /** A customer at a pinned address on latitude 34.7, with a 45-minute visit for Sam at a UTC hour of the day. */
  async function visitAt(name: string, longitude: number, hour: number): Promise<void> {
    const contact = await newContact(app, { display_name: `Customer ${name}`, email: `${name.toLowerCase()}@example.com` })
    const address = expectData(
      await app.action('address', 'add', {
        contact_id: contact,
        line1: `${name} Main St`,
        city: 'Huntsville',
        state: 'AL',
        postal_code: '35801',
      }),
    )
    await app.ownerAction('address', 'pin', { address_id: address.id, latitude: 34.7, longitude })
    tickets[name] = await newTicket(app, contact, {
      address_id: address.id,
      scheduled_start: `${DAY}T${String(hour).padStart(2, '0')}:00:00Z`,
      duration_minutes: 45,
      technician_ids: [sam.userId],
    })
  }

  beforeAll(async () => {
    fake = await startFakeCensusGeocoder()
    app = await startTestApp(engine, { integrations: { geocoding: geocoderFromEnv(fake.env) } })
    sam = await person(app, 'sam@example.com', 'technician')
    // Booked in a poor order: out to D, back to A, out to C, back to B; F is at a fixed time after lunch.
    await visitAt('D', -86.2, 14)
    await visitAt('A', -86.5, 15)
    await visitAt('C', -86.3, 16)
    await visitAt('B', -86.4, 17)
    await visitAt('F', -86.45, 19)
  })
  afterAll(async () => {
    await app.close()
    await fake.close()
  })

  it("sets the business's home base from an address the geocoder finds, and a technician's own start", async () => {
    const noReason = await app.action('route', 'set_start', { label: 'The shop', latitude: 34.7, longitude: -86.6 })
    expect(noReason.status).toBe(422)
    fake.place('100 Church St SW', '35801', {
      latitude: 34.7,
      longitude: -86.6,
      matched: '100 CHURCH ST SW, HUNTSVILLE, AL, 35801',
      exact: true,
    })
    const shop = expectData(
      await app.action(
        'route',
        'set_start',
        { label: 'The shop', line1: '100 Church St SW', city: 'Huntsville', state: 'AL', postal_code: '35801' },
        { reasoning: 'the owner told me where the shop is' },
      ),
    )
    expect(shop).toMatchObject({ user_id: null, label: 'The shop', latitude: 34.7, longitude: -86.6 })
    const lost = await app.action('route', 'set_start', { label: 'Nowhere', line1: '1 Nowhere Ln', city: 'Huntsville' }, { reasoning: 'x' })
    expect(lost.status).toBe(400)
    expect(validationFieldsOf(lost)).toEqual(['line1'])
    const half = await app.action('route', 'set_start', { label: 'Half', latitude: 34.7 }, { reasoning: 'x' })
    expect(validationFieldsOf(half)).toEqual(['data.longitude'])
    const own = await app.ownerAction('route', 'set_start', {
      technician_id: 'sam',
      label: "Sam's house",
      latitude: 34.8,
      longitude: -86.6,
    })
    expect(own).toMatchObject({ user_id: sam.userId, label: "Sam's house" })
    const starts = expectData(await app.query({ type: 'route_starts' })).items
    expect(starts.map((s: any) => [s.label, s.user_name])).toEqual([
      ['The shop', null],
      ["Sam's house", 'sam'],
    ])
    expect(await app.ownerAction('route', 'remove_start', { technician_id: sam.userId })).toEqual({
      technician_id: sam.userId,
      removed: true,
    })
  })

  it('marks visits anytime only with a reason the owner reads, and never a visit already done', async () => {
    const bare = await app.action('route', 'mark_anytime', { ticket_id: tickets.D.id })
    expect(bare.status).toBe(422)
    for (const name of ['D', 'A', 'C', 'B']) {
      const marked = await app.action('route', 'mark_anytime', { ticket_id: tickets[name].id }, { reasoning: 'she works from home' })
      expect(expectData(marked)).toEqual({ ticket_id: tickets[name].id, number: tickets[name].number, anytime: true, between: null })
    }
    expect(await auditActions(app, 'ticket', tickets.D.id)).toContain('mark_anytime')
    const other = await newContact(app, { display_name: 'Done Customer' })
    const done = await newTicket(app, other, { scheduled_start: `${DAY}T20:00:00Z` })
    await app.t.admin.query(`update tickets set status = 'cancelled', cancelled_at = now() where id = $1`, [done.id])
    const refused = await app.action('route', 'mark_anytime', { ticket_id: done.id }, { reasoning: 'x' })
    expect(refused.status).toBe(409)
    expect(refused.body.error.message).toContain('is cancelled')
  })

  it('takes a window of the day a visit may move within, as long as the visit, and shows it in the plan', async () => {
    const short = await app.action(
      'route',
      'mark_anytime',
      { ticket_id: tickets.D.id, between: { from: '09:00', to: '09:10' } },
      { reasoning: 'mornings' },
    )
    expect(short.status).toBe(400)
    expect(short.body.error.details.issues[0].field).toBe('data.between')
    const odd = await app.action(
      'route',
      'mark_anytime',
      { ticket_id: tickets.D.id, between: { from: '9am', to: '12:00' } },
      { reasoning: 'x' },
    )
    expect(odd.status).toBe(400)
    const windowed = { ticket_id: tickets.D.id, between: { from: '08:00', to: '17:00' } }
    expect(expectData(await app.action('route', 'mark_anytime', windowed, { reasoning: 'she is home all day' }))).toMatchObject({
      anytime: true,
      between: { from: '08:00', to: '17:00' },
    })
    const plan = expectData(await app.action('route', 'plan', { technician_id: 'Sam', date: DAY, apply: false }))
    expect(plan.stops.find((s: any) => s.ticket_id === tickets.D.id).window).toEqual({ from: '08:00', to: '17:00' })
    const back = await app.action('route', 'mark_anytime', { ticket_id: tickets.D.id }, { reasoning: 'any time again' })
    expect(expectData(back).between).toBeNull()
  })

  it("ranks free times by the driving they add: beside the customer's neighbours first", async () => {
    const contact = await newContact(app, { display_name: 'Near B' })
    await app.action('address', 'add', { contact_id: contact, line1: 'Near B St', city: 'Huntsville', state: 'AL', postal_code: '35801' })
    const address = expectData(await app.query({ type: 'addresses', contact_id: contact })).items[0]
    await app.ownerAction('address', 'pin', { address_id: address.id, latitude: 34.7, longitude: -86.41 })
    const ranked = expectData(
      await app.query({
        type: 'availability',
        from: DAY,
        to: DAY,
        technician: 'Sam',
        duration_minutes: 45,
        rank: 'driving',
        contact_id: contact,
        limit: 20,
      }),
    ).items
    // Between B (86.40 W) and F (86.45 W) it adds nothing: the road passes the house.
    expect(ranked[0]).toMatchObject({ start: `${DAY}T12:00:00-06:00`, extra_meters: 0 })
    expect(ranked[0].slot).toContain('+0.0 km (straight line)')
    const meters = ranked.map((r: any) => r.extra_meters)
    expect(meters).toEqual([...meters].sort((a, b) => a - b))
    expect(meters.at(-1)).toBeGreaterThan(5_000)
    const byTime = expectData(
      await app.query({ type: 'availability', from: DAY, to: DAY, technician: 'Sam', duration_minutes: 45, limit: 20 }),
    ).items
    expect(byTime.map((r: any) => r.start).sort()).toEqual(ranked.map((r: any) => r.start).sort())
    const nowhere = await newContact(app, { display_name: 'No Address' })
    const refused = await app.query({ type: 'availability', from: DAY, rank: 'driving', contact_id: nowhere })
    expect(refused.status).toBe(400)
    expect(refused.body.error.message).toContain('rank=driving needs where the visit would be')
  })

  it('spread out with rank=driving, offers each day its best-ranked time, not its earliest', async () => {
    const [WED, THU] = ['2031-03-05', '2031-03-06']
    // On Thursday Sam is far east at 08:00 and 12:00: a visit between the two adds the most, one after them least.
    const east = await newContact(app, { display_name: 'Far East' })
    const far = expectData(
      await app.action('address', 'add', { contact_id: east, line1: 'East St', city: 'Huntsville', state: 'AL', postal_code: '35801' }),
    )
    await app.ownerAction('address', 'pin', { address_id: far.id, latitude: 34.7, longitude: -86.2 })
    for (const hour of [14, 18]) {
      await newTicket(app, east, {
        address_id: far.id,
        scheduled_start: `${THU}T${hour}:00:00Z`,
        duration_minutes: 45,
        technician_ids: [sam.userId],
      })
    }
    const contact = await newContact(app, { display_name: 'Near B Again' })
    const near = expectData(
      await app.action('address', 'add', {
        contact_id: contact,
        line1: 'Near B St',
        city: 'Huntsville',
        state: 'AL',
        postal_code: '35801',
      }),
    )
    await app.ownerAction('address', 'pin', { address_id: near.id, latitude: 34.7, longitude: -86.41 })
    const asked = {
      type: 'availability',
      from: DAY,
      to: THU,
      technician: 'Sam',
      duration_minutes: 45,
      rank: 'driving',
      contact_id: contact,
    }
    const every = expectData(await app.query({ ...asked, limit: 100 })).items
    const bestOn = (day: string) => every.find((r: any) => r.start.startsWith(day))
    const earliestThu = every
      .map((r: any) => r.start)
      .filter((s: string) => s.startsWith(THU))
      .sort()[0]
    expect(bestOn(THU).start).not.toBe(earliestThu)
    const spread = expectData(await app.query({ ...asked, spread: 'days', limit: 3 }))
    expect(spread.items).toEqual([bestOn(DAY), bestOn(WED), bestOn(THU)])
    expect(spread.items[0]).toMatchObject({ start: `${DAY}T12:00:00-06:00`, extra_meters: 0 })
    expect(spread.next_cursor).toBeNull()
  })

  it('previews, then saves, the order that drives least, keeping the fixed visit, with the meters before and after', async () => {
    const numbers = (plan: any) => plan.stops.map((s: any) => s.number)
    const n = (name: string) => tickets[name].number
    const preview = expectData(await app.action('route', 'plan', { technician_id: 'Sam', date: DAY, apply: false }))
    expect(preview).toMatchObject({ technician_id: sam.userId, date: DAY, applied: false, measure: 'meters' })
    expect(preview.start).toEqual({ label: 'The shop', latitude: 34.7, longitude: -86.6, whose: 'business' })
    expect(preview.order_before).toEqual(['D', 'A', 'C', 'B', 'F'].map(n))
    expect(numbers(preview).filter((x: number) => x !== n('F'))).toEqual(['A', 'B', 'C', 'D'].map(n))
    // 1.2 degrees of longitude at 34.7° N before, 0.8 after: out along one road and back.
    expect(preview.meters_before).toBeGreaterThan(109_000)
    expect(preview.meters_before).toBeLessThan(110_500)
    expect(preview.meters_after).toBeGreaterThan(72_500)
    expect(preview.meters_after).toBeLessThan(73_500)
    expect(preview.meters_saved).toBe(preview.meters_before - preview.meters_after)
    expect(preview.stops[0]).toMatchObject({ position: 1, located: 'pin', anytime: true, order_changed: true })
    expect(preview.stops[0].directions_url).toBe(
      'https://www.google.com/maps/dir/?api=1&destination=34.700000%2C-86.500000&travelmode=driving',
    )
    expect(preview.maps_url).toMatch(/^https:\/\/www\.google\.com\/maps\/dir\/\?api=1&origin=34\.700000%2C-86\.600000&/)
    const stillBefore = expectData(await app.action('route', 'plan', { technician_id: sam.userId, date: DAY, apply: false }))
    expect(stillBefore.order_before).toEqual(preview.order_before)

    // A visits fits at its booked 09:00 before the fixed one; B, C and D go after it, each when the drive there allows.
    expect(preview.distances).toBe('straight_line')
    expect(preview.stops.find((s: any) => s.number === n('A')).new_start).toBeNull()
    expect(preview.stops.find((s: any) => s.number === n('F'))).toMatchObject({ new_start: null, anytime: false })
    expect(preview.times_changed.map((c: any) => c.words)).toEqual([
      `#${n('B')} Customer B: Tue 2031-03-04 11:00 → 13:55`,
      `#${n('C')} Customer C: Tue 2031-03-04 10:00 → 15:00`,
      `#${n('D')} Customer D: Tue 2031-03-04 08:00 → 16:05`,
    ])
    expect(preview.notes.join(' ')).toContain('applying the plan moves them and emails each customer the new time')
    expect(preview.notes.join(' ')).toContain('Distances are straight lines between points, not the roads')
    const untouched = expectData(await app.query({ type: 'tickets', id: tickets.D.id }))
    expect(untouched.scheduled_start).toBe(`${DAY}T14:00:00.000Z`)

    // An agent's apply changes customers' times: it waits for the owner every time, naming each move.
    const asked = await app.action('route', 'plan', { technician_id: 'Sam', date: DAY, apply: true })
    expect(asked.status).toBe(422)
    expect(asked.body.error.details.asks_every_time[0]).toContain(`moves 3 customers' booked times and emails them (#${n('B')} Customer B`)
    const queued = await app.action('route', 'plan', { technician_id: 'Sam', date: DAY, apply: true }, { reasoning: 'shorter day' })
    expect(queued.body.data).toMatchObject({ status: 'pending_authorization' })
    const card = expectData(await app.query({ type: 'authorization_requests', id: queued.body.data.request_id }))
    expect(card.preview.effect).toContain(
      `Visit #${n('D')} for Customer D (route plan): scheduled end Tue, Mar 4, 2031, 8:45 AM CST → Tue, Mar 4, 2031, 4:50 PM CST; ` +
        'scheduled start Tue, Mar 4, 2031, 8:00 AM CST → Tue, Mar 4, 2031, 4:05 PM CST',
    )
    expect(card.preview.effect.join(' ')).toContain('Moved email to Customer D <d@example.com>')
    expect(card.preview.summary).toBe(
      "Apply sam's route for Tuesday, March 4, 2031: 5 visits in a new order, 36.6 km less driving (straight lines); 3 visits move and their customers are emailed the new time",
    )

    const applied = await app.ownerAction('route', 'plan', { technician_id: 'Sam', date: DAY, apply: true })
    expect(applied).toMatchObject({ applied: true, meters_after: preview.meters_after })
    expect(applied.times_changed.map((c: any) => [c.number, c.to])).toEqual(preview.times_changed.map((c: any) => [c.number, c.to]))
    const again = expectData(await app.action('route', 'plan', { technician_id: 'Sam', date: DAY }))
    expect(again.order_before).toEqual(numbers(applied))
    expect(again.meters_saved).toBe(0)
    expect(again.times_changed).toEqual([])
    expect(await auditActions(app, 'route', sam.userId)).toEqual(['plan'])
    // Each moved visit has its new time, asks its customer again, and its emails follow the new time.
    const d = expectData(await app.query({ type: 'tickets', id: tickets.D.id }))
    expect(d.scheduled_start).toBe(`${DAY}T22:05:00.000Z`)
    expect(d.confirmation_status).toBe('pending')
    expect(await auditActions(app, 'ticket', tickets.D.id)).toContain('route_plan')
    const moved = await app.t.admin.query(`select ticket_id from scheduled_messages where kind = 'moved' and status = 'pending'`)
    expect(moved.rows.map((r: any) => r.ticket_id).sort()).toEqual(applied.times_changed.map((c: any) => c.ticket_id).sort())
    expect(applied.times_changed.every((c: any) => c.customer_told)).toBe(true)
  })

  it("is the owner's and the agent's to run, not a technician's, and says what is wrong with a call", async () => {
    expect((await sam.action('route', 'plan', { technician_id: sam.userId, date: DAY })).status).toBe(403)
    const nobody = await app.action('route', 'plan', { technician_id: 'Zed', date: DAY })
    expect(nobody.status).toBe(400)
    expect(nobody.body.error.message).toContain('no team member named "Zed"')
    const badDay = await app.action('route', 'plan', { technician_id: 'Sam', date: 'someday' })
    expect(validationFieldsOf(badDay)).toEqual(['data.date'])
    const empty = expectData(await app.action('route', 'plan', { technician_id: 'Sam', date: '2031-03-05', apply: true }))
    expect(empty).toMatchObject({ stops: [], applied: false, notes: ['No visits still to do on this day.'] })
  })

  it('groups visits by ZIP code and town when geocoding is off and none has a point, and says so', async () => {
    const plain = await startTestApp(engine)
    try {
      const tech = await person(plain, 'kim@example.com', 'technician')
      for (const [zip, hour] of [
        ['35801', 14],
        ['35806', 15],
        ['35801', 16],
      ] as const) {
        const contact = await newContact(plain, { display_name: `Zip ${letters(Number(zip) + hour)}` })
        const address = expectData(
          await plain.action('address', 'add', {
            contact_id: contact,
            line1: `${hour} Elm St`,
            city: 'Huntsville',
            state: 'AL',
            postal_code: zip,
          }),
        )
        const t = await newTicket(plain, contact, {
          address_id: address.id,
          scheduled_start: `${DAY}T${hour}:00:00Z`,
          duration_minutes: 45,
          technician_ids: [tech.userId],
        })
        await plain.ownerAction('route', 'mark_anytime', { ticket_id: t.id })
      }
      const plan = expectData(await plain.action('route', 'plan', { technician_id: 'kim', date: DAY }))
      expect(plan.distances).toBe('none')
      expect(plan).toMatchObject({ measure: 'zip_and_town', meters_before: null, meters_after: null, start: null })
      const zips = plan.stops.map((s: any) => s.address.slice(-5)).join(' ')
      expect(['35801 35801 35806', '35806 35801 35801']).toContain(zips)
      expect(plan.notes.join(' ')).toContain('grouped by ZIP code and town instead, and no distances are given')
      const newcomer = await newContact(plain, { display_name: 'Zip Newcomer' })
      await plain.action('address', 'add', {
        contact_id: newcomer,
        line1: '9 Elm St',
        city: 'Huntsville',
        state: 'AL',
        postal_code: '35806',
      })
      const [best] = expectData(
        await plain.query({
          type: 'availability',
          from: DAY,
          to: DAY,
          technician: 'kim',
          duration_minutes: 15,
          step_minutes: 15,
          rank: 'driving',
          contact_id: newcomer,
        }),
      ).items
      expect(best).toMatchObject({ extra_meters: null })
      expect(best.slot).toContain('beside a visit in 35806')
      const off = await plain.action('route', 'set_start', { label: 'Shop', line1: '1 Main St' }, { reasoning: 'x' })
      expect(off.status).toBe(400)
      expect(off.body.error.message).toContain('geocoding is off')
    } finally {
      await plain.close()
    }
  })
})
