import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { auditTrailActions, countRows, expectFields, newContact, signedIn } from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'

/** The server's clock: Tuesday 2026-10-27, 10:15 in Chicago. */
const NOW = new Date('2026-10-27T15:15:00Z')
const MISSING = '00000000-0000-4000-8000-000000000001'

describe.each(engines)('opportunities and the pipeline (%s)', (engine) => {
  let app: TestApp
  let jane: string
  let leadId: string
  let tia: string

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW, integrations: { stripe: null } })
    jane = await newContact(app, { display_name: 'Jane Deal' })
    leadId = expectData(await app.action('lead', 'create', { raw_notes: 'Wants a quote for gutters', name: 'Lou Lead' })).id
    tia = await addUser(app, 'tia@sparkle.test', 'technician', 'Tia Tech')
  })
  afterAll(() => app.close())

  const open = async (data: Record<string, unknown>) => expectData(await app.action('opportunity', 'create', data))

  it("opens one for a customer with the stage's probability, in the business currency, named and audited", async () => {
    const o = await open({
      title: 'Gutters and windows',
      contact_id: jane,
      amount_cents: 45_000,
      expected_close_on: '2026-11-15',
      assignee_id: tia,
    })
    expect(o).toMatchObject({
      title: 'Gutters and windows',
      contact_id: jane,
      contact_name: 'Jane Deal',
      lead_id: null,
      stage: 'qualification',
      probability: 10,
      amount_cents: 45_000,
      currency: 'USD',
      expected_close_on: '2026-11-15',
      assignee_id: tia,
      assignee_name: 'Tia Tech',
      closed_at: null,
      close_reason: null,
      archived_at: null,
    })
    expect(await auditTrailActions(app, 'opportunities', o.id)).toEqual(['create'])
    const typed = await open({ title: 'Card 4111 1111 1111 1111 for the deposit', contact_id: jane })
    expect(typed.title).not.toContain('4111')
    expect(typed.title).toContain('[REDACTED]')
    const fromLead = await open({ title: 'Gutters', lead_id: leadId, stage: 'proposal_sent', probability: 65 })
    expect(fromLead).toMatchObject({
      lead_id: leadId,
      lead_name: 'Lou Lead',
      contact_id: null,
      stage: 'proposal_sent',
      probability: 65,
      amount_cents: 0,
    })
  })

  it('refuses what cannot be, naming the field, and writes nothing', async () => {
    const before = await countRows(app, 'opportunities')
    expectFields(await app.action('opportunity', 'create', { title: 'Nobody' }), ['data.contact_id', 'data.lead_id'])
    expectFields(await app.action('opportunity', 'create', { title: 'x', contact_id: jane, stage: 'won' }), ['data.stage'])
    expectFields(await app.action('opportunity', 'create', { title: 'x', contact_id: jane, probability: 101 }), ['data.probability'])
    expectFields(await app.action('opportunity', 'create', { title: 'x', contact_id: jane, amount_cents: 12.5 }), ['data.amount_cents'])
    expectFields(await app.action('opportunity', 'create', { title: 'x', contact_id: jane, expected_close_on: '2026-02-30' }), [
      'data.expected_close_on',
    ])
    expectFields(await app.action('opportunity', 'create', { title: '  ', contact_id: jane }), ['data.title'])
    const missing = await app.action('opportunity', 'create', { title: 'x', lead_id: MISSING })
    expectError(missing, 404, 'NOT_FOUND')
    expect(missing.body.error.details.field).toBe('data.lead_id')
    expect(
      (await app.action('opportunity', 'create', { title: 'x', contact_id: jane, assignee_id: MISSING })).body.error.details.field,
    ).toBe('data.assignee_id')
    expect(await countRows(app, 'opportunities')).toBe(before)
  })

  it('moves through the stages; won and lost need a reason and stay closed until reopened on purpose', async () => {
    const o = await open({ title: 'Screens', contact_id: jane, amount_cents: 20_000 })
    const quoted = expectData(await app.action('opportunity', 'move', { opportunity_id: o.id, stage: 'proposal_sent' }))
    expect(quoted).toMatchObject({ stage: 'proposal_sent', probability: 50 })
    expectFields(await app.action('opportunity', 'move', { opportunity_id: o.id, stage: 'won' }), ['data.reason'])
    expect(expectData(await app.query({ type: 'opportunities', id: o.id })).stage).toBe('proposal_sent')
    const won = expectData(
      await app.action('opportunity', 'move', { opportunity_id: o.id, stage: 'won', reason: 'Beat the other quote on price' }),
    )
    expect(won).toMatchObject({
      stage: 'won',
      probability: 100,
      close_reason: 'Beat the other quote on price',
      closed_at: NOW.toISOString(),
    })
    const refused = await app.action('opportunity', 'move', { opportunity_id: o.id, stage: 'negotiating' })
    expectError(refused, 409, 'CONFLICT')
    expect(refused.body.error.message).toContain('reopen')
    const reopened = expectData(
      await app.action('opportunity', 'move', { opportunity_id: o.id, stage: 'negotiating', reopen: true, probability: 80 }),
    )
    expect(reopened).toMatchObject({ stage: 'negotiating', probability: 80, close_reason: null, closed_at: null })
    const lost = expectData(
      await app.action('opportunity', 'move', { opportunity_id: o.id, stage: 'lost', reason: 'Went with a cheaper crew' }),
    )
    expect(lost).toMatchObject({ stage: 'lost', probability: 0 })
    expect(await auditTrailActions(app, 'opportunities', o.id)).toEqual(['create', 'move', 'move', 'reopen', 'move'])
    const audit = expectData(await app.query({ type: 'opportunities', id: o.id, include: 'audit_trail' })).audit_trail
    expect(audit[1].changes.stage).toEqual({ old: 'qualification', new: 'proposal_sent' })
  })

  it('updates details, keeps a contact or a lead, and an archived one leaves the lists and cannot change', async () => {
    const o = await open({ title: 'Pressure wash', contact_id: jane, lead_id: leadId })
    const changed = expectData(
      await app.action('opportunity', 'update', {
        opportunity_id: o.id,
        amount_cents: 30_000,
        contact_id: null,
        expected_close_on: '2026-12-01',
      }),
    )
    expect(changed).toMatchObject({
      amount_cents: 30_000,
      contact_id: null,
      lead_id: leadId,
      expected_close_on: '2026-12-01',
      title: 'Pressure wash',
    })
    expectFields(await app.action('opportunity', 'update', { opportunity_id: o.id, lead_id: null }), ['data.lead_id'])
    const owner = await signedIn(app, app.tenant.owner_user_id)
    expectData(await owner.action('opportunity', 'archive', { opportunity_id: o.id }))
    expect(expectData(await app.query({ type: 'opportunities', lead_id: leadId })).items.map((i: any) => i.id)).not.toContain(o.id)
    expect(expectData(await app.query({ type: 'opportunities', archived: 'true' })).items.map((i: any) => i.id)).toEqual([o.id])
    expectError(await app.action('opportunity', 'update', { opportunity_id: o.id, title: 'again' }), 409, 'CONFLICT')
    expectError(await app.action('opportunity', 'move', { opportunity_id: o.id, stage: 'won', reason: 'x' }), 409, 'CONFLICT')
    expect(await auditTrailActions(app, 'opportunities', o.id)).toEqual(['create', 'update', 'archive'])
  })

  it('filters by stage, open or closed, customer, lead and expected close', async () => {
    const sam = await newContact(app, { display_name: 'Sam Filter' })
    const a = await open({ title: 'A', contact_id: sam, expected_close_on: '2026-11-01' })
    const b = await open({ title: 'B', contact_id: sam, stage: 'estimating', expected_close_on: '2026-11-20' })
    const c = await open({ title: 'C', contact_id: sam, expected_close_on: '2026-12-20' })
    await app.action('opportunity', 'move', { opportunity_id: c.id, stage: 'lost', reason: 'Moved away' })
    const ids = async (params: Record<string, string>) =>
      expectData(await app.query({ type: 'opportunities', contact_id: sam, ...params })).items.map((i: any) => i.id)
    expect(await ids({})).toEqual([c.id, b.id, a.id])
    expect(await ids({ stage: 'estimating' })).toEqual([b.id])
    expect(await ids({ status: 'open' })).toEqual([b.id, a.id])
    expect(await ids({ status: 'closed' })).toEqual([c.id])
    expect(await ids({ close_from: '2026-11-10', close_to: '2026-12-31' })).toEqual([c.id, b.id])
    expectFields(await app.query({ type: 'opportunities', stage: 'dreaming' }), ['stage'])
    expectFields(await app.query({ type: 'opportunities', close_from: 'soon' }), ['close_from'])
  })

  it('totals each stage and weighs the open ones by probability, within an expected-close range', async () => {
    // A business of its own, so the sums are exactly these.
    const other = await startTestApp(engine, { now: () => NOW, integrations: { stripe: null } })
    try {
      const kim = await newContact(other, { display_name: 'Kim Totals' })
      const add = async (data: Record<string, unknown>) =>
        expectData(await other.action('opportunity', 'create', { contact_id: kim, ...data }))
      expect(expectData(await other.query({ type: 'pipeline_totals' })).items).toEqual([])
      await add({ title: 'One', amount_cents: 10_000, expected_close_on: '2026-11-05' })
      await add({ title: 'Two', amount_cents: 33_333, stage: 'proposal_sent', expected_close_on: '2026-11-25' })
      await add({ title: 'Three', amount_cents: 5_000, stage: 'proposal_sent', probability: 33, expected_close_on: '2027-01-10' })
      const won = await add({ title: 'Four', amount_cents: 80_000, stage: 'scheduled' })
      await other.action('opportunity', 'move', { opportunity_id: won.id, stage: 'won', reason: 'Booked' })
      const gone = await add({ title: 'Five', amount_cents: 99_999 })
      expectData(await other.action('opportunity', 'archive', { opportunity_id: gone.id }, { reasoning: 'Opened twice by mistake' }))
      const [usd] = expectData(await other.query({ type: 'pipeline_totals' })).items
      const stage = (name: string) => usd.stages.find((s: any) => s.stage === name)
      expect(usd.stages.map((s: any) => s.stage)).toEqual([
        'qualification',
        'estimating',
        'proposal_sent',
        'negotiating',
        'scheduled',
        'won',
        'lost',
      ])
      expect(stage('proposal_sent')).toEqual({ stage: 'proposal_sent', count: 2, amount_cents: 38_333 })
      expect(stage('won')).toEqual({ stage: 'won', count: 1, amount_cents: 80_000 })
      expect(stage('estimating')).toEqual({ stage: 'estimating', count: 0, amount_cents: 0 })
      // 10,000 × 10 % + 33,333 × 50 % + 5,000 × 33 % = 1,000 + 16,666.5 + 1,650 = 19,316.5, rounded once.
      expect(usd).toMatchObject({ id: 'USD', currency: 'USD', open_count: 3, open_amount_cents: 48_333, weighted_forecast_cents: 19_317 })
      const november = expectData(await other.query({ type: 'pipeline_totals', close_from: '2026-11-01', close_to: '2026-11-30' })).items[0]
      expect(november).toMatchObject({ open_count: 2, open_amount_cents: 43_333, weighted_forecast_cents: 17_667 })
    } finally {
      await other.close()
    }
  })

  it("takes calls about an opportunity, and the customer's timeline shows it opened, won and talked about", async () => {
    const ray = await newContact(app, { display_name: 'Ray Timeline' })
    const o = await open({ title: 'Skylights', contact_id: ray, amount_cents: 12_000 })
    const call = expectData(
      await app.action('interaction', 'log', {
        opportunity_id: o.id,
        kind: 'call',
        direction: 'outbound',
        summary: 'Walked through the quote',
        occurred_at: '2026-10-27T14:00:00Z',
      }),
    )
    expect(call).toMatchObject({ opportunity_id: o.id, contact_id: null, lead_id: null })
    expect(expectData(await app.query({ type: 'interactions', opportunity_id: o.id })).items.map((i: any) => i.id)).toEqual([call.id])
    expectFields(await app.action('interaction', 'log', { opportunity_id: o.id, contact_id: ray, kind: 'note', summary: 'x' }), [
      'data.contact_id',
      'data.opportunity_id',
    ])
    expectData(await app.action('opportunity', 'move', { opportunity_id: o.id, stage: 'proposal_sent' }))
    expectData(await app.action('opportunity', 'move', { opportunity_id: o.id, stage: 'won', reason: 'Signed' }))
    const lines = expectData(await app.query({ type: 'timeline', contact_id: ray })).items
    expect(
      lines
        .filter((l: any) => l.kind === 'opportunity')
        .map((l: any) => l.title)
        .sort(),
    ).toEqual([
      'Opportunity moved to proposal sent: Skylights ($120.00)',
      'Opportunity opened: Skylights ($120.00)',
      'Opportunity won: Skylights ($120.00)',
    ])
    expect(lines.find((l: any) => l.title.startsWith('Opportunity won'))).toMatchObject({ id: o.id, detail: 'Signed', status: 'won' })
    expect(lines.find((l: any) => l.kind === 'interaction')).toMatchObject({ id: call.id })
  })

  it('is office work: a technician can neither open nor read opportunities or totals', async () => {
    const tech = await signedIn(app, tia)
    expectError(await tech.action('opportunity', 'create', { title: 'x', contact_id: jane }), 403, 'FORBIDDEN')
    expect((await tech.query({ type: 'opportunities' })).status).toBe(403)
    expect((await tech.query({ type: 'pipeline_totals' })).status).toBe(403)
  })
})
