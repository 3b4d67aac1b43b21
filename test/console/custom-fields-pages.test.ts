import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { okOf, startPageApp } from '../helpers/page-app.js'
import { expectEscaped, PAYLOAD } from '../helpers/hostile-markup.js'
import type { PageClient } from '../helpers/technician-fixture.js'

/** Thursday 2026-11-05, 09:30 in Chicago. */
const NOW = new Date('2026-11-05T15:30:00Z')

describe.each(engines)("custom fields on the owner's pages (%s)", (engine) => {
  let app: TestApp
  let owner: PageClient
  let tech: PageClient
  let rita: string
  let ticketId: string
  let techId: string
  const ok = okOf(() => app)
  const page = async (client: PageClient, path: string) => {
    const r = await client.get(path)
    expect(r.status, path).toBe(200)
    return r.html
  }
  const fields = async () => (await app.query({ type: 'custom_fields' })).body.data.items as any[]

  beforeAll(async () => {
    ;({ app, owner, tech, techId } = await startPageApp(
      engine,
      { now: () => NOW, integrations: { stripe: null } },
      { technician: 'signed-in' },
    ))
    rita = (await ok('contact', 'create', { display_name: 'Rita Rivers' })).id
    ticketId = (await ok('ticket', 'create', { contact_id: rita, scheduled_start: '2026-11-06T15:00:00Z', technician_ids: [techId] })).id
  })
  afterAll(async () => {
    await app?.close()
  })

  it('the owner adds fields on the settings page, sees what was wrong when a field cannot work, and archives one', async () => {
    const settings = await page(owner, '/settings')
    expect(settings).toContain('href="/settings/fields"')
    const form = await page(owner, '/settings/fields')
    expect(form).toContain('No fields yet.')
    const refused = await owner.submit(form, '/settings/fields', [
      ['applies_to', 'contact'],
      ['label', 'Building'],
      ['field_type', 'choice'],
      ['options', ''],
    ])
    expect(refused.status).toBe(400)
    expect(refused.html).toContain('a choice field needs its options')
    expect(await fields()).toEqual([])
    const added = await owner.submit(form, '/settings/fields', [
      ['applies_to', 'contact'],
      ['label', 'Building'],
      ['field_type', 'choice'],
      ['options', 'House\nCondo\nOffice'],
      ['required', 'on'],
    ])
    expect(added.status).toBe(303)
    expect(added.location).toBe('/settings/fields?done=added')
    await owner.submit(form, '/settings/fields', [
      ['applies_to', 'contact'],
      ['label', 'Gate code'],
      ['field_type', 'text'],
    ])
    await owner.submit(form, '/settings/fields', [
      ['applies_to', 'ticket'],
      ['label', 'Ladder needed'],
      ['field_type', 'yes_no'],
    ])
    await owner.submit(form, '/settings/fields', [
      ['applies_to', 'contact'],
      ['label', 'Old code'],
      ['field_type', 'text'],
    ])
    expect((await fields()).map((f) => [f.key, f.field_type, f.options, f.required])).toEqual([
      ['building', 'choice', ['House', 'Condo', 'Office'], true],
      ['gate_code', 'text', [], false],
      ['ladder_needed', 'yes_no', [], false],
      ['old_code', 'text', [], false],
    ])
    const listed = await page(owner, '/settings/fields?done=added')
    expect(listed).toContain('Field added.')
    expect(listed).toContain('Choice: House, Condo, Office')
    const old = (await fields()).find((f) => f.key === 'old_code')
    const archived = await owner.submit(listed, `/settings/fields/${old.id}/archive`)
    expect(archived.location).toBe('/settings/fields?done=archived')
    expect((await fields()).map((f) => f.key)).not.toContain('old_code')
    expect(await page(owner, '/settings/fields')).toContain(`/settings/fields/${old.id}/restore`)
  })

  it('the new customer form asks for the fields too, and refuses a customer without a required one', async () => {
    const form = await page(owner, '/customers/new')
    expect(form).toContain('name="custom_fields.building"')
    expect(form).toContain('Gate code (optional)')
    const refused = await owner.submit(form, '/customers/new', [
      ['display_name', 'Nina New'],
      ['kind', 'person'],
    ])
    expect(refused.status).toBe(400)
    expect(refused.html).toContain('is required: expected one of: House, Condo, Office')
    const saved = await owner.submit(form, '/customers/new', [
      ['display_name', 'Nina New'],
      ['kind', 'person'],
      ['custom_fields.building', 'Office'],
      ['custom_fields.gate_code', ''],
    ])
    expect(saved.status).toBe(303)
    const id = saved.location!.match(/\/customers\/([0-9a-f-]{36})/)![1]
    expect((await app.query({ type: 'contacts', id })).body.data.custom_fields).toEqual({ building: 'Office' })
  })

  it('the customer page shows the values and fills them in; a value that does not fit is refused, naming the field, saving nothing', async () => {
    const shown = await page(owner, `/customers/${rita}`)
    expect(shown).toContain('Custom fields')
    expect(shown).toContain('name="custom_fields.building"')
    const saved = await owner.submit(shown, `/customers/${rita}/fields`, [
      ['custom_fields.building', 'Condo'],
      ['custom_fields.gate_code', '4821#'],
    ])
    expect(saved.status).toBe(303)
    expect(saved.location).toBe(`/customers/${rita}?done=fields#fields`)
    expect((await app.query({ type: 'contacts', id: rita })).body.data.custom_fields).toEqual({ building: 'Condo', gate_code: '4821#' })
    const after = await page(owner, `/customers/${rita}?done=fields`)
    expect(after).toContain('Custom fields saved.')
    expect(after).toContain('Gate code: 4821#')
    const refused = await owner.submit(after, `/customers/${rita}/fields`, [
      ['custom_fields.building', ''],
      ['custom_fields.gate_code', ''],
    ])
    expect(refused.status).toBe(400)
    expect(refused.html).toContain('is required and cannot be cleared')
    expect((await app.query({ type: 'contacts', id: rita })).body.data.custom_fields).toEqual({ building: 'Condo', gate_code: '4821#' })
  })

  it('the visit page shows its fields; the owner fills them in, a technician only reads them', async () => {
    const shown = await page(owner, `/tickets/${ticketId}`)
    expect(shown).toContain('Visit details')
    const saved = await owner.submit(shown, `/tickets/${ticketId}/fields`, [['custom_fields.ladder_needed', 'yes']])
    expect(saved.status).toBe(303)
    expect(saved.location).toBe(`/tickets/${ticketId}?done=fields`)
    expect((await app.query({ type: 'tickets', id: ticketId })).body.data.custom_fields).toEqual({ ladder_needed: true })
    const techView = await page(tech, `/tickets/${ticketId}`)
    expect(techView).toContain('Ladder needed: Yes')
    expect(techView).not.toContain(`action="/tickets/${ticketId}/fields"`)
    expect((await tech.post(`/tickets/${ticketId}/fields`, [['custom_fields.ladder_needed', 'no']])).status).toBe(403)
    expect(
      (
        await tech.post('/settings/fields', [
          ['applies_to', 'ticket'],
          ['label', 'X'],
          ['field_type', 'text'],
        ])
      ).status,
    ).toBe(403)
    expect((await app.query({ type: 'tickets', id: ticketId })).body.data.custom_fields).toEqual({ ladder_needed: true })
  })

  it('booking a visit from the customer page takes its fields', async () => {
    const form = await page(owner, `/customers/${rita}/book?date=2026-11-10`)
    expect(form).toContain('name="custom_fields.ladder_needed"')
    const csrf: [string, string] = ['_csrf', form.match(/name="_csrf" value="([^"]+)"/)![1]]
    const booked = await owner.post(`/customers/${rita}/book`, [
      csrf,
      ['date', '2026-11-10'],
      ['time', '09:00'],
      ['duration', '60'],
      ['custom_fields.ladder_needed', 'no'],
    ])
    expect(booked.status, booked.html.slice(0, 300)).toBe(303)
    const id = booked.location!.match(/\/tickets\/([0-9a-f-]{36})/)![1]
    expect((await app.query({ type: 'tickets', id })).body.data.custom_fields).toEqual({ ladder_needed: false })
  })

  it('escapes labels, options and values wherever they show', async () => {
    const form = await page(owner, '/settings/fields')
    await owner.submit(form, '/settings/fields', [
      ['applies_to', 'contact'],
      ['label', PAYLOAD],
      ['key', 'hostile'],
      ['field_type', 'choice'],
      ['options', PAYLOAD],
    ])
    await ok('contact', 'update', { contact_id: rita, custom_fields: { gate_code: PAYLOAD, hostile: PAYLOAD } })
    expectEscaped(await owner.get('/settings/fields'), 'the fields page')
    expectEscaped(await owner.get(`/customers/${rita}`), 'the customer page')
  })
})
