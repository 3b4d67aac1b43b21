import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLlmClient } from '../../core/clients/llm.js'
import { engines } from '../helpers/databases.js'
import { startFakeLlm, type FakeAnswer, type FakeLlm } from '../helpers/fake-llm.js'
import { pageClient, techFixture, type PageClient, type TechFixture } from '../helpers/technician-fixture.js'

const NOTES = 'Elderly woman, very nice. 20+ screens. Dog named Biscuit, keep gate closed.'

/** Walks a new ticket's close-out to the confirmation and returns that page, with the answers given to the model. */
async function toConfirmation(f: TechFixture, tom: PageClient, start: string): Promise<{ id: string; page: string }> {
  const { id } = await f.book(start, [f.techId])
  const p = (step: string) => `/tickets/${id}/closeout/${step}`
  await tom.get(`/tickets/${id}/closeout`)
  const steps: Array<[string, Array<[string, string]>]> = [
    [
      'work',
      [
        ['duration_minutes', '60'],
        ['quantity_0', '1'],
        ['op', 'confirm'],
      ],
    ],
    ['notes', [['notes', NOTES]]],
    ['next', [['kind', 'none']]],
  ]
  for (const [step, fields] of steps) {
    const r = await tom.submit((await tom.get(p(step))).html, p(step), fields)
    expect(r.status, step).toBe(303)
  }
  const confirm = await tom.get(p('confirm'))
  expect(confirm.status).toBe(200)
  return { id, page: confirm.html }
}

/** Adds a fact by hand on the confirmation, completes, and checks the fact is on the customer. */
async function byHand(f: TechFixture, tom: PageClient, id: string, page: string): Promise<void> {
  const p = (step: string) => `/tickets/${id}/closeout/${step}`
  const saved = await tom.submit(page, p('confirm'), [
    ['man_key_0', 'Pet name'],
    ['man_value_0', `Biscuit ${id.slice(0, 4)}`],
  ])
  expect(saved.status).toBe(303)
  const done = await tom.submit((await tom.get(p('complete'))).html, p('complete'))
  expect(done.status).toBe(303)
  const rows = (await f.app.t.admin.query<any>(`select value from attributes where source_ticket_id = $1 and key = 'pet_name'`, [id])).rows
  expect(rows.map((r) => r.value)).toEqual([`Biscuit ${id.slice(0, 4)}`])
}

describe.each(engines)('close-out extraction as the technician sees it (%s)', (engine) => {
  let llm: FakeLlm
  let f: TechFixture
  let tom: PageClient
  let hour = 14
  const next = () => `2026-11-05T${String(hour++).padStart(2, '0')}:00`

  beforeAll(async () => {
    llm = await startFakeLlm()
    f = await techFixture(engine, { llm: createLlmClient({ baseUrl: llm.baseUrl, apiKey: 'test', model: 'test-model', timeoutMs: 1000 }) })
    tom = await pageClient(f.app, 'tom@sparkle.test')
  })
  afterAll(async () => {
    await f?.app.close()
    await llm?.close()
  })

  it('good output: each fact is offered to keep, edit or drop, with nothing chosen', async () => {
    llm.answer({
      content: JSON.stringify({
        attributes: [
          { key: 'pet_name', value: 'Biscuit', confidence: 0.9 },
          { key: 'gate_instructions', value: 'keep closed', confidence: 0.8 },
        ],
      }),
    })
    const { page } = await toConfirmation(f, tom, next())
    expect(page).toContain('2 fact(s) read from the notes: keep, edit or drop each.')
    for (const i of [0, 1])
      for (const d of ['keep', 'edit', 'drop']) expect(page).toContain(`name="ex_decision_${i}" value="${d}" required>`)
    expect(page).toContain('value="keep closed"')
  })

  const failures: Array<[string, FakeAnswer]> = [
    ['malformed JSON', { content: '{"attributes": [{"key": "pet_name", "value": "Bis' }],
    ['a schema violation', { content: JSON.stringify({ attributes: [{ key: 'Pet Name', value: 'Biscuit' }] }) }],
    ['a timeout', { content: JSON.stringify({ attributes: [] }), delayMs: 2500 }],
  ]
  it.each(failures)('%s: the page says extraction failed, and facts entered by hand reach the customer', async (_name, answer) => {
    llm.answer(answer, answer)
    const { id, page } = await toConfirmation(f, tom, next())
    expect(page).toMatch(/class="err" id="extraction">Extraction failed: the model/)
    expect(page).toContain('Add facts by hand')
    expect(page).not.toContain('name="ex_decision_0"')
    await byHand(f, tom, id, page)
  })
})

describe.each(engines)('close-out without a model (%s)', (engine) => {
  let f: TechFixture
  let tom: PageClient
  beforeAll(async () => {
    f = await techFixture(engine, { llm: null })
    tom = await pageClient(f.app, 'tom@sparkle.test')
  })
  afterAll(async () => {
    await f?.app.close()
  })

  it('the page says extraction is off and manual entry works', async () => {
    const { id, page } = await toConfirmation(f, tom, '2026-11-05T14:00')
    expect(page).toMatch(/class="warn" id="extraction">Extraction is off/)
    await byHand(f, tom, id, page)
  })
})
