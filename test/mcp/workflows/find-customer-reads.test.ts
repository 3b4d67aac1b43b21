import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../../../core/kernel/context.js'
import type { Database } from '../../../core/db/types.js'
import { findCustomer } from '../../../mcp/workflows/find-customer.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { asTenant } from '../../helpers/fixtures.js'

// Monday 2026-11-02 15:00 UTC = 09:00 in Chicago.
const NOW = new Date('2026-11-02T15:00:00Z')

/** What one call sent to the database: transactions, statements in them (setup apart) and statements outside any. */
interface Sent {
  transactions: number
  statements: number
  outside: number
}

/** Runs fn while counting what is sent through db. */
async function counting(db: Database, fn: () => Promise<unknown>): Promise<Sent> {
  const sent: Sent = { transactions: 0, statements: 0, outside: 0 }
  const { transaction, query } = db
  db.transaction = ((run, setup) =>
    transaction.call(
      db,
      (tx) => {
        sent.transactions++
        return run({
          query: (text, params) => {
            sent.statements++
            return tx.query(text, params)
          },
          exec: (text) => {
            sent.statements++
            return tx.exec(text)
          },
        } as typeof tx)
      },
      setup,
    )) as typeof transaction
  db.query = ((text: string, params?: unknown[]) => {
    sent.outside++
    return query.call(db, text, params)
  }) as typeof query
  try {
    await fn()
  } finally {
    db.transaction = transaction
    db.query = query
  }
  return sent
}

describe.each(engines)('find_customer reads the same whatever the number of matches (%s)', (engine) => {
  let app: TestApp
  let agent: Principal

  const act = async (domain: string, action: string, data: Record<string, unknown>) => expectData(await app.action(domain, action, data))
  const find = (q: string) =>
    findCustomer.run({ services: app.services, principal: agent, requestId: randomUUID() }, { q, limit: 10 }) as Promise<any>

  /** A customer with all find_customer tells: a completed visit with a line, a note and a fact learned there, a visit booked ahead and an open invoice. */
  const customer = async (name: string, service: string) => {
    const id = (await act('contact', 'create', { display_name: name })).id as string
    const done = await act('ticket', 'create', {
      contact_id: id,
      scheduled_start: '2026-10-01T15:00:00Z',
      duration_minutes: 60,
      line_items: [{ service_id: service }],
    })
    await act('note', 'add', { ticket_id: done.id, content: `Ladder needed at ${name}'s.` })
    await asTenant(app, async (tx) => {
      await tx.query(`update tickets set status = 'completed', closed_at = now() where id = $1`, [done.id])
      await tx.query(
        `insert into attributes (tenant_id, contact_id, key, value, source, source_ticket_id) values ($1, $2, 'equipment', '"ladder"', 'ticket_closeout', $3)`,
        [app.tenant.tenant_id, id, done.id],
      )
    })
    await act('ticket', 'create', { contact_id: id, scheduled_start: '2026-11-20T15:00:00Z', duration_minutes: 60 })
    const invoice = await act('invoice', 'create', { contact_id: id, line_items: [{ description: 'Windows', unit_price_cents: 12_000 }] })
    await asTenant(app, (tx) => tx.query(`update invoices set status = 'sent', sent_at = now() where id = $1`, [invoice.id]))
  }

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => NOW })
    agent = { tenantId: app.tenant.tenant_id, actor: { type: 'agent', id: app.tenant.tenant_id } }
    const service = (
      await act('service', 'create', { name: 'Window Cleaning', pricing: 'fixed', price_cents: 15_000, default_duration_minutes: 60 })
    ).id
    await customer('Quincy Harlowe', service)
    for (const first of ['Ana', 'Ben', 'Cleo', 'Dev', 'Eli', 'Fay']) await customer(`${first} Rivermont`, service)
  })
  afterAll(() => app.close())

  it('sends the same transactions and statements for one match as for six, each match with its last visit, next ticket and balance', async () => {
    let one: any
    let six: any
    await find('Quincy Harlowe')
    const forOne = await counting(app.t.db, async () => {
      one = await find('Quincy Harlowe')
    })
    const forSix = await counting(app.t.db, async () => {
      six = await find('Rivermont')
    })
    expect(one.matches).toHaveLength(1)
    expect(six.matches).toHaveLength(6)
    for (const m of [...one.matches, ...six.matches]) {
      expect(m.last_service).toMatch(/^2026-10-01 Window Cleaning; \$150\.00; equipment: ladder$/)
      expect(m.last_visit.note).toMatch(/^Ladder needed at /)
      expect(m.next_ticket).toMatch(/^#\d+ .*\(scheduled\)$/)
      expect(m.open_balance_cents).toBe(12_000)
    }
    expect(forSix).toEqual(forOne)
    // The search, then one transaction for the matches' overview: last visits, their facts, next tickets and open balances.
    expect(forOne.transactions).toBe(2)
    expect(forOne.outside).toBe(0)
    // Four to six for the search (by its words); in the second, the merged-contact check and the overview.
    expect(forOne.statements).toBeLessThanOrEqual(8)
  })
})
