import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { connectMcp, toolJson } from '../../helpers/mcp-client.js'
import { asTenant, made, newContact } from '../../helpers/fixtures.js'
import { expectData } from '../../helpers/envelope-assertions.js'

describe.each(engines)('find_customer answers questions by the closest customers and shows open invoices (%s)', (engine) => {
  let app: TestApp
  let client: Client
  const ids: Record<string, string> = {}

  const find = async (q: string, limit?: number) => {
    const r = toolJson(await client.callTool({ name: 'find_customer', arguments: { q, ...(limit ? { limit } : {}) } }))
    expect(r.isError).toBe(false)
    return r.json
  }
  const person = async (first_name: string, last_name: string, city: string, postal_code: string) => {
    const id = await newContact(app, { first_name, last_name })
    await made(app, 'address', 'add', { contact_id: id, line1: '1 Main St', city, state: 'AL', postal_code })
    ids[first_name] = id
    return id
  }
  /** An invoice of one line, then set to the status given as sending and paying it would. */
  const invoice = async (contactId: string, cents: number, status: string, paid = 0) => {
    const inv = await made(app, 'invoice', 'create', {
      contact_id: contactId,
      line_items: [{ description: 'Windows', unit_price_cents: cents }],
    })
    await asTenant(app, (tx) =>
      tx.query('update invoices set status = $2, sent_at = now(), amount_paid_cents = $3 where id = $1', [inv.id, status, paid]),
    )
    return inv as { id: string; number: string; due_on: string }
  }

  beforeAll(async () => {
    app = await startTestApp(engine)
    // Edna and Mary are elderly in Owens Cross Roads, Grace is elderly in Huntsville, Tom lives in Owens Cross Roads;
    // nothing says any of them is a widow.
    const edna = await person('Edna', 'Parker', 'Owens Cross Roads', '35763')
    await made(app, 'attribute', 'set', { contact_id: edna, key: 'elderly', value: true })
    await made(app, 'note', 'add', { contact_id: edna, content: 'Elderly woman, hard of hearing: knock loudly.' })
    const mary = await person('Mary', 'Jones', 'Owens Cross Roads', '35763')
    await made(app, 'attribute', 'set', { contact_id: mary, key: 'elderly', value: true })
    const grace = await person('Grace', 'Hill', 'Huntsville', '35801')
    await made(app, 'attribute', 'set', { contact_id: grace, key: 'elderly', value: true })
    await person('Tom', 'Reed', 'Owens Cross Roads', '35763')
    client = await connectMcp(app.url, app.tenant.agent_token)
  })
  afterAll(async () => {
    await client.close()
    await app.close()
  })

  it('lists whoever satisfies every part first, then the closest, each saying which parts held and which did not', async () => {
    const out = await find('elderly woman in Owens Cross Roads')
    expect(out.read_as).toEqual({ place: 'Owens Cross Roads', attributes: ['elderly', 'woman'] })
    expect(out.matches[0]).toMatchObject({ contact_id: ids.Edna, match: 'close', why: 'in Owens Cross Roads; elderly; woman' })
    expect(out.best).toBe(ids.Edna)
    expect(out.matches[1]).toMatchObject({ contact_id: ids.Mary, match: 'near', why: 'Owens Cross Roads, elderly; nothing says woman' })
    expect(out.matches.map((m: any) => m.contact_id).sort()).toEqual([ids.Edna, ids.Mary, ids.Grace, ids.Tom].sort())
  })

  it('when nobody satisfies every part, ranks the closest by how many parts hold and says none is close', async () => {
    const out = await find('elderly widow in Owens Cross Roads')
    expect(out.read_as).toEqual({ place: 'Owens Cross Roads', attributes: ['elderly', 'widow'] })
    expect(out.best).toBe('none close')
    expect(out.answer).toMatch(/^No customer satisfies every part of "elderly widow in Owens Cross Roads"; the closest are listed as near/)
    expect(out.reading).toContain('none match every part')
    const why = Object.fromEntries(out.matches.map((m: any) => [m.contact_id, m.why]))
    expect(why).toEqual({
      [ids.Edna]: 'Owens Cross Roads, elderly; nothing says widow',
      [ids.Mary]: 'Owens Cross Roads, elderly; nothing says widow',
      [ids.Grace]: 'elderly; not in Owens Cross Roads; nothing says widow',
      [ids.Tom]: 'Owens Cross Roads; nothing says elderly; nothing says widow',
    })
    // Two parts of three before one of three, every one of them near.
    expect(
      out.matches
        .slice(0, 2)
        .map((m: any) => m.contact_id)
        .sort(),
    ).toEqual([ids.Edna, ids.Mary].sort())
    expect(out.matches.every((m: any) => m.match === 'near')).toBe(true)
    expect(out.matches[1].score).toBeGreaterThan(out.matches[2].score)
    // Small answers: a limit of one gives the one closest.
    const one = await find('elderly widow in Owens Cross Roads', 1)
    expect(one.matches).toHaveLength(1)
    expect([ids.Edna, ids.Mary]).toContain(one.matches[0].contact_id)
  })

  it("shows each match's open invoices (id, number, due date, paid and due) beside the balance they make", async () => {
    const sent = await invoice(ids.Grace, 10_000, 'sent')
    const partly = await invoice(ids.Grace, 5_000, 'partially_paid', 2_000)
    await invoice(ids.Grace, 7_000, 'paid', 7_000)
    const out = await find('Grace Hill')
    expect(out.matches[0]).toMatchObject({
      contact_id: ids.Grace,
      open_balance_cents: 13_000,
      open_invoices: [
        { id: sent.id, number: sent.number, due_on: sent.due_on, amount_paid_cents: 0, amount_due_cents: 10_000 },
        { id: partly.id, number: partly.number, due_on: partly.due_on, amount_paid_cents: 2_000, amount_due_cents: 3_000 },
      ],
    })
    // Each one is the invoice it names: its id reads it back.
    const read = expectData(await app.query({ type: 'invoices', id: out.matches[0].open_invoices[1].id }))
    expect(read).toMatchObject({ number: partly.number, amount_paid_cents: 2_000, amount_due_cents: 3_000 })
    const tom = (await find('Tom Reed')).matches[0]
    expect(tom).toMatchObject({ contact_id: ids.Tom, open_balance_cents: 0, open_invoices: [] })
  })
})
