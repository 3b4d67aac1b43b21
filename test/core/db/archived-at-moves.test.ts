import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate, readMigrations } from '../../../core/db/migrate.js'
import type { Database } from '../../../core/db/types.js'
import { bothEngines } from '../../helpers/databases.js'
import { emptyDatabase } from '../../helpers/empty-database.js'

// Both engines: the database layer itself, on each engine.

interface Row {
  display_name: string
  status: string
  archived_at: Date | null
  updated_at: Date
}

describe.each(bothEngines)(
  'contacts, waitlist entries and leads keep archived state as archived_at, moved by migrations 0063 to 0065 (%s)',
  (engine) => {
    let db: Database
    let admin: Database
    let dispose: () => Promise<void>
    let tenant: string
    const read = async (name: string) =>
      (
        await admin.query<Row>(
          'select display_name, status, archived_at, updated_at from contacts where tenant_id = $1 and display_name = $2',
          [tenant, name],
        )
      ).rows[0]
    const iso = (d: Date | null) => d && new Date(d).toISOString()

    beforeAll(async () => {
      ;({ db, admin, dispose } = await emptyDatabase(engine))
      const files = readMigrations()
      await migrate(
        db,
        files.filter((f) => f.name < '0063'),
      )
      tenant = (await admin.query<{ id: string }>(`insert into tenants (name) values ('Before 0063') returning id`)).rows[0].id
      await admin.query(
        `insert into contacts (tenant_id, display_name, status, updated_at) select $1, name, status, '2026-02-03T10:00:00Z'
      from (values ('Ann Active', 'active'), ('Ida Inactive', 'inactive'), ('Al Archived', 'archived')) v (name, status)`,
        [tenant],
      )
      await admin.query(
        `insert into waitlist_entries (tenant_id, contact_id, earliest_date, latest_date, status, notes, updated_at)
      select $1, contacts.id, '2026-03-01', '2026-03-31', v.status, v.status, '2026-02-04T10:00:00Z'
      from contacts, (values ('waiting'), ('removed')) v (status) where tenant_id = $1 and display_name = 'Ann Active'`,
        [tenant],
      )
      await admin.query(
        `insert into leads (tenant_id, raw_notes, name, status, updated_at) select $1, name || ' asked for windows', name, status,
      '2026-02-05T10:00:00Z' from (values ('Lou Lead', 'qualified'), ('Arlo Archived', 'archived')) v (name, status)`,
        [tenant],
      )
      await migrate(db, files)
    }, 120_000)
    afterAll(() => dispose())

    it('a contact archived before is archived since it last changed, keeping that time; the others are not archived', async () => {
      const rows = await Promise.all(['Ann Active', 'Ida Inactive', 'Al Archived'].map(read))
      expect(rows.map((c) => [c.display_name, c.status, iso(c.archived_at), iso(c.updated_at)])).toEqual([
        ['Ann Active', 'active', null, '2026-02-03T10:00:00.000Z'],
        ['Ida Inactive', 'inactive', null, '2026-02-03T10:00:00.000Z'],
        ['Al Archived', 'archived', '2026-02-03T10:00:00.000Z', '2026-02-03T10:00:00.000Z'],
      ])
    })

    it('setting archived_at makes status archived, and clearing it restores the contact as active', async () => {
      await admin.query(`update contacts set archived_at = '2026-03-01T09:00:00Z' where tenant_id = $1 and display_name = 'Ida Inactive'`, [
        tenant,
      ])
      expect(await read('Ida Inactive')).toMatchObject({ status: 'archived' })
      await admin.query(`update contacts set archived_at = null where tenant_id = $1 and display_name = 'Ida Inactive'`, [tenant])
      expect(await read('Ida Inactive')).toMatchObject({ status: 'active', archived_at: null })
    })

    it('a writer of status = archived (as customer erasure is) sets archived_at, and status active or inactive clears it', async () => {
      await admin.query(`update contacts set status = 'archived' where tenant_id = $1 and display_name = 'Ann Active'`, [tenant])
      const archived = await read('Ann Active')
      expect(archived.status).toBe('archived')
      expect(archived.archived_at).not.toBeNull()
      await admin.query(`update contacts set status = 'inactive' where tenant_id = $1 and display_name = 'Al Archived'`, [tenant])
      expect(await read('Al Archived')).toMatchObject({ status: 'inactive', archived_at: null })
      await admin.query(`insert into contacts (tenant_id, display_name, status) values ($1, 'Ned New', 'archived')`, [tenant])
      expect((await read('Ned New')).archived_at).not.toBeNull()
    })

    it('a waitlist entry removed before is archived since it last changed; removing one by status or by archived_at sets both', async () => {
      const entries = async () =>
        (
          await admin.query<{ notes: string; status: string; archived_at: Date | null }>(
            'select notes, status, archived_at from waitlist_entries where tenant_id = $1 order by created_at, notes',
            [tenant],
          )
        ).rows
      expect((await entries()).map((e) => [e.notes, e.status, iso(e.archived_at)])).toEqual([
        ['removed', 'removed', '2026-02-04T10:00:00.000Z'],
        ['waiting', 'waiting', null],
      ])
      await admin.query(`update waitlist_entries set status = 'removed' where tenant_id = $1 and notes = 'waiting'`, [tenant])
      expect((await entries()).every((e) => e.status === 'removed' && e.archived_at)).toBe(true)
      await admin.query(`update waitlist_entries set status = 'waiting' where tenant_id = $1`, [tenant])
      expect((await entries()).map((e) => e.status)).toEqual(['removed', 'removed'])
    })

    it('a lead archived before is archived since it last changed; archiving sets archived_at, reopening clears it, the funnel status stays', async () => {
      const lead = async (name: string) =>
        (
          await admin.query<{ status: string; archived_at: Date | null }>(
            'select status, archived_at from leads where tenant_id = $1 and name = $2',
            [tenant, name],
          )
        ).rows[0]
      expect(await lead('Arlo Archived')).toMatchObject({ status: 'archived', archived_at: new Date('2026-02-05T10:00:00Z') })
      expect(await lead('Lou Lead')).toMatchObject({ status: 'qualified', archived_at: null })
      await admin.query(`update leads set status = 'archived' where tenant_id = $1 and name = 'Lou Lead'`, [tenant])
      expect((await lead('Lou Lead')).archived_at).not.toBeNull()
      await admin.query(`update leads set status = 'contacted' where tenant_id = $1 and name = 'Lou Lead'`, [tenant])
      expect(await lead('Lou Lead')).toMatchObject({ status: 'contacted', archived_at: null })
      await admin.query(`update leads set archived_at = null where tenant_id = $1 and name = 'Arlo Archived'`, [tenant])
      expect(await lead('Arlo Archived')).toMatchObject({ status: 'new', archived_at: null })
    })
  },
)
