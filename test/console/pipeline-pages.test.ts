import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { okOf, startPageApp } from '../helpers/page-app.js'
import { expectEscaped, PAYLOAD } from '../helpers/hostile-markup.js'
import { pageClient, type PageClient } from '../helpers/technician-fixture.js'

/** Thursday 2026-11-05, 09:30 in Chicago. */
const NOW = new Date('2026-11-05T15:30:00Z')

describe.each(engines)('the pipeline and opportunity pages (%s)', (engine) => {
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
  const opportunities = async (params: Record<string, string>) => (await app.query({ type: 'opportunities', ...params })).body.data.items

  beforeAll(async () => {
    ;({ app, owner, tech } = await startPageApp(engine, { now: () => NOW, integrations: { stripe: null } }, { technician: 'signed-in' }))
    rita = (await ok('contact', 'create', { display_name: 'Rita Rivers' })).id
    leadId = (await ok('lead', 'create', { raw_notes: 'Wants a quote for gutters', name: 'Lou Lead' })).id
  })
  afterAll(async () => {
    await app?.close()
  })

  it('opens an opportunity from the lead page, which lists and links it; a bad amount is refused and nothing is written', async () => {
    const lead = await page(`/leads/${leadId}`)
    expect(lead).toContain('Open an opportunity')
    const bad = await owner.submit(lead, '/opportunities', [
      ['title', 'Gutters'],
      ['amount', 'lots'],
      ['stage', 'estimating'],
    ])
    expect(bad.status).toBe(400)
    expect(bad.html).toContain('expected an amount in dollars and cents')
    expect(bad.html).toContain(`href="/leads/${leadId}"`)
    expect(await opportunities({ lead_id: leadId })).toEqual([])
    const saved = await owner.submit(lead, '/opportunities', [
      ['title', 'Gutters all round'],
      ['amount', '1,250.50'],
      ['stage', 'estimating'],
      ['expected_close_on', '2026-11-20'],
    ])
    expect(saved.status).toBe(303)
    const [o] = await opportunities({ lead_id: leadId })
    expect(o).toMatchObject({
      title: 'Gutters all round',
      amount_cents: 125_050,
      stage: 'estimating',
      probability: 25,
      expected_close_on: '2026-11-20',
    })
    expect(saved.location).toBe(`/opportunities/${o.id}?done=opened`)
    const shown = await page(saved.location!)
    expect(shown).toContain('Opportunity opened.')
    expect(shown).toContain('$1,250.50')
    expect(shown).toContain(`href="/leads/${leadId}"`)
    expect(await page(`/leads/${leadId}`)).toContain(`href="/opportunities/${o.id}"`)
  })

  it("moves a customer's opportunity to won only with a reason, reopens it on purpose, and logs a call on it", async () => {
    const o = await ok('opportunity', 'create', { title: 'Spring clean', contact_id: rita, amount_cents: 40_000, stage: 'proposal_sent' })
    const customer = await page(`/customers/${rita}`)
    expect(customer).toContain(`href="/opportunities/${o.id}"`)
    const shown = await page(`/opportunities/${o.id}`)
    const noReason = await owner.submit(shown, `/opportunities/${o.id}/move`, [
      ['stage', 'won'],
      ['reason', ''],
    ])
    expect(noReason.status).toBe(400)
    expect(noReason.html).toContain('reason: is required to move to won')
    expect((await opportunities({ contact_id: rita }))[0].stage).toBe('proposal_sent')
    const won = await owner.submit(shown, `/opportunities/${o.id}/move`, [
      ['stage', 'won'],
      ['reason', 'Liked our reviews'],
    ])
    expect(won.location).toBe(`/opportunities/${o.id}?done=moved`)
    const after = await page(`/opportunities/${o.id}?done=moved`)
    expect(after).toContain('Stage changed.')
    expect(after).toContain('Liked our reviews')
    expect(after).toContain('moved from proposal sent to won')
    const stuck = await owner.submit(after, `/opportunities/${o.id}/move`, [['stage', 'negotiating']])
    expect(stuck.status).toBe(409)
    const reopened = await owner.submit(after, `/opportunities/${o.id}/move`, [
      ['stage', 'negotiating'],
      ['reopen', '1'],
    ])
    expect(reopened.status).toBe(303)
    expect((await opportunities({ contact_id: rita }))[0]).toMatchObject({ stage: 'negotiating', closed_at: null, probability: 70 })
    const logged = await owner.submit(after, `/opportunities/${o.id}/interactions`, [
      ['kind', 'call'],
      ['direction', 'outbound'],
      ['summary', 'Talked through the price'],
    ])
    expect(logged.location).toBe(`/opportunities/${o.id}?done=logged#calls`)
    expect(await page(`/opportunities/${o.id}?done=logged`)).toContain('Talked through the price')
    const timeline = await page(`/customers/${rita}/timeline`)
    expect(timeline).toContain(`<a href="/opportunities/${o.id}">Opportunity won: Spring clean ($400.00)</a>`)
    expect(timeline).toContain(`<a href="/opportunities/${o.id}">Opportunity moved to negotiating: Spring clean ($400.00)</a>`)
    expect(timeline).toContain('Talked through the price')
    const tomId = (await app.query({ type: 'users', q: 'tom@' })).body.data.items[0].id
    expect(after).toContain(`<option value="${tomId}">Tom Tech</option>`)
    const edited = await owner.submit(after, `/opportunities/${o.id}/edit`, [
      ['title', 'Spring clean, all windows'],
      ['amount', '450'],
      ['probability', '60'],
      ['expected_close_on', ''],
      ['assignee_id', tomId],
    ])
    expect(edited.status).toBe(303)
    expect((await opportunities({ contact_id: rita }))[0]).toMatchObject({
      title: 'Spring clean, all windows',
      amount_cents: 45_000,
      probability: 60,
      assignee_id: tomId,
      assignee_name: 'Tom Tech',
    })
    const refusedEdit = await owner.submit(after, `/opportunities/${o.id}/edit`, [
      ['title', 'Spring clean'],
      ['amount', '450'],
      ['probability', '150'],
    ])
    expect(refusedEdit.status).toBe(400)
    expect(refusedEdit.html).toContain('probability:')
    expect((await opportunities({ contact_id: rita }))[0].probability).toBe(60)
  })

  it('shows the pipeline: the weighted forecast on top, each stage with its opportunities linked, narrowed by expected close', async () => {
    const other = await startTestApp(engine, { now: () => NOW, integrations: { stripe: null } })
    try {
      const c = (await other.action('contact', 'create', { display_name: 'Pia Pipeline' })).body.data.id
      const add = async (data: Record<string, unknown>) =>
        (await other.action('opportunity', 'create', { contact_id: c, ...data })).body.data
      const a = await add({ title: 'Awnings', amount_cents: 100_000, stage: 'negotiating', expected_close_on: '2026-11-10' })
      const b = await add({ title: 'Blinds', amount_cents: 20_000, expected_close_on: '2027-02-01' })
      const viewer = await pageClient(other, 'owner@sparkle.test')
      const all = (await viewer.get('/pipeline')).html
      // 100,000 × 70 % + 20,000 × 10 % = 72,000 cents.
      expect(all).toContain('Weighted forecast $720.00')
      expect(all).toContain('2 open worth $1,200.00')
      expect(all).toContain(`href="/opportunities/${a.id}"`)
      expect(all).toContain(`href="/opportunities/${b.id}"`)
      expect(all).toContain('href="/pipeline"')
      const november = (await viewer.get('/pipeline?from=2026-11-01&to=2026-11-30')).html
      expect(november).toContain('Weighted forecast $700.00')
      expect(november).not.toContain(`href="/opportunities/${b.id}"`)
      expect((await viewer.get('/pipeline?from=someday')).status).toBe(400)
    } finally {
      await other.close()
    }
  })

  it('escapes what was typed wherever it shows', async () => {
    const o = await ok('opportunity', 'create', { title: PAYLOAD, contact_id: rita, lead_id: leadId })
    await ok('opportunity', 'move', { opportunity_id: o.id, stage: 'lost', reason: PAYLOAD })
    expectEscaped(await owner.get(`/opportunities/${o.id}`), 'the opportunity page')
    expectEscaped(await owner.get('/pipeline'), 'the pipeline')
    expectEscaped(await owner.get(`/customers/${rita}`), 'the customer page')
    expectEscaped(await owner.get(`/leads/${leadId}`), 'the lead page')
  })

  it("is the owner's: a technician gets 403; another business's or no opportunity is 404", async () => {
    const o = (await opportunities({ contact_id: rita }))[0]
    expect((await tech.get('/pipeline')).status).toBe(403)
    expect((await tech.get(`/opportunities/${o.id}`)).status).toBe(403)
    expect(
      (
        await tech.post(`/opportunities/${o.id}/move`, [
          ['stage', 'won'],
          ['reason', 'x'],
        ])
      ).status,
    ).toBe(403)
    expect((await owner.get('/opportunities/00000000-0000-4000-8000-000000000009')).status).toBe(404)
    expect((await owner.get('/opportunities/not-an-id')).status).toBe(404)
  })
})
