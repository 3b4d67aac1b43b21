import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { made } from '../helpers/fixtures.js'
import { engines } from '../helpers/databases.js'
import { expectEscaped, PAYLOAD } from '../helpers/hostile-markup.js'
import { moneyFixture, type MoneyFixture } from './money-fixture.js'
import { pageClient, type PageClient } from '../helpers/technician-fixture.js'

describe.each(engines)('the invoices, leads, waitlist and services pages escape every text they show (%s)', (engine) => {
  let f: MoneyFixture
  let owner: PageClient
  let leadId: string

  beforeAll(async () => {
    f = await moneyFixture(engine, ` ${PAYLOAD}`)
    const lead = await made(f.app, 'lead', 'create', {
      raw_notes: `Wants windows ${PAYLOAD}`,
      name: `Pat ${PAYLOAD}`,
      source: `Flyer ${PAYLOAD}`,
      service_interest: `Windows ${PAYLOAD}`,
      address: `5 Elm ${PAYLOAD}`,
      reminder_at: '2026-11-09T15:00:00Z',
    })
    leadId = lead.id
    await made(f.app, 'note', 'add', { lead_id: leadId, content: `Call back ${PAYLOAD}` })
    await made(f.app, 'waitlist', 'add', { contact_id: f.jane, service_id: f.window, latest_date: '2026-12-01', notes: `Gate ${PAYLOAD}` })
    await made(f.app, 'service', 'update', { service_id: f.window, description: `Inside and out ${PAYLOAD}` })
    owner = await pageClient(f.app, 'owner@sparkle.test')
  })
  afterAll(async () => {
    await f?.app.close()
  })

  it('invoice lists and pages: customer names, line items, notes, payment notes and the customer filter', async () => {
    for (const path of [
      '/invoices',
      '/invoices?status=all',
      `/invoices?status=all&customer=${encodeURIComponent(PAYLOAD)}`,
      `/invoices/${f.invoices.paid.id}`,
      `/invoices/${f.invoices.overdue.id}/void`,
    ]) {
      expectEscaped(await owner.get(path), path)
    }
    const page = await owner.get(`/invoices/${f.invoices.open.id}`)
    const refused = await owner.submit(page.html, `/invoices/${f.invoices.open.id}/payment`, [
      ['amount', PAYLOAD],
      ['method', 'cash'],
      ['note', PAYLOAD],
    ])
    expect(refused.status).toBe(400)
    expectEscaped(refused, 'a refused payment, echoing the amount and note typed')
    const voidPage = await owner.get(`/invoices/${f.invoices.paid.id}/void`)
    const voided = await owner.submit(voidPage.html, `/invoices/${f.invoices.paid.id}/void`, [['reason', PAYLOAD]])
    expect(voided.status).toBe(303)
    expectEscaped(await owner.get(`/invoices/${f.invoices.paid.id}`), 'a void invoice with its reason')
  })

  it('lead pages: names, sources, notes and what was said', async () => {
    for (const path of ['/leads', `/leads/${leadId}`, `/leads/${leadId}/edit`]) expectEscaped(await owner.get(path), path)
    const form = await owner.get('/leads/new')
    const refused = await owner.submit(form.html, '/leads', [
      ['raw_notes', PAYLOAD],
      ['name', PAYLOAD],
      ['email', PAYLOAD],
    ])
    expect(refused.status).toBe(400)
    expectEscaped(refused, 'a refused lead, echoing what was typed')
  })

  it('waitlist and services pages: customer, service and notes, and the customer search echoed back', async () => {
    expectEscaped(await owner.get('/waitlist'), 'waitlist')
    expectEscaped(await owner.get(`/waitlist/add?q=${encodeURIComponent(PAYLOAD)}`), 'waitlist search')
    expectEscaped(await owner.get('/waitlist/add?q=jane'), 'waitlist search results')
    expectEscaped(await owner.get('/services'), 'services')
    expectEscaped(await owner.get(`/services/${f.window}/edit`), 'service edit')
    const page = await owner.get('/services')
    const refused = await owner.submit(page.html, '/services', [
      ['name', PAYLOAD],
      ['pricing', 'fixed'],
      ['price', PAYLOAD],
    ])
    expect(refused.status).toBe(400)
    expectEscaped(refused, 'a refused service, echoing what was typed')
  })
})
