import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { okOf, startPageApp } from '../helpers/page-app.js'
import { expectEscaped, PAYLOAD } from '../helpers/hostile-markup.js'
import type { PageClient } from '../helpers/technician-fixture.js'

/** Thursday 2026-11-05, 09:30 in Chicago. */
const NOW = new Date('2026-11-05T15:30:00Z')

describe.each(engines)("calls, emails and meetings on the owner's pages (%s)", (engine) => {
  let app: TestApp
  let owner: PageClient
  let tech: PageClient
  let rita: string
  let leadId: string
  const ok = okOf(() => app)
  const page = async (path: string) => {
    const r = await owner.get(path)
    expect(r.status, path).toBe(200)
    return r.html
  }
  const logged = async (params: Record<string, string>) => (await app.query({ type: 'interactions', ...params })).body.data.items

  beforeAll(async () => {
    ;({ app, owner, tech } = await startPageApp(engine, { now: () => NOW, integrations: { stripe: null } }, { technician: 'signed-in' }))
    rita = (await ok('contact', 'create', { display_name: 'Rita Rivers' })).id
    leadId = (await ok('lead', 'create', { raw_notes: 'Wants gutters done', name: 'Lou Lead' })).id
  })
  afterAll(async () => {
    await app?.close()
  })

  it('logs a call from the customer page with a follow-up; Home lists it when due; Follow-up done takes it off', async () => {
    const form = await page(`/customers/${rita}`)
    expect(form).toContain('Log a call, email or meeting')
    const refused = await owner.submit(form, `/customers/${rita}/interactions`, [
      ['kind', 'call'],
      ['direction', ''],
      ['summary', 'Rang her'],
    ])
    expect(refused.status).toBe(400)
    expect(refused.html).toContain('direction: is required for a call')
    expect(await logged({ contact_id: rita })).toEqual([])
    const saved = await owner.submit(form, `/customers/${rita}/interactions`, [
      ['kind', 'call'],
      ['direction', 'outbound'],
      ['subject', 'Spring clean'],
      ['summary', 'Left a message about the spring clean'],
      ['outcome', 'voicemail'],
      ['follow_up_on', '2026-11-05'],
      ['duration_minutes', '3'],
    ])
    expect(saved.status).toBe(303)
    expect(saved.location).toBe(`/customers/${rita}?done=logged#calls`)
    const [call] = await logged({ contact_id: rita })
    expect(call).toMatchObject({
      kind: 'call',
      direction: 'outbound',
      subject: 'Spring clean',
      outcome: 'voicemail',
      follow_up_on: '2026-11-05',
      duration_minutes: 3,
      author_type: 'user',
    })
    const shown = await page(`/customers/${rita}?done=logged`)
    expect(shown).toContain('Logged.')
    expect(shown).toContain('Call to them')
    expect(shown).toContain('Follow up due 2026-11-05')
    const home = await page('/')
    expect(home).toContain('Follow-ups due: 1')
    expect(home).toContain(`href="/customers/${rita}#calls"`)
    const done = await owner.submit(shown, `/interactions/${call.id}/done`)
    expect(done.status).toBe(303)
    expect(done.location).toBe(`/customers/${rita}?done=followed_up#calls`)
    expect((await logged({ contact_id: rita }))[0].follow_up_done_at).toBe(NOW.toISOString())
    expect(await page('/')).toContain('No call or email to follow up today.')
    // "back" only ever returns to this site's customer, lead or Home pages.
    const elsewhere = await owner.post(`/interactions/${call.id}/done`, [...(await csrfOf(shown)), ['back', 'https://evil.example/']])
    expect(elsewhere.location).toBe('/')
  })

  it('logs a meeting on a lead and shows it there', async () => {
    const form = await page(`/leads/${leadId}`)
    const saved = await owner.submit(form, `/leads/${leadId}/interactions`, [
      ['kind', 'meeting'],
      ['direction', ''],
      ['summary', 'Walked the roof line'],
    ])
    expect(saved.location).toBe(`/leads/${leadId}?done=logged#calls`)
    expect(await page(`/leads/${leadId}?done=logged`)).toContain('Walked the roof line')
    expect((await logged({ lead_id: leadId })).map((i: any) => i.kind)).toEqual(['meeting'])
  })

  it("shows a customer's whole timeline, newest first, linking visits and invoices, paged", async () => {
    const sam = (await ok('contact', 'create', { display_name: 'Sam Story' })).id
    const ticket = await ok('ticket', 'create', {
      contact_id: sam,
      scheduled_start: '2026-11-02T15:00:00Z',
      duration_minutes: 60,
      line_items: [{ description: 'Windows', unit_price_cents: 9000 }],
    })
    const invoice = await ok('invoice', 'create', { contact_id: sam, line_items: [{ description: 'Windows', unit_price_cents: 9000 }] })
    for (let i = 0; i < 31; i++)
      await ok('interaction', 'log', {
        contact_id: sam,
        kind: 'note',
        summary: `Note ${i}`,
        occurred_at: `2026-10-0${1 + (i % 9)}T1${i % 10}:00:00Z`,
      })
    const first = await page(`/customers/${sam}/timeline`)
    expect(first).toContain(`href="/tickets/${ticket.id}"`)
    expect(first).toContain(`href="/invoices/${invoice.id}"`)
    const older = first.match(/href="(\/customers\/[0-9a-f-]+\/timeline\?cursor=[^"]+)"/)![1].replace(/&amp;/g, '&')
    const second = await page(older)
    expect(second).toContain('Newest')
    expect((first.match(/<li>/g) ?? []).length + (second.match(/<li>/g) ?? []).length).toBeGreaterThanOrEqual(33)
    expect((await owner.get(`/customers/00000000-0000-4000-8000-000000000009/timeline`)).status).toBe(404)
    expect((await owner.get(`/customers/${sam}/timeline?cursor=garbage`)).status).toBe(400)
  })

  it('escapes what was logged wherever it shows', async () => {
    await ok('interaction', 'log', {
      contact_id: rita,
      kind: 'email',
      direction: 'inbound',
      subject: PAYLOAD,
      summary: PAYLOAD,
      outcome: PAYLOAD,
      follow_up_on: '2026-11-01',
    })
    expectEscaped(await owner.get(`/customers/${rita}`), 'the customer page')
    expectEscaped(await owner.get(`/customers/${rita}/timeline`), 'the timeline')
    expectEscaped(await owner.get('/'), 'Home')
  })

  it("is the owner's: a technician gets 403 for every form and the timeline", async () => {
    expect((await tech.get(`/customers/${rita}/timeline`)).status).toBe(403)
    expect(
      (
        await tech.post(`/customers/${rita}/interactions`, [
          ['kind', 'note'],
          ['summary', 'x'],
        ])
      ).status,
    ).toBe(403)
  })

  async function csrfOf(html: string): Promise<Array<[string, string]>> {
    return [['_csrf', html.match(/name="_csrf" value="([^"]+)"/)![1]]]
  }
})
