import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '../../../core/kernel/errors.js'
import { isDatabaseOutage } from '../../../core/db/outage.js'
import { openPgliteThread } from '../../../core/db/pglite-thread.js'
import { withTenant } from '../../../core/db/tenant.js'
import { translateDatabaseError } from '../../../core/db/translate-error.js'
import { createTenant } from '../../../core/kernel/tenants.js'
import { freshDatabase, type TestDatabase } from '../../helpers/databases.js'

/** Settles with 'first' or 'second', whichever of the two settles first. */
function whichFirst(first: Promise<unknown>, second: Promise<unknown>): Promise<'first' | 'second'> {
  const settled = (p: Promise<unknown>) =>
    p.then(
      () => {},
      () => {},
    )
  return Promise.race([settled(first).then(() => 'first' as const), settled(second).then(() => 'second' as const)])
}

describe('PGlite in a worker thread', () => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await freshDatabase('pglite-thread')
  })
  afterAll(() => t.dispose())

  it('keeps this thread free while a statement runs: a timer fires before a 2-second statement ends', async () => {
    const slow = t.admin.query('select pg_sleep(2)')
    const timer = new Promise((resolve) => setTimeout(resolve, 50))
    expect(await whichFirst(timer, slow)).toBe('first')
    await slow
  })

  it('runs the statements sent after a slow one once it is done, in order', async () => {
    const order: string[] = []
    const slow = t.admin.query('select pg_sleep(0.5)').then(() => order.push('slow'))
    const light = t.admin.query<{ n: number }>('select 1 as n').then((r) => order.push(`light ${r.rows[0].n}`))
    await Promise.all([slow, light])
    expect(order).toEqual(['slow', 'light 1'])
  })

  it('runs transactions as the app role with row level security: a business sees only its own rows', async () => {
    const a = await createTenant(t.db, { name: 'Thread A', owner_email: 'a@thread.test' })
    const b = await createTenant(t.db, { name: 'Thread B', owner_email: 'b@thread.test' })
    await withTenant(t.db, { tenantId: a.tenant_id, actorType: 'system' }, (tx) =>
      tx.query(`insert into contacts (tenant_id, display_name) values ($1, 'Only A')`, [a.tenant_id]),
    )
    const seen = await withTenant(t.db, { tenantId: b.tenant_id, actorType: 'system' }, (tx) =>
      tx.query<{ role: string; n: number }>(
        `select current_user as role, (select count(*) from contacts where display_name = 'Only A')::int as n`,
      ),
    )
    expect(seen.rows[0]).toEqual({ role: 'crm_app', n: 0 })
  })

  it('rolls back a transaction whose function throws, and reports the error thrown', async () => {
    await t.admin.exec('create table if not exists thread_probe (id int primary key)')
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query('insert into thread_probe values ($1)', [1])
        throw new Error('changed my mind')
      }),
    ).rejects.toThrow('changed my mind')
    expect((await t.admin.query('select count(*)::int as n from thread_probe')).rows[0]).toEqual({ n: 0 })
  })

  it('carries database errors across with their fields, so they translate as on the same thread', async () => {
    await t.admin.query('insert into thread_probe values ($1)', [7])
    const err = await t.admin.query('insert into thread_probe values ($1)', [7]).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Error)
    expect(err).toMatchObject({ code: '23505', constraint: 'thread_probe_pkey' })
    const translated = translateDatabaseError(err)
    expect(translated).toBeInstanceOf(AppError)
    expect((translated as AppError).code).toBe('CONFLICT')
  })

  it('reports a failing transaction setup as the error of the transaction', async () => {
    await expect(t.db.transaction(async () => 1, 'select no_such_function()')).rejects.toMatchObject({ code: '42883' })
    expect((await t.admin.query<{ n: number }>('select 2 as n')).rows[0].n).toBe(2)
  })

  it('passes values both ways in their JavaScript types', async () => {
    const at = new Date('2026-03-02T15:00:00Z')
    const r = await t.admin.query(
      "select $1::timestamptz as at, $2::jsonb as doc, 5::int8 as n, $3::bytea as bytes, date '2026-03-02' as day",
      [at, JSON.stringify({ a: [1, 'x'] }), new Uint8Array([1, 2, 3])],
    )
    expect(r.rows[0]).toEqual({ at, doc: { a: [1, 'x'] }, n: 5, bytes: new Uint8Array([1, 2, 3]), day: '2026-03-02' })
  })
})

