import { existsSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { businessRows, pgliteBusinesses, postgresBusinesses, releaseSharedBusinesses } from '../../bench/shared-businesses.js'
import { openPglite } from '../../core/db/pglite.js'
import { openPostgres } from '../../core/db/postgres.js'
import type { Database } from '../../core/db/types.js'
import { bothEngines } from '../helpers/databases.js'

// Both engines: what it checks differs between the engines.

const SIZES = { large: 40, small: 10 }

/** Customers of each business in a copy, read without the app. */
async function customers(db: Database, tenantIds: string[]): Promise<number[]> {
  const counts: number[] = []
  for (const id of tenantIds) {
    counts.push(Number((await db.query<{ n: string }>('select count(*) as n from contacts where tenant_id = $1', [id])).rows[0].n))
  }
  return counts
}

/** Customers renamed by the test in a copy. */
async function namedChanged(db: Database): Promise<number> {
  return Number((await db.query<{ n: string }>(`select count(*) as n from contacts where display_name = 'Changed In A'`)).rows[0].n)
}

describe.each(bothEngines)('the large-data scenarios share one generation (%s)', (engine) => {
  afterAll(() => releaseSharedBusinesses())

  const copyOf = async () => {
    if (engine === 'pglite') {
      const copy = await pgliteBusinesses(SIZES)
      return { copy, open: () => openPglite(copy.dataDir) }
    }
    const copy = await postgresBusinesses({ databaseUrl: process.env.TEST_DATABASE_URL as string }, SIZES)
    return { copy, open: async () => openPostgres(copy.url, 2) }
  }

  it('generates once, then gives each scenario a copy of its own that no other sees changed', async () => {
    const first = await copyOf()
    const second = await copyOf()
    try {
      expect(first.copy.generatedHere).toBe(true)
      expect(second.copy.generatedHere).toBe(false)
      expect(second.copy.made).toBe(first.copy.made)
      const { large, small } = first.copy.made
      const changed = large.data.known.people[0].id
      expect([large.data.contacts, small.data.contacts]).toEqual([40, 10])
      expect(large.data.tickets).toBe(40)

      const a = await first.open()
      try {
        expect(await customers(a, [large.tenantId, small.tenantId])).toEqual([40, 10])
        await a.query(`update contacts set display_name = 'Changed In A' where tenant_id = $1 and id = $2`, [large.tenantId, changed])
        expect(await namedChanged(a)).toBe(1)
      } finally {
        await a.close()
      }
      const rows = businessRows(second.copy)
      expect(rows.map((r) => r.measure)).toEqual(['data: large business', 'data: small business', 'data: generated (s)'])
      expect(rows[0].value).toBe('40 contacts')
      // The goal is stated for 100k customers: a smaller run prints the time alone.
      expect(rows[2].target).toBeUndefined()
      expect(rows[2].note).toMatch(/generated earlier in this run and shared/)

      const b = await second.open()
      try {
        expect(await customers(b, [large.tenantId, small.tenantId])).toEqual([40, 10])
        expect(await namedChanged(b)).toBe(0)
      } finally {
        await b.close()
      }
    } finally {
      await first.copy.drop()
      await second.copy.drop()
    }
  })

  it('drops the generated original when the run ends', async () => {
    const { copy } = await copyOf()
    await copy.drop()
    if ('dataDir' in copy) expect(existsSync(copy.source)).toBe(true)
    await releaseSharedBusinesses()
    if ('dataDir' in copy) {
      expect(existsSync(copy.dataDir)).toBe(false)
      expect(existsSync(copy.source)).toBe(false)
    } else {
      // The server's own role: it lists every database, which the deploy role has no part in.
      const admin = openPostgres(process.env.TEST_DATABASE_URL as string, 1)
      try {
        const left = await admin.query('select datname from pg_database where datname = any($1::text[])', [
          [copy.source, new URL(copy.url).pathname.slice(1)],
        ])
        expect(left.rows).toEqual([])
      } finally {
        await admin.close()
      }
    }
  })
})
