import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLlmClient } from '../../core/clients/llm.js'
import { engines } from '../helpers/databases.js'
import { startFakeLlm, type FakeLlm } from '../helpers/fake-llm.js'
import { formHtml, hiddenFields, pageClient, techFixture, type PageClient, type TechFixture } from '../helpers/technician-fixture.js'

const FACTS = JSON.stringify({
  attributes: [
    { key: 'customer_demographic', value: 'elderly', confidence: 0.9 },
    { key: 'pet_name', value: 'Biscuit', confidence: 0.95 },
    { key: 'property_screen_count', value: '20+', confidence: 0.8 },
  ],
})

describe.each(engines)('technician close-out over HTTP, without JavaScript (%s)', (engine) => {
  let f: TechFixture
  let llm: FakeLlm
  let tom: PageClient
  let id: string
  const path = (step: string) => `/tickets/${id}/closeout/${step}`
  const one = async (sql: string, args: unknown[] = []) => (await f.app.t.admin.query<any>(sql, args)).rows

  beforeAll(async () => {
    llm = await startFakeLlm()
    f = await techFixture(engine, { llm: createLlmClient({ baseUrl: llm.baseUrl, apiKey: 'test', model: 'test-model', timeoutMs: 2000 }) })
    tom = await pageClient(f.app, 'tom@sparkle.test')
    id = f.tickets.now
  })
  afterAll(async () => {
    await f?.app.close()
    await llm?.close()
  })

  it('Close out starts the close-out and opens step 1; later steps lead back to the first missing one', async () => {
    const start = await tom.get(`/tickets/${id}/closeout`)
    expect(start.status).toBe(303)
    expect(start.location).toBe(path('work'))
    for (const step of ['notes', 'next', 'confirm', 'complete', 'payment']) {
      const r = await tom.get(path(step))
      expect(r.status, step).toBe(303)
      expect(r.location).toBe(path('work'))
    }
    expect((await tom.get(`/tickets/${id}/closeout/nope`)).status).toBe(404)
  })

  it('a POST for a later step is refused on the page of the missing step', async () => {
    const work = (await tom.get(path('work'))).html
    const r = await tom.post(path('next'), [...hiddenFields(work, path('work')), ['kind', 'none']])
    expect(r.status).toBe(409)
    expect(r.html).toContain('Step &quot;work&quot; of the close-out comes first')
    expect(r.html).toContain(`action="${path('work')}"`)
    expect((await one('select state from closeouts where ticket_id = $1', [id]))[0].state.next_service).toBeUndefined()
  })

  it('step 1: duration prefilled, Update adds a service and changes quantities without moving on, then Confirm', async () => {
    const work = (await tom.get(path('work'))).html
    expect(formHtml(work, path('work'))).toContain('name="duration_minutes" min="0" max="1440" inputmode="numeric" value="60"')
    expect(work).toContain('Window cleaning')
    expect(work).toMatch(/<option value="[^"]+">Screen cleaning \(\$5\.00 per screen\)<\/option>/)
    const screens = f.services.screens
    const updated = await tom.submit(work, path('work'), [
      ['duration_minutes', '75'],
      ['quantity_0', '1'],
      ['add_service', screens],
      ['add_quantity', '20'],
      ['op', 'update'],
    ])
    expect(updated.status).toBe(303)
    expect(updated.location).toBe(path('work'))
    const again = (await tom.get(path('work'))).html
    expect(again).toContain('Screen cleaning')
    expect(again).toContain('$100.00')
    expect(again).toContain('value="75"')
    // A bad quantity is named on the page, with what was typed kept.
    const bad = await tom.submit(again, path('work'), [
      ['duration_minutes', '75'],
      ['quantity_0', '1'],
      ['quantity_1', 'lots'],
      ['op', 'confirm'],
    ])
    expect(bad.status).toBe(400)
    expect(bad.html).toContain('Quantity of Screen cleaning: enter a whole number from 1 to 10000')
    expect(bad.html).toContain('value="lots"')
    const done = await tom.submit(again, path('work'), [
      ['duration_minutes', '75'],
      ['quantity_0', '1'],
      ['quantity_1', '22'],
      ['op', 'confirm'],
    ])
    expect(done.status).toBe(303)
    expect(done.location).toBe(path('notes'))
    // The same form sent again with other answers (an old copy from the back button) is explained, not run.
    const stale = await tom.submit(again, path('work'), [
      ['duration_minutes', '90'],
      ['quantity_0', '2'],
      ['quantity_1', '22'],
      ['op', 'confirm'],
    ])
    expect(stale.status).toBe(409)
    expect(stale.html).toContain('This form was already sent from an older copy of the page')
    const state = (await one('select state, steps_done from closeouts where ticket_id = $1', [id]))[0]
    expect(state.steps_done).toEqual(['work'])
    expect(state.state.work.line_items.map((l: any) => [l.description, l.quantity])).toEqual([
      ['Window cleaning', 1],
      ['Screen cleaning', 22],
    ])
  })

  it('step 2: empty notes need "No notes"; a pasted card number is redacted by the API and the page count is logged', async () => {
    const page = (await tom.get(path('notes'))).html
    const empty = await tom.submit(page, path('notes'), [['notes', '  ']])
    expect(empty.status).toBe(400)
    expect(empty.html).toContain('tick &quot;No notes&quot; to skip on purpose')
    llm.answer({ content: FACTS })
    const notes = 'Elderly woman, very nice. 20+ screens. Dog named Biscuit, keep gate closed. Card 4111 1111 1111 1111 on file.'
    const saved = await tom.submit(page, path('notes'), [
      ['notes', notes],
      ['page_redactions_card', '1'],
    ])
    expect(saved.status).toBe(303)
    expect(saved.location).toBe(path('next'))
    const row = (await one('select state from closeouts where ticket_id = $1', [id]))[0]
    expect(row.state.notes).toContain('Card [REDACTED] on file')
    expect(row.state.notes).not.toContain('4111')
    const layers = (await one(`select layer from security_events where request_id is not null and kind = 'card' order by layer`)).map(
      (r: any) => r.layer,
    )
    expect(layers).toEqual(expect.arrayContaining(['api', 'page']))
    // The model reads the notes after the save has answered.
    await f.app.services.background.settled()
    expect(llm.requests.at(-1).messages[1].content).not.toContain('4111')
  })

  it('step 3: a choice is required; schedule in the past is refused; schedule next month', async () => {
    const page = (await tom.get(path('next'))).html
    expect(page).not.toMatch(/name="kind" value="\w+" required checked/)
    const none = await tom.submit(page, path('next'), [])
    expect(none.status).toBe(400)
    expect(none.html).toContain('Choose what happens next')
    const past = await tom.submit(page, path('next'), [
      ['kind', 'schedule'],
      ['date', '2026-11-01'],
      ['time', '09:00'],
    ])
    expect(past.status).toBe(400)
    expect(past.html).toContain('must be in the future')
    const ok = await tom.submit(page, path('next'), [
      ['kind', 'schedule'],
      ['date', '2026-12-03'],
      ['time', '09:00'],
    ])
    expect(ok.status).toBe(303)
    expect(ok.location).toBe(path('confirm'))
  })

  it('step 4: the summary, the extracted facts with keep/edit/drop and no default, and facts by hand', async () => {
    const page = (await tom.get(path('confirm'))).html
    expect(page).toContain('3 fact(s) read from the notes')
    expect(page).toContain('next visit booked for 2026-12-03 09:00')
    expect(page).toContain('value="Biscuit"')
    expect(page).not.toMatch(/name="ex_decision_\d" value="\w+" required checked/)
    const undecided = await tom.submit(page, path('confirm'), [
      ['ex_decision_0', 'keep'],
      ['ex_value_0', 'elderly'],
      ['ex_value_1', 'Biscuit'],
      ['ex_value_2', '20+'],
    ])
    expect(undecided.status).toBe(400)
    expect(undecided.html).toContain('pet_name: choose keep, edit or drop')
    const ok = await tom.submit(page, path('confirm'), [
      ['ex_decision_0', 'keep'],
      ['ex_value_0', 'elderly'],
      ['ex_decision_1', 'keep'],
      ['ex_value_1', 'Biscuit (golden retriever)'],
      ['ex_decision_2', 'drop'],
      ['ex_value_2', '20+'],
      ['man_key_0', 'Gate code'],
      ['man_value_0', '4821'],
    ])
    expect(ok.status).toBe(303)
    expect(ok.location).toBe(path('complete'))
    const decisions = (await one('select state from closeouts where ticket_id = $1', [id]))[0].state.attributes
    expect(decisions.map((a: any) => [a.key, a.decision, a.origin])).toEqual([
      ['customer_demographic', 'keep', 'extracted'],
      ['pet_name', 'edit', 'extracted'],
      ['property_screen_count', 'drop', 'extracted'],
      ['gate_code', 'keep', 'manual'],
    ])
  })

  it('step 5: Complete twice with the same one-time token closes once and books one next ticket', async () => {
    const page = (await tom.get(path('complete'))).html
    expect(page).toContain('3 facts go onto Jane Smith')
    const first = await tom.submit(page, path('complete'))
    const second = await tom.submit(page, path('complete'))
    expect([first.status, second.status]).toEqual([303, 303])
    expect(second.location).toBe(path('payment'))
    // A new token (a later tap, a reloaded page) is answered with the same close, never a second one.
    const csrf = hiddenFields((await tom.get(path('payment'))).html, path('payment')).find(([k]) => k === '_csrf')!
    const fresh = await tom.post(path('complete'), [csrf, ['_once', 'a-later-tap-0123456789']])
    expect(fresh.status).toBe(303)
    expect(fresh.location).toBe(path('payment'))
    const t = (await one('select status, closed_at, duration_minutes from tickets where id = $1', [id]))[0]
    expect(t.status).toBe('completed')
    expect(t.duration_minutes).toBe(75)
    expect(await one(`select 1 from audit_log where entity_id = $1 and action = 'close'`, [id])).toHaveLength(1)
    expect(await one('select number from tickets where previous_ticket_id = $1', [id])).toHaveLength(1)
    const attrs = await one(`select key, value, source from attributes where contact_id = $1 and source = 'ticket_closeout' order by key`, [
      f.contactId,
    ])
    expect(attrs.map((a: any) => [a.key, a.value])).toEqual([
      ['customer_demographic', 'elderly'],
      ['gate_code', '4821'],
      ['pet_name', 'Biscuit (golden retriever)'],
    ])
    // Earlier steps are closed with the ticket.
    const back = await tom.get(path('work'))
    expect(back.status).toBe(303)
    expect(back.location).toBe(path('payment'))
  })

  it('step 6: skipping needs a reason; sending the invoice twice with one token makes one invoice and one email, then Today', async () => {
    const page = (await tom.get(path('payment'))).html
    expect(page).toContain('Next visit booked: ticket #')
    const noReason = await tom.submit(page, path('payment'), [
      ['payment', 'skip'],
      ['skip_reason', ''],
    ])
    expect(noReason.status).toBe(400)
    expect(noReason.html).toContain('skip_reason: is required to skip payment')
    const first = await tom.submit(page, path('payment'), [
      ['payment', 'send_invoice'],
      ['skip_reason', ''],
    ])
    const second = await tom.submit(page, path('payment'), [
      ['payment', 'send_invoice'],
      ['skip_reason', ''],
    ])
    expect(first.status).toBe(303)
    expect(second.location).toBe(first.location)
    expect(first.location).toBe(`/today?closed=${f.ticketNumbers[id]}`)
    expect(await one('select id from invoices where ticket_id = $1', [id])).toHaveLength(1)
    expect(await one(`select id from scheduled_messages where kind = 'invoice' and contact_id = $1`, [f.contactId])).toHaveLength(1)
    const today = await tom.get(first.location!)
    expect(today.html).toContain(`Ticket #${f.ticketNumbers[id]} is closed out.`)
  })

  it('every close-out page is under 14 KB compressed and makes no third-party request', async () => {
    const other = await f.book('2026-11-05T15:00', [f.techId], { is_price_estimated: true })
    await tom.get(`/tickets/${other.id}/closeout`)
    const html = (await tom.get(`/tickets/${other.id}/closeout/work`)).html
    expect(html).toContain('I confirm the final price')
    const { gzipSync } = await import('node:zlib')
    expect(gzipSync(html).length).toBeLessThan(14 * 1024)
    expect(html).not.toMatch(/(src|href)="https?:/)
  })

  it('an estimated ticket cannot be confirmed without the final price box; pay now says payments are off; another technician gets 403', async () => {
    const est = await f.book('2026-11-05T16:30', [f.techId], { is_price_estimated: true })
    const p = (step: string) => `/tickets/${est.id}/closeout/${step}`
    await tom.get(`/tickets/${est.id}/closeout`)
    const work = (await tom.get(p('work'))).html
    const refused = await tom.submit(work, p('work'), [
      ['duration_minutes', '60'],
      ['quantity_0', '1'],
      ['op', 'confirm'],
    ])
    expect(refused.status).toBe(400)
    expect(refused.html).toContain('final_price_confirmed: must be checked')
    const olga = await pageClient(f.app, 'olga@sparkle.test')
    expect((await olga.get(p('work'))).status).toBe(403)
    expect(
      (
        await olga.post(p('work'), [
          ...hiddenFields((await olga.get(`/tickets/${f.tickets.olgas}`)).html, `/tickets/${f.tickets.olgas}/clock_in`),
          ['duration_minutes', '1'],
          ['op', 'confirm'],
        ])
      ).status,
    ).toBe(403)
    const withGutters = await tom.submit(work, p('work'), [
      ['duration_minutes', '60'],
      ['quantity_0', '1'],
      ['add_service', f.services.gutters],
      ['add_quantity', '1'],
      ['op', 'update'],
    ])
    expect(withGutters.location).toBe(p('work'))
    const flexible = (await tom.get(p('work'))).html
    expect(flexible).toContain('name="price_1" value="80.00"')
    expect(flexible).not.toContain('name="price_0"')
    const badPrice = await tom.submit(flexible, p('work'), [
      ['duration_minutes', '60'],
      ['quantity_0', '1'],
      ['quantity_1', '1'],
      ['price_1', 'ninety'],
      ['op', 'update'],
    ])
    expect(badPrice.status).toBe(400)
    expect(badPrice.html).toContain('Price of Gutter cleaning: enter a price such as 45 or 45.50')
    const steps: Array<[string, Array<[string, string]>]> = [
      [
        'work',
        [
          ['duration_minutes', '60'],
          ['quantity_0', '1'],
          ['quantity_1', '1'],
          ['price_1', '$95.50'],
          ['final_price_confirmed', '1'],
          ['op', 'confirm'],
        ],
      ],
      [
        'notes',
        [
          ['notes', ''],
          ['no_notes', '1'],
        ],
      ],
      [
        'next',
        [
          ['kind', 'reach_out'],
          ['months', '6'],
        ],
      ],
      ['confirm', []],
      ['complete', []],
    ]
    for (const [step, fields] of steps) {
      const page = (await tom.get(p(step))).html
      if (step === 'confirm') expect(page).toContain('No notes to read')
      const r = await tom.submit(page, p(step), fields)
      expect(r.status, `${step}: ${r.html.match(/class="err"[^>]*>([^<]*)/)?.[1]}`).toBe(303)
    }
    const lines = await one('select description, unit_price_cents from ticket_line_items where ticket_id = $1 order by position', [est.id])
    expect(lines.map((l: any) => [l.description, l.unit_price_cents])).toEqual([
      ['Window cleaning', 15000],
      ['Gutter cleaning', 9550],
    ])
    const pay = (await tom.get(p('payment'))).html
    expect(pay).toContain('We will reach out to Jane Smith on 2027-05-05')
    const now = await tom.submit(pay, p('payment'), [['payment', 'pay_now']])
    expect(now.location).toBe(p('payment'))
    const shown = (await tom.get(p('payment'))).html
    expect(shown).toContain('Online payments are off')
    expect(shown).toContain('href="/today"')
  })
})
