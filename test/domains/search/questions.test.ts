import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLlmClient } from '../../../core/clients/llm.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { startFakeLlm, type FakeLlm } from '../../helpers/fake-llm.js'
import { asTenant, made, newContact, newTicket } from '../../helpers/fixtures.js'

interface Hit {
  kind: string
  id: string
  label: string
  detail: string
  score: number
  matched: string
  held?: string[]
  missing?: string[]
}

// Sunday 2026-11-22 12:00 in Chicago: last spring is 2026-03-01 to 2026-05-31.
const NOW = new Date('2026-11-22T18:00:00Z')

describe.each(engines)('search reads plain questions (%s)', (engine) => {
  let app: TestApp
  let fake: FakeLlm
  const ids: Record<string, string> = {}

  const search = async (q: string) => expectData(await app.query({ type: 'search', q }))
  // The contacts satisfying every part (or found as words); the closest that follow them are checked on their own.
  const contacts = (page: { items: Hit[] }) =>
    page.items
      .filter((h) => h.kind === 'contact' && h.matched !== 'closest')
      .map((h) => h.label)
      .sort()
  const person = async (name: string, city: string, postal: string) => {
    const [first_name, last_name] = name.split(' ')
    const id = await newContact(app, { first_name, last_name })
    await made(app, 'address', 'add', { contact_id: id, line1: '1 Main St', city, state: 'AL', postal_code: postal })
    ids[first_name] = id
    return id
  }
  const attribute = (contactId: string, key: string, value: unknown) => made(app, 'attribute', 'set', { contact_id: contactId, key, value })
  const note = (contactId: string, content: string) => made(app, 'note', 'add', { contact_id: contactId, content })
  const visit = async (contactId: string, serviceId: string, start: string, status: 'completed' | 'scheduled' | 'cancelled') => {
    const t = await newTicket(app, contactId, { scheduled_start: start, line_items: [{ service_id: serviceId, quantity: 1 }] })
    if (status === 'completed')
      await asTenant(app, (tx) => tx.query(`update tickets set status = 'completed', closed_at = now() where id = $1`, [t.id]))
    if (status === 'cancelled')
      await asTenant(app, (tx) => tx.query(`update tickets set status = 'cancelled', cancelled_at = now() where id = $1`, [t.id]))
  }

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW })
    fake = await startFakeLlm()
    // Elderly woman in Owens Cross Roads: only Edna. Walter is an elderly man there; Mary is elderly there but nothing
    // says woman (her name must not); Grace is an elderly woman in Huntsville; Olivia Cross lives in Madison.
    const edna = await person('Edna Parker', 'Owens Cross Roads', '35763')
    await attribute(edna, 'elderly', true)
    await note(edna, 'Elderly woman, hard of hearing: knock loudly.')
    const walter = await person('Walter Brooks', 'Owens Cross Roads', '35763')
    await attribute(walter, 'elderly', true)
    await note(walter, 'Retired man, likes to chat about the Braves.')
    await attribute(walter, 'pets', ['dog'])
    const mary = await person('Mary Jones', 'Owens Cross Roads', '35763')
    await attribute(mary, 'elderly', true)
    const grace = await person('Grace Hill', 'Huntsville', '35801')
    await attribute(grace, 'elderly', true)
    await note(grace, 'Elderly woman living alone.')
    const olivia = await person('Olivia Cross', 'Madison', '35758')
    await attribute(olivia, 'woman', true)
    await attribute(olivia, 'elderly', true)
    // Dogs: Jane by a note, Walter by an attribute; Ted's name only looks like it and Bea's dog attribute is false.
    const jane = await person('Jane Smith', 'Madison', '35758')
    await note(jane, 'Dog in the backyard, keep the gate closed.')
    await person('Ted Doggett', 'Madison', '35758')
    const bea = await person('Bea Long', 'Madison', '35758')
    await attribute(bea, 'dog', false)
    // Extension ladder: Carl's equipment attribute; Dora has a ladder and an extension cord, never an extension ladder.
    const carl = await person('Carl Reed', 'Gurley', '35748')
    await attribute(carl, 'equipment', 'extension ladder')
    const dora = await person('Dora Vance', 'Gurley', '35748')
    await attribute(dora, 'equipment', 'step ladder')
    await note(dora, 'Extension cord in the garage.')
    // Screen cleaning last spring (2026-03-01 to 2026-05-31, Chicago): Sam (done) and Ann (booked, late on May 31 local)
    // yes; Kim (Feb 28 local, Mar 1 UTC), Lou (window cleaning), Bo (cancelled) and Pat (spring 2025) no.
    const screens = (
      await made(app, 'service', 'create', { name: 'Screen Cleaning', pricing: 'per_unit', price_cents: 500, unit_name: 'screen' })
    ).id
    const windows = (await made(app, 'service', 'create', { name: 'Window Cleaning', pricing: 'fixed', price_cents: 12000 })).id
    await visit(await person('Sam Lee', 'Huntsville', '35801'), screens, '2026-04-15T15:00:00Z', 'completed')
    await visit(await person('Ann Cole', 'Huntsville', '35801'), screens, '2026-06-01T04:00:00Z', 'scheduled')
    await visit(await person('Kim Day', 'Huntsville', '35801'), screens, '2026-03-01T05:00:00Z', 'completed')
    await visit(await person('Lou Park', 'Huntsville', '35801'), windows, '2026-04-20T15:00:00Z', 'completed')
    await visit(await person('Bo Fry', 'Huntsville', '35801'), screens, '2026-05-02T15:00:00Z', 'cancelled')
    await visit(await person('Pat Moss', 'Huntsville', '35801'), screens, '2025-04-02T15:00:00Z', 'completed')
    await person('Madison Avery', 'Huntsville', '35801')
  })
  afterAll(async () => {
    await fake.close()
    await app.close()
  })

  it('"elderly woman in Owens Cross Roads": the place and both people words, never a gender guessed from a name', async () => {
    const page = await search('elderly woman in Owens Cross Roads')
    expect(page.read_as).toEqual({ place: 'Owens Cross Roads', attributes: ['elderly', 'woman'] })
    expect(page.read_by).toBe('rules')
    expect(contacts(page)).toEqual(['Edna Parker'])
    expect(page.reading).toBe(
      'Read as customers in Owens Cross Roads, with "elderly" (an attribute or a note), ' +
        'with "woman" (an attribute or a note): 1 matches every part; then the closest 4 shown by how many parts they satisfy.',
    )
  })

  it('"customers who had screen cleaning last spring": a catalog service and a period in the business\'s time zone', async () => {
    const page = await search('customers who had screen cleaning last spring')
    expect(page.read_as).toEqual({ service: 'Screen Cleaning', between: ['2026-03-01', '2026-05-31'] })
    expect(contacts(page)).toEqual(['Ann Cole', 'Sam Lee'])
    expect(contacts(await search('screen cleaning last year'))).toEqual(['Pat Moss'])
    expect(contacts(await search('window cleaning in april'))).toEqual(['Lou Park'])
  })

  it('"dog" and "extension ladder" are found in attributes and notes, not in names or false attributes', async () => {
    const dog = await search('dog')
    expect(dog.read_as).toEqual({ attributes: ['dog'] })
    expect(contacts(dog)).toEqual(['Jane Smith', 'Walter Brooks'])
    const ladder = await search('extension ladder')
    expect(ladder.read_as).toEqual({ attributes: ['extension ladder'] })
    expect(contacts(ladder)).toEqual(['Carl Reed'])
    expect(contacts(await search('dog owners in Madison'))).toEqual(['Jane Smith'])
  })

  it('says which part left none when no customer satisfies every part', async () => {
    const page = await search('elderly woman in Gurley')
    expect(contacts(page)).toEqual([])
    expect(page.reading).toContain(
      'the part "with "elderly" (an attribute or a note)" left none (5 customers satisfy it alone, 2 satisfy the parts before it)',
    )
    expect(page.reading).toMatch(/; the closest \d+ shown by how many parts they satisfy\.$/)
    const nowhere = await search('dog in Nowhereville')
    expect(nowhere.read_as).toEqual({ place: 'Nowhereville', attributes: ['dog'] })
    expect(nowhere.reading).toContain('the part "in Nowhereville" left none (0 customers satisfy it alone)')
  })

  it('answers the closest when no customer satisfies every part, ranked by how many parts hold, saying which held', async () => {
    // Nobody elderly in Madison is a man; Olivia (elderly, woman) and Walter (man, but in Owens Cross Roads) hold two parts of three.
    const page = await search('elderly man in Madison')
    expect(page.read_as).toEqual({ place: 'Madison', attributes: ['elderly', 'man'] })
    expect(contacts(page)).toEqual([])
    const closest = page.items.filter((h: Hit) => h.kind === 'contact')
    expect(closest.every((h: Hit) => h.matched === 'closest')).toBe(true)
    const byName = new Map(closest.map((h: Hit) => [h.label, h]))
    expect(byName.get('Olivia Cross')).toMatchObject({ held: ['Madison', 'elderly'], missing: ['nothing says man'] })
    expect(byName.get('Walter Brooks')).toMatchObject({ held: ['elderly', 'man'], missing: ['not in Madison'] })
    // Two parts held come before one: every customer holding two is listed ahead of those holding only Madison or elderly.
    const held = closest.map((h: Hit) => h.held?.length ?? 0)
    expect(held).toEqual([...held].sort((a, b) => b - a))
    expect(held.slice(0, 2)).toEqual([2, 2])
    expect(closest.slice(2).every((h: Hit) => h.held?.length === 1)).toBe(true)
    expect(closest[0].score).toBeGreaterThan(closest[2].score)
    expect(closest[0].score).toBeLessThan(0.85)
  })

  it('lists those satisfying every part first, then fills the page with the closest', async () => {
    const page = expectData(await app.query({ type: 'search', q: 'elderly woman in Owens Cross Roads', kinds: 'contact', limit: 3 }))
    const hits = page.items as Hit[]
    expect(hits).toHaveLength(3)
    expect(hits[0]).toMatchObject({ label: 'Edna Parker', matched: 'question', score: 1 })
    expect(hits[0].held).toBeUndefined()
    // Walter and Mary (elderly there, nothing says woman), Grace and Olivia (elderly women elsewhere) each hold two parts.
    const twoOfThree: Record<string, string[]> = {
      'Walter Brooks': ['nothing says woman'],
      'Mary Jones': ['nothing says woman'],
      'Grace Hill': ['not in Owens Cross Roads'],
      'Olivia Cross': ['not in Owens Cross Roads'],
    }
    for (const h of hits.slice(1)) {
      expect(h.matched).toBe('closest')
      expect(h.missing, h.label).toEqual(twoOfThree[h.label])
      expect(h.held, h.label).toHaveLength(2)
    }
    expect(page.reading).toBe(
      'Read as customers in Owens Cross Roads, with "elderly" (an attribute or a note), with "woman" (an attribute or a note): ' +
        '1 matches every part; then the closest 2 shown by how many parts they satisfy.',
    )
  })

  it('still looks up names, phone numbers and ordinary words as before', async () => {
    const page = await search('Jane Smith')
    expect(page.read_as).toEqual({ names: ['jane smith'] })
    expect(page.items.find((h: Hit) => h.kind === 'contact')).toMatchObject({ label: 'Jane Smith', matched: 'name' })
    expect((await search('555-0142')).read_as).toBeUndefined()
    // A whole address line is one street, though a town's name is inside it: its customer lives elsewhere.
    const pike = await newContact(app, { first_name: 'Nora', last_name: 'Pike' })
    await made(app, 'address', 'add', {
      contact_id: pike,
      line1: '5255 Old Madison Pike Rd',
      city: 'Huntsville',
      state: 'AL',
      postal_code: '35806',
    })
    for (const line of ['5255 Old Madison Pike Rd', '5255 old madison pike road']) {
      const page = await search(line)
      expect(page.read_as, line).toEqual({ street: line.toLowerCase().split(' ').slice(1, -1).join(' ') })
      expect(page.items.find((h: Hit) => h.kind === 'contact')?.id, line).toBe(pike)
    }
    // A surname that is a people word: the question (melissa, with "young") finds nobody, so the words are a name.
    const melissa = await newContact(app, { first_name: 'Melissa', last_name: 'Young' })
    const young = await search('Melissa Young')
    expect(young.items.find((h: Hit) => h.kind === 'contact')?.id).toBe(melissa)
    expect(young.reading).toMatch(/left none .*\. Looked up as words instead\.$/)
    // A town alone is looked up as words: the customer named like it is found too.
    const madison = await search('Madison')
    expect(madison.read_as).toEqual({ place: 'Madison' })
    expect(madison.reading).toBeUndefined()
    expect(contacts(madison)).toContain('Madison Avery')
  })

  describe('with a model', () => {
    const useModel = () => {
      app.services.llm = createLlmClient({ baseUrl: fake.baseUrl, apiKey: 'k', model: 'reader', timeoutMs: 5_000 })
    }
    const reading = (r: Record<string, unknown>) =>
      JSON.stringify({ names: [], place: null, postal_code: null, street: null, attributes: [], service: null, from: null, to: null, ...r })
    afterAll(() => {
      app.services.llm = null
    })

    it("uses the model's reading when it is valid, and tells the model today, the time zone and the catalog", async () => {
      useModel()
      fake.answer({ content: reading({ place: 'Owens Cross Roads', attributes: ['elderly', 'woman'] }) })
      const page = await search('old ladies out in owens x roads')
      expect(page.read_by).toBe('model')
      expect(page.read_as).toEqual({ place: 'Owens Cross Roads', attributes: ['elderly', 'woman'] })
      expect(contacts(page)).toEqual(['Edna Parker'])
      const sent = fake.requests.at(-1)
      expect(sent.messages[0].content).toContain('Today is 2026-11-22 (time zone America/Chicago)')
      expect(sent.messages[0].content).toContain('Screen Cleaning; Window Cleaning')
      expect(sent.messages[1].content).toBe('old ladies out in owens x roads')
      fake.answer({ content: reading({ service: 'screen cleaning', from: '2026-03-01', to: '2026-05-31' }) })
      expect(contacts(await search('who got their screens done in the spring'))).toEqual(['Ann Cole', 'Sam Lee'])
      const usage = await asTenant(app, (tx) => tx.query(`select outcome from llm_usage where purpose = 'search_reading'`))
      expect(usage.rows.map((r: any) => r.outcome)).toEqual(['ok', 'ok'])
      // A name is not sent to the model.
      const asked = fake.requests.length
      expect((await search('Jane Smith')).read_by).toBe('rules')
      expect(fake.requests.length).toBe(asked)
    })

    it('falls back to the rules when the model answers garbage or a service not in the catalog', async () => {
      useModel()
      fake.answer({ content: 'Sure! Here are the customers' }, { content: '{"names": ' })
      const page = await search('elderly woman in Owens Cross Roads')
      expect(page.read_by).toBe('rules')
      expect(page.model_note).toMatch(/^the model's reading was not used: invalid_json/)
      expect(contacts(page)).toEqual(['Edna Parker'])
      fake.answer({ content: reading({ service: 'Pressure Washing' }) })
      const made_up = await search('customers who had screen cleaning last spring')
      expect(made_up.read_by).toBe('rules')
      expect(made_up.model_note).toContain('named a service not in the catalog: Pressure Washing')
      expect(contacts(made_up)).toEqual(['Ann Cole', 'Sam Lee'])
    })

    it('answers by the rules within a few seconds when the model is slow', async () => {
      useModel()
      fake.answer(
        { content: reading({ attributes: ['nobody'] }), delayMs: 4_000 },
        { content: reading({ attributes: ['nobody'] }), delayMs: 4_000 },
      )
      const started = Date.now()
      const page = await search('elderly woman in Owens Cross Roads')
      expect(Date.now() - started).toBeLessThan(3_500)
      expect(page.read_by).toBe('rules')
      expect(page.model_note).toContain('timeout')
      expect(contacts(page)).toEqual(['Edna Parker'])
    })
  })
})