describe('checkpoints of PGlite in a worker thread', () => {
  it('checkpoints once the log written since the last checkpoint passes the limit, so a crash never leaves much to replay', async () => {
    const db = await openPgliteThread(undefined, undefined, { checkpoints: { everyMs: 100, afterBytes: 1024 * 1024 } })
    try {
      const redo = async () => (await db.query<{ redo: string }>('select (pg_control_checkpoint()).redo_lsn::text as redo')).rows[0].redo
      const before = await redo()
      await db.exec(`create table filler as select g as id, repeat('x', 500) as body from generate_series(1, 5000) as g`)
      const written = await db.query<{ bytes: number }>(`select pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::float8 as bytes`, [
        before,
      ])
      expect(written.rows[0].bytes).toBeGreaterThan(1024 * 1024)
      let after = before
      for (const deadline = Date.now() + 30_000; after === before && Date.now() < deadline; ) {
        await new Promise((r) => setTimeout(r, 100))
        after = await redo()
      }
      expect(after).not.toBe(before)
    } finally {
      await db.close()
    }
  }, 60_000)
})

describe('closing PGlite in a worker thread', () => {
  const folders: string[] = []
  afterAll(() => {
    for (const f of folders) rmSync(f, { recursive: true, force: true })
  })

  it('ends a statement that outlasts the close deadline, answers its caller as an outage, and the folder opens again with what was committed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'crm-thread-'))
    folders.push(dataDir)
    const db = await openPgliteThread(dataDir)
    await db.exec('create table kept (id int primary key)')
    await db.query('insert into kept values (1)')
    const stuck = db.query('select pg_sleep(60)').then(
      () => 'finished',
      (e: unknown) => e,
    )
    await db.close(300)
    // Ended, not finished: a statement that ran its 60 seconds would have answered.
    const outcome = await stuck
    expect(outcome).toBeInstanceOf(Error)
    expect(isDatabaseOutage(outcome)).toBe(true)
    await expect(db.query('select 1')).rejects.toThrow('PGlite is closed')

    const again = await openPgliteThread(dataDir)
    try {
      expect((await again.query('select id from kept')).rows).toEqual([{ id: 1 }])
    } finally {
      await again.close()
    }
  }, 120_000)
})

describe('a statement limit on PGlite in a worker thread', () => {
  const folders: string[] = []
  afterAll(() => {
    for (const f of folders) rmSync(f, { recursive: true, force: true })
  })

  async function opened() {
    const dataDir = mkdtempSync(join(tmpdir(), 'crm-thread-limit-'))
    folders.push(dataDir)
    const db = await openPgliteThread(dataDir)
    await db.exec('create table kept (id int primary key)')
    await db.query('insert into kept values (1)')
    return db
  }

  it('stops a statement past the limit: its caller and those queued behind it get an outage, and the next request is answered from the same folder', async () => {
    const db = await opened()
    try {
      db.limitStatements(1_000)
      const started = Date.now()
      const stuck = db.query('select pg_sleep(60)').catch((e: unknown) => e)
      const queued = db.query('select 2 as n').catch((e: unknown) => e)
      const outcome = await stuck
      expect(Date.now() - started).toBeLessThan(10_000)
      expect(outcome).toBeInstanceOf(Error)
      expect(outcome).toMatchObject({ code: '57014' })
      expect((outcome as Error).message).toMatch(/over 1 s on one statement/)
      expect(isDatabaseOutage(outcome)).toBe(true)
      expect(translateDatabaseError(outcome)).toMatchObject({ code: 'UNAVAILABLE' })
      expect(isDatabaseOutage(await queued)).toBe(true)
      // Answered by the database opened again, with what was committed before.
      expect((await db.query('select id from kept')).rows).toEqual([{ id: 1 }])
      await db.query('insert into kept values (2)')
      expect((await db.query<{ n: number }>('select count(*)::int as n from kept')).rows[0].n).toBe(2)
    } finally {
      await db.close()
    }
  }, 60_000)

  it('fails the rest of a transaction caught by a restart instead of running it elsewhere, and rolls it back', async () => {
    const db = await opened()
    try {
      db.limitStatements(1_000)
      const caught = db
        .transaction(async (tx) => {
          await tx.query('insert into kept values (3)')
          await tx.query('select pg_sleep(60)').catch(() => {})
          await tx.query('insert into kept values (4)')
        })
        .catch((e: unknown) => e)
      expect(isDatabaseOutage(await caught)).toBe(true)
      expect((await db.query('select id from kept order by id')).rows).toEqual([{ id: 1 }])
    } finally {
      await db.close()
    }
  }, 60_000)

  it('leaves alone a transaction that takes long between its statements, and statements that are each within the limit', async () => {
    const db = await opened()
    try {
      db.limitStatements(1_000)
      await db.transaction(async (tx) => {
        await tx.query('insert into kept values (5)')
        await new Promise((r) => setTimeout(r, 2_000))
        await tx.query('select pg_sleep(0.6)')
        await tx.query('insert into kept values (6)')
      })
      await Promise.all(Array.from({ length: 4 }, () => db.query('select pg_sleep(0.6)')))
      expect((await db.query('select id from kept order by id')).rows).toEqual([{ id: 1 }, { id: 5 }, { id: 6 }])
    } finally {
      await db.close()
    }
  }, 60_000)
})
