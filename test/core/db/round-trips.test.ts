// Both engines: a deferred statement is the engines' own transaction code (core/db/postgres.ts, pglite.ts, pglite-thread.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recordingDatabase, roundTrips, statementName } from '../../../bench/recording-database.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { bothEngines } from '../../helpers/databases.js'
import { auditActions, made } from '../../helpers/fixtures.js'
import { createAgentToken } from '../../../core/auth/agent-tokens.js'
import { hashSecret } from '../../../core/auth/secrets.js'
import { withTenant } from '../../../core/db/tenant.js'

describe.each(bothEngines)(
  'a write costs few round trips: a remembered agent token checked with BEGIN, its audit row going with COMMIT (%s)',
  (engine) => {
    let app: TestApp
    let recorded: ReturnType<typeof recordingDatabase>
    let jane: string

    beforeAll(async () => {
      app = await startTestApp(engine, {}, (db) => (recorded = recordingDatabase(db)).db)
      jane = (await made(app, 'contact', 'create', { display_name: 'Jane Smith' })).id
    })
    afterAll(async () => {
      await app?.close()
    })

    /** The round trips of one action and the statements of its transaction, in the order sent. */
    const tripsOf = async (domain: string, action: string, data: unknown) => {
      recorded.units.length = 0
      const r = await app.action(domain, action, data)
      expect(r.status, JSON.stringify(r.body.error)).toBe(200)
      const tx = recorded.units.find((u) => u.transaction)
      return {
        id: r.body.data.id as string,
        trips: roundTrips(recorded.units),
        statements: tx?.statements.map((s) => statementName(s.text)),
        texts: tx?.statements.map((s) => s.text) ?? [],
      }
    }

    it('note.add: BEGIN with the settings, the token still live and the read of its customer; the insert; COMMIT with the audit row', async () => {
      const note = await tripsOf('note', 'add', { contact_id: jane, content: 'Gate code 1234' })
      expect(note.trips).toBe(3)
      expect(note.statements?.slice(1)).toEqual(['insert into notes', 'insert into audit_log'])
      expect(await auditActions(app, 'note', note.id)).toEqual(['create'])
    })

    it('contact.create: BEGIN with the token still live, the insert, COMMIT with the audit row', async () => {
      const contact = await tripsOf('contact', 'create', { display_name: 'Bob Jones' })
      expect(contact.trips).toBe(3)
      expect(await auditActions(app, 'contact', contact.id)).toEqual(['create'])
    })

    it('contact.create with an email: its duplicate check goes with BEGIN, and still finds the customer who has it', async () => {
      const first = await tripsOf('contact', 'create', { display_name: 'Cara Email', email: 'Cara@Example.com' })
      expect(first.trips).toBe(3)
      expect(first.texts[0]).toContain("any(array[E'cara@example.com']::text[])")
      expect(first.statements?.slice(1)).toEqual(['insert into contacts', 'insert into audit_log'])
      const again = await app.action('contact', 'create', { display_name: 'Cara Again', email: 'cara@example.com' })
      expect([again.status, again.body.error.code, again.body.error.details.existing.id]).toEqual([409, 'CONFLICT', first.id])
      // With a phone the check waits for the business's country, read with BEGIN: a statement of its own.
      const phoned = await tripsOf('contact', 'create', { display_name: 'Dan Phone', email: 'dan@example.com', phone: '(256) 555-0142' })
      expect(phoned.statements?.slice(1)).toEqual(['select from contacts', 'insert into contacts', 'insert into audit_log'])
    })

    it("ticket.create: the customer's own channels (for the words review) with BEGIN, the ticket numbered by its counter and its lines in one insert, COMMIT with the customer's lifecycle and the audit row", async () => {
      const ticket = await tripsOf('ticket', 'create', {
        contact_id: jane,
        scheduled_start: '2027-03-02T15:00:00Z',
        scheduled_end: '2027-03-02T16:00:00Z',
        line_items: [{ description: 'Windows', quantity: 1, unit_price_cents: 5000 }],
      })
      expect(ticket.statements?.slice(1)).toEqual([
        'with counter as (insert into t',
        // The lifecycle's refresh and its audit rows, in one statement.
        'insert into audit_log',
        'insert into audit_log',
      ])
      expect(ticket.texts[2]).toContain('from refresh_contact_lifecycles(')
      expect(ticket.trips).toBe(3)
      expect(await auditActions(app, 'ticket', ticket.id)).toEqual(['create'])
    })

    it('a remembered token revoked by another process is refused at its next call, with nothing written', async () => {
      const made = (
        await withTenant(app.t.db, { tenantId: app.tenant.tenant_id, actorType: 'system' }, (tx) =>
          createAgentToken(tx, app.tenant.tenant_id, 'briefly'),
        )
      ).token
      expect((await app.query({ type: 'contacts', limit: '1' }, made)).status).toBe(200)
      recorded.units.length = 0
      await app.query({ type: 'contacts', limit: '1' }, made)
      // Remembered: no look-up of its own, the check travels with BEGIN.
      expect(recorded.units.filter((u) => !u.transaction)).toEqual([])
      await app.t.admin.query('update agent_tokens set revoked_at = now() where token_hash = $1', [hashSecret(made)])
      const read = await app.query({ type: 'contacts', limit: '1' }, made)
      expect([read.status, read.body.error.code]).toEqual([401, 'UNAUTHENTICATED'])
      const write = await app.action('contact', 'create', { display_name: 'Never Written' }, { token: made })
      expect([write.status, write.body.error.code]).toEqual([401, 'UNAUTHENTICATED'])
      const named = await app.t.admin.query('select 1 from contacts where display_name = $1', ['Never Written'])
      expect(named.rows).toEqual([])
    })

    it('a note on a customer that is not there is NOT_FOUND, and nothing is written', async () => {
      const r = await app.action('note', 'add', { contact_id: '00000000-0000-4000-8000-000000000000', content: 'x' })
      expect(r.status).toBe(404)
      expect(r.body.error.field ?? r.body.error.details?.field).toBe('data.contact_id')
    })

    it("a deferred row is sent before the transaction's next statement, so what follows sees it", async () => {
      const seen = await app.services.db.transaction(async (tx) => {
        await tx.query('create temporary table deferred_probe (n int) on commit drop')
        expect(tx.defer).toBeTypeOf('function')
        tx.defer?.('insert into deferred_probe values (1)')
        tx.defer?.('insert into deferred_probe values (2)')
        return (await tx.query<{ n: number }>('select n from deferred_probe order by n')).rows.map((r) => r.n)
      })
      expect(seen).toEqual([1, 2])
    })

    it('a deferred statement that fails at COMMIT rolls the whole transaction back', async () => {
      await expect(
        app.services.db.transaction(async (tx) => {
          await tx.query('create table deferred_never_kept (n int)')
          tx.defer?.('select 1 / 0')
        }),
      ).rejects.toThrow(/division by zero/)
      expect(
        (await app.services.db.query<{ t: string | null }>(`select to_regclass('deferred_never_kept')::text as t`)).rows[0].t,
      ).toBeNull()
    })
  },
)
