import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { okOf, startPageApp } from '../helpers/page-app.js'
import { expectEscaped, PAYLOAD } from '../helpers/hostile-markup.js'
import { hiddenFields, type PageClient } from '../helpers/technician-fixture.js'

/** Thursday 2026-11-05, 09:30 in Chicago (UTC-6). */
const NOW = new Date('2026-11-05T15:30:00Z')

describe.each(engines)('the owner changes a visit and writes to a customer (%s)', (engine) => {
  let app: TestApp
  let owner: PageClient
  let tech: PageClient
  let techId: string
  let contactId: string
  const ok = okOf(() => app)
  const page = async (client: PageClient, path: string) => {
    const r = await client.get(path)
    expect(r.status, path).toBe(200)
    return r.html
  }
  const ticket = async (id: string) => (await app.query({ type: 'tickets', id, include: 'technicians' })).body.data
  const book = async (start: string, technicianIds: string[] = [techId]) =>
    (await ok('ticket', 'create', { contact_id: contactId, scheduled_start: start, duration_minutes: 60, technician_ids: technicianIds }))
      .id as string
  const emails = async () => (await app.query({ type: 'scheduled_messages', contact_id: contactId, kind: 'custom' })).body.data.items

  beforeAll(async () => {
    ;({ app, owner, tech, techId } = await startPageApp(engine, { now: () => NOW }, { ownerName: 'Olivia Owner', technician: 'signed-in' }))
    contactId = (await ok('contact', 'create', { display_name: 'Vera Visit', email: 'vera@example.com' })).id
  })
  afterAll(async () => {
    await app?.close()
  })

  it('moves a visit to a local date and time; a malformed field or a clash is refused on the page and nothing moves', async () => {
    const id = await book('2026-11-06T09:00')
    const form = await page(owner, `/tickets/${id}`)
    expect(form).toContain('Change this visit')
    expect(form).toContain('value="2026-11-06"')

    const bad = await owner.submit(form, `/tickets/${id}/move`, [
      ['move_date', 'next week'],
      ['move_time', '10:30'],
      ['move_minutes', '90'],
    ])
    expect(bad.status).toBe(400)
    expect(bad.html).toMatch(/id="e_move_date">expected a date/)
    expect(bad.html).toContain('value="next week"')
    expect((await ticket(id)).scheduled_start).toBe('2026-11-06T15:00:00.000Z')

    await book('2026-11-10T10:00')
    const clash = await owner.submit(form, `/tickets/${id}/move`, [
      ['move_date', '2026-11-10'],
      ['move_time', '10:30'],
      ['move_minutes', '60'],
    ])
    expect(clash.status).toBe(409)
    expect(clash.html).toMatch(/Nothing was changed\. [^<]*#\d+/)
    expect((await ticket(id)).scheduled_start).toBe('2026-11-06T15:00:00.000Z')

    const moved = await owner.submit(form, `/tickets/${id}/move`, [
      ['move_date', '2026-11-09'],
      ['move_time', '10:30'],
      ['move_minutes', '90'],
    ])
    expect(moved.status).toBe(303)
    expect(moved.location).toBe(`/tickets/${id}?done=moved`)
    expect(await ticket(id)).toMatchObject({ scheduled_start: '2026-11-09T16:30:00.000Z', scheduled_end: '2026-11-09T18:00:00.000Z' })
    expect(await page(owner, moved.location!)).toContain('Visit moved.')
  })

  it("sets the technicians from the team's checkboxes, and none at all", async () => {
    const id = await book('2026-11-12T09:00')
    const form = await page(owner, `/tickets/${id}`)
    expect(form).toMatch(new RegExp(`value="${techId}" checked>Tom Tech`))
    const both = await owner.submit(form, `/tickets/${id}/technicians`, [
      ['technician', techId],
      ['technician', app.tenant.owner_user_id],
    ])
    expect(both.status).toBe(303)
    expect(both.location).toBe(`/tickets/${id}?done=technicians`)
    expect((await ticket(id)).technicians.map((t: { user_id: string }) => t.user_id).sort()).toEqual(
      [techId, app.tenant.owner_user_id].sort(),
    )
    expect((await owner.submit(form, `/tickets/${id}/technicians`)).status).toBe(303)
    expect((await ticket(id)).technicians).toEqual([])
    const unknown = await owner.submit(form, `/tickets/${id}/technicians`, [['technician', 'not-a-person']])
    expect(unknown.status).toBe(400)
    expect(unknown.html).toContain('id="e_technician"')
    expect((await ticket(id)).technicians).toEqual([])
  })

  it('cancels only after the confirm step, with the reason; without a reason it names the field', async () => {
    const id = await book('2026-11-13T09:00')
    const form = await page(owner, `/tickets/${id}`)
    const empty = await owner.submit(form, `/tickets/${id}/cancel`, [['reason', '  ']])
    expect(empty.status).toBe(400)
    expect(empty.html).toMatch(/id="e_reason">expected a few words/)
    const confirm = await owner.submit(form, `/tickets/${id}/cancel`, [['reason', 'Customer asked by phone']])
    expect(confirm.status).toBe(200)
    expect(confirm.html).toContain('Yes, cancel the visit')
    expect((await ticket(id)).status).toBe('scheduled')
    const done = await owner.post(`/tickets/${id}/cancel`, hiddenFields(confirm.html, `/tickets/${id}/cancel`))
    expect(done.status).toBe(303)
    expect(done.location).toBe(`/tickets/${id}?done=cancelled`)
    expect((await ticket(id)).status).toBe('cancelled')
    const after = await page(owner, done.location!)
    expect(after).toContain('Visit cancelled.')
    expect(after).not.toContain('Change this visit')
  })

  it('records a no-show once the start has passed, and shows the refusal before', async () => {
    const future = await book('2026-11-16T09:00')
    const futurePage = await page(owner, `/tickets/${future}`)
    expect(futurePage).not.toContain(`action="/tickets/${future}/no_show"`)
    const early = await owner.post(`/tickets/${future}/no_show`, hiddenFields(futurePage, `/tickets/${future}/move`))
    expect(early.status).toBe(409)
    expect(early.html).toContain('a no-show can be recorded only after the start time')
    expect((await ticket(future)).status).toBe('scheduled')

    const past = await book('2026-11-05T07:00')
    const pastPage = await page(owner, `/tickets/${past}`)
    const marked = await owner.submit(pastPage, `/tickets/${past}/no_show`, [['note', 'Gate locked, nobody answered']])
    expect(marked.status).toBe(303)
    expect(marked.location).toBe(`/tickets/${past}?done=no_show`)
    expect((await ticket(past)).status).toBe('no_show')
  })

  it("gives a technician no change forms and a 403 for each change, a visitor the sign-in, and another business's visit is not found", async () => {
    const id = await book('2026-11-17T09:00')
    const theirView = await page(tech, `/tickets/${id}`)
    expect(theirView).not.toContain('Change this visit')
    const ownerForm = await page(owner, `/tickets/${id}`)
    const techCsrf = theirView.match(/name="_csrf" value="([^"]+)"/)![1]
    for (const [change, fields] of [
      [
        'move',
        [
          ['move_date', '2026-11-18'],
          ['move_time', '09:00'],
          ['move_minutes', '60'],
        ],
      ],
      ['technicians', []],
      [
        'cancel',
        [
          ['reason', 'x'],
          ['confirm', 'yes'],
        ],
      ],
      ['no_show', []],
    ] as Array<[string, Array<[string, string]>]>) {
      const r = await tech.post(`/tickets/${id}/${change}`, [['_csrf', techCsrf], ...fields])
      expect(r.status, change).toBe(403)
    }
    expect(await ticket(id)).toMatchObject({ status: 'scheduled', scheduled_start: '2026-11-17T15:00:00.000Z' })
    expect((await ticket(id)).technicians.map((t: { user_id: string }) => t.user_id)).toEqual([techId])
    const out = await fetch(`${app.url}/tickets/${id}`, { redirect: 'manual' })
    expect(out.status).toBe(303)

    const other = await app.createTenant('Other Windows')
    const theirContact = await app.action('contact', 'create', { display_name: 'Their Customer' }, { token: other.agent_token })
    const theirs = await app.action(
      'ticket',
      'create',
      { contact_id: theirContact.body.data.id, scheduled_start: '2026-11-18T09:00' },
      { token: other.agent_token },
    )
    expect(theirs.status).toBe(200)
    const theirId = theirs.body.data.id
    const csrf = hiddenFields(ownerForm, `/tickets/${id}/move`)
    expect(
      (await owner.post(`/tickets/${theirId}/move`, [...csrf, ['move_date', '2026-11-19'], ['move_time', '09:00'], ['move_minutes', '60']]))
        .status,
    ).toBe(404)
    expect((await owner.post(`/tickets/${theirId}/cancel`, [...csrf, ['reason', 'x'], ['confirm', 'yes']])).status).toBe(404)
    expect((await app.query({ type: 'tickets', id: theirId }, other.agent_token)).body.data).toMatchObject({ status: 'scheduled' })
    expect(
      (await owner.post(`/customers/${theirContact.body.data.id}/email`, [...csrf, ['subject', 'Hi'], ['body', 'Hello'], ['when', 'now']]))
        .status,
    ).toBe(404)
  })

  it('sends a customer an email now or at a local time; it shows in their emails and on the Emails page; bad input names the field', async () => {
    const before = (await emails()).length
    const form = await page(owner, `/customers/${contactId}`)
    expect(form).toContain('Send an email')
    const empty = await owner.submit(form, `/customers/${contactId}/email`, [
      ['subject', ''],
      ['body', 'Hello'],
      ['when', 'now'],
    ])
    expect(empty.status).toBe(400)
    expect(empty.html).toMatch(/id="e_subject">expected a subject/)
    const past = await owner.submit(form, `/customers/${contactId}/email`, [
      ['subject', 'Too late'],
      ['body', 'Hello'],
      ['when', 'later'],
      ['send_date', '2026-11-04'],
      ['send_time', '08:00'],
    ])
    expect(past.status).toBe(400)
    expect(past.html).toMatch(/id="e_send_at">must be in the future/)
    expect(past.html).toContain('value="Too late"')
    expect((await emails()).length).toBe(before)

    const now = await owner.submit(form, `/customers/${contactId}/email`, [
      ['subject', 'Ladder left behind'],
      ['body', 'We will pick it up Friday.'],
      ['when', 'now'],
    ])
    expect(now.status).toBe(303)
    expect(now.location).toBe(`/customers/${contactId}?done=email#email`)
    const later = await owner.submit(form, `/customers/${contactId}/email`, [
      ['subject', 'Spring cleaning'],
      ['body', 'Book your spring visit.'],
      ['when', 'later'],
      ['send_date', '2026-11-07'],
      ['send_time', '08:00'],
    ])
    expect(later.status).toBe(303)
    const queued = await emails()
    expect(queued.find((m: { subject: string }) => m.subject === 'Ladder left behind')).toMatchObject({
      status: 'pending',
      body: 'We will pick it up Friday.',
    })
    expect(queued.find((m: { subject: string }) => m.subject === 'Ladder left behind').send_at).toBe(NOW.toISOString())
    expect(queued.find((m: { subject: string }) => m.subject === 'Spring cleaning')).toMatchObject({ send_at: '2026-11-07T14:00:00.000Z' })
    const shown = await page(owner, `/customers/${contactId}?done=email`)
    expect(shown).toContain('Email scheduled')
    expect(shown).toContain('Ladder left behind')
    expect(await page(owner, '/messages')).toContain('Spring cleaning')

    const techCsrf = (await page(tech, `/tickets/${await book('2026-11-20T09:00')}`)).match(/name="_csrf" value="([^"]+)"/)![1]
    expect(
      (
        await tech.post(`/customers/${contactId}/email`, [
          ['_csrf', techCsrf],
          ['subject', 'From tech'],
          ['body', 'x'],
          ['when', 'now'],
        ])
      ).status,
    ).toBe(403)
    expect((await emails()).some((m: { subject: string }) => m.subject === 'From tech')).toBe(false)
  })

  it('escapes the reason, date and subject the forms show again, and the note and email they saved', async () => {
    const id = await book('2026-11-19T09:00')
    const form = await page(owner, `/tickets/${id}`)
    expectEscaped(await owner.submit(form, `/tickets/${id}/cancel`, [['reason', PAYLOAD]]), 'the cancel confirm step')
    expectEscaped(
      await owner.submit(form, `/tickets/${id}/move`, [
        ['move_date', PAYLOAD],
        ['move_time', '09:00'],
        ['move_minutes', '60'],
      ]),
      'a refused move',
    )
    const past = await book('2026-11-05T06:00')
    expect((await owner.submit(await page(owner, `/tickets/${past}`), `/tickets/${past}/no_show`, [['note', PAYLOAD]])).status).toBe(303)
    expectEscaped(await owner.get(`/tickets/${past}`), 'the no-show note on the visit')
    const customer = await page(owner, `/customers/${contactId}`)
    expectEscaped(
      await owner.submit(customer, `/customers/${contactId}/email`, [
        ['subject', PAYLOAD],
        ['body', ''],
        ['when', 'now'],
      ]),
      'a refused email',
    )
    expect(
      (
        await owner.submit(customer, `/customers/${contactId}/email`, [
          ['subject', PAYLOAD],
          ['body', PAYLOAD],
          ['when', 'now'],
        ])
      ).status,
    ).toBe(303)
    expectEscaped(await owner.get(`/customers/${contactId}`), "the customer's emails")
    expectEscaped(await owner.get('/messages'), 'the Emails page')
  })
})
