import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { asTenant, newContact, signedIn } from '../../helpers/fixtures.js'
import { addUser } from '../../helpers/session-browser.js'

describe.each(engines)('invoices of several customers in one read (%s)', (engine) => {
  let app: TestApp
  let ann: string
  let bob: string
  let cat: string
  const ids: Record<string, string> = {}

  const invoice = async (contactId: string, cents: number, status: 'draft' | 'sent') => {
    const made = expectData(
      await app.action('invoice', 'create', { contact_id: contactId, line_items: [{ description: 'Windows', unit_price_cents: cents }] }),
    )
    if (status === 'sent')
      await asTenant(app, (tx) => tx.query(`update invoices set status = 'sent', sent_at = now() where id = $1`, [made.id]))
    return made.id as string
  }
  const read = async (filters: Record<string, string>) => expectData(await app.query({ type: 'invoices', ...filters })).items as any[]

  beforeAll(async () => {
    app = await startTestApp(engine)
    ann = await newContact(app, { display_name: 'Ann Able' })
    bob = await newContact(app, { display_name: 'Bob Baker' })
    cat = await newContact(app, { display_name: 'Cat Cole' })
    ids.annSent = await invoice(ann, 10_000, 'sent')
    ids.annDraft = await invoice(ann, 5_000, 'draft')
    ids.bobSent = await invoice(bob, 7_000, 'sent')
    ids.catSent = await invoice(cat, 9_000, 'sent')
  })
  afterAll(() => app.close())

  /** The issues of a refused read, after checking it was refused as bad input. */
  const issuesOf = (res: Awaited<ReturnType<TestApp['query']>>) => {
    expectError(res, 400, 'VALIDATION_ERROR')
    return res.body.error.details.issues as Array<{ field: string; message: string }>
  }

  it('contact_ids lists the invoices of each customer named; with status=open only what they still owe', async () => {
    expect((await read({ contact_ids: `${ann},${bob}` })).map((i) => i.id).sort()).toEqual([ids.annSent, ids.annDraft, ids.bobSent].sort())
    const open = await read({ contact_ids: `${ann},${bob}`, status: 'open' })
    expect(open.map((i) => [i.contact_id, i.amount_due_cents]).sort()).toEqual(
      [
        [ann, 10_000],
        [bob, 7_000],
      ].sort(),
    )
  })

  it('refuses a list that is not ids, naming the field', async () => {
    const bad = issuesOf(await app.query({ type: 'invoices', contact_ids: `${ann};${bob}` }))
    expect(bad).toEqual([{ field: 'contact_ids', message: 'expected up to 100 contact ids separated by commas' }])
  })

  it('is closed to technicians, as invoices are', async () => {
    const tess = await signedIn(app, await addUser(app, 'tess@sparkle.test', 'technician', 'Tess Tech'))
    expectError(await tess.query({ type: 'invoices', contact_ids: ann }), 403, 'FORBIDDEN')
  })
})
