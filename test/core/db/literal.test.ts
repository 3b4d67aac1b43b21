import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sqlLiteral } from '../../../core/db/tenant.js'
import { bothEngines, freshDatabase, type TestDatabase } from '../../helpers/databases.js'

// Both engines: the database layer itself, on each engine.

const values = ["o'brien@example.com", "a\\'; drop table contacts; --", 'back\\\\slash\\', "''", 'plain-request-id_1.2:3', 'ünïcødé ✓']

describe.each(bothEngines)('settings sent as literals (%s)', (engine) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await freshDatabase(engine)
  })
  afterAll(() => t.dispose())

  it.each(['on', 'off'])('round-trips unchanged with standard_conforming_strings %s', async (scs) => {
    for (const v of values) {
      const r = await t.db.transaction(async (tx) => {
        await tx.query(`set local standard_conforming_strings = ${scs}`)
        return tx.query<{ v: string }>(`select ${sqlLiteral(v)} as v`)
      })
      expect(r.rows[0].v).toBe(v)
    }
  })

  it('refuses a NUL character', () => {
    expect(() => sqlLiteral('a\0b')).toThrow(/NUL/)
  })
})
