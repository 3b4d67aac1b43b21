import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { callAction, type Caller } from '../../core/kernel/call-action.js'
import { callQuery, callQueryAll, readTogether } from '../../core/kernel/call-query.js'
import { createContact } from '../../core/domains/contacts/actions.js'
import { createTicket } from '../../core/domains/tickets/actions.js'
import { ticketsQuery } from '../../core/domains/tickets/queries.js'
import { usersQuery } from '../../core/domains/users/queries.js'
import { addUser } from '../../core/domains/users/actions.js'
import { AppError } from '../../core/kernel/errors.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'

describe.each(engines)('callQuery (%s)', (engine) => {
  let app: TestApp
  let owner: Caller
  let technician: Caller
  let theirs: string
  let others: string

  /** The answer of an action the owner runs, which is never queued. */
  async function made<T>(outcome: Promise<{ queued: boolean; result: T | unknown }>): Promise<T> {
    const o = await outcome
    if (o.queued) throw new Error("an owner's call is not queued")
    return o.result as T
  }

  beforeAll(async () => {
    app = await startTestApp(engine)
    owner = {
      services: app.services,
      principal: { tenantId: app.tenant.tenant_id, actor: { type: 'user', id: app.tenant.owner_user_id, role: 'owner' } },
      requestId: randomUUID(),
    }
    const tech = await made<{ id: string }>(callAction(owner, addUser, { email: 'tia@typed.test', name: 'Tia Tech', role: 'technician' }))
    technician = { ...owner, principal: { tenantId: app.tenant.tenant_id, actor: { type: 'user', id: tech.id, role: 'technician' } } }
    const contact = await made<{ id: string }>(callAction(owner, createContact, { display_name: 'Read Rhea' }))
    theirs = (
      await made<{ id: string }>(
        callAction(owner, createTicket, { contact_id: contact.id, scheduled_start: '2030-03-04T09:00:00Z', technician_ids: [tech.id] }),
      )
    ).id
    others = (
      await made<{ id: string }>(callAction(owner, createTicket, { contact_id: contact.id, scheduled_start: '2030-03-04T13:00:00Z' }))
    ).id
  })
  afterAll(() => app?.close())

  it("answers a page in the shape of the record schema, as JSON reads it, with the API's limit and cursor", async () => {
    const page = await callQuery(owner, ticketsQuery, {
      params: { from: '2030-03-04', to: '2030-03-04' },
      include: ['technicians'],
      limit: 1,
    })
    expect(page.items).toHaveLength(1)
    // Typed: a misspelt field here would not compile, and times are ISO strings as the schema says.
    expect(page.items[0].contact_name).toBe('Read Rhea')
    expect(typeof page.items[0].scheduled_start).toBe('string')
    expect(ticketsQuery.record.safeParse(page.items[0]).success).toBe(true)
    expect(page.next_cursor).toEqual(expect.any(String))
    const next = await callQuery(owner, ticketsQuery, {
      params: { from: '2030-03-04', to: '2030-03-04' },
      limit: 1,
      cursor: page.next_cursor!,
    })
    expect([page.items[0].id, next.items[0].id].sort()).toEqual([theirs, others].sort())
    const all = await callQueryAll(owner, ticketsQuery, { params: { from: '2030-03-04', to: '2030-03-04' } })
    expect(all.map((t) => t.id).sort()).toEqual([theirs, others].sort())
    const tooMany = await callQuery(owner, ticketsQuery, { limit: 101 }).catch((err) => err)
    expect((tooMany as AppError).code).toBe('VALIDATION_ERROR')
  })

  it('reads one record by id, and a missing one is NOT_FOUND', async () => {
    const ticket = await callQuery(owner, ticketsQuery, { id: theirs, include: ['technicians'] })
    expect(ticket.id).toBe(theirs)
    expect(ticket.technicians?.map((t) => t.user_id)).toEqual([technician.principal.actor.id])
    const missing = await callQuery(owner, ticketsQuery, { id: randomUUID() }).catch((err) => err)
    expect(missing).toBeInstanceOf(AppError)
    expect((missing as AppError).code).toBe('NOT_FOUND')
  })

  it('goes through the same access as the API: a technician sees only their tickets and may not read the team', async () => {
    const page = await callQuery(technician, ticketsQuery, { params: { from: '2030-03-04', to: '2030-03-04' } })
    expect(page.items.map((t) => t.id)).toEqual([theirs])
    const other = await callQuery(technician, ticketsQuery, { id: others }).catch((err) => err)
    expect(other).toBeInstanceOf(AppError)
    expect(['NOT_FOUND', 'FORBIDDEN']).toContain((other as AppError).code)
    const team = await callQuery(technician, usersQuery).catch((err) => err)
    expect(team).toBeInstanceOf(AppError)
    expect((team as AppError).code).toBe('FORBIDDEN')
  })
  it('readTogether runs several reads in one transaction, each with its own access, and refuses an action inside', async () => {
    const db = app.t.db
    const { transaction } = db
    let transactions = 0
    db.transaction = ((fn, setup) => {
      transactions++
      return transaction.call(db, fn, setup)
    }) as typeof transaction
    try {
      const [one, all] = await readTogether(
        technician,
        async (together) =>
          [
            await callQuery(together, ticketsQuery, { id: theirs }),
            await callQueryAll(together, ticketsQuery, { params: { from: '2030-03-04', to: '2030-03-04' } }),
          ] as const,
      )
      expect(transactions).toBe(1)
      expect(one.id).toBe(theirs)
      expect(all.map((t) => t.id)).toEqual([theirs])
      const refused = await readTogether(technician, (together) => callQuery(together, usersQuery)).catch((err) => err)
      expect((refused as AppError).code).toBe('FORBIDDEN')
      const action = await readTogether(owner, (together) => callAction(together, createContact, { display_name: 'Never Made' })).catch(
        (err) => err,
      )
      expect(String(action)).toMatch(/inside readTogether/)
    } finally {
      db.transaction = transaction
    }
    expect(await callQueryAll(owner, ticketsQuery, { params: { from: '2030-03-04', to: '2030-03-04' } })).toHaveLength(2)
  })
})
