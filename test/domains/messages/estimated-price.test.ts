import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate, readMigrations } from '../../../core/db/migrate.js'
import { DEFAULT_TEMPLATES } from '../../../core/domains/messages/default-templates.js'
import { emptyDatabase } from '../../helpers/empty-database.js'
import { defaultTemplate } from '../../../core/domains/messages/default-templates.js'
import { messageValues } from '../../../core/domains/messages/render.js'
import { loadTenantSettings } from '../../../core/domains/settings/model.js'
import { renderTemplate } from '../../../core/text/templating.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { asTenant, made, newContact, newTicket } from '../../helpers/fixtures.js'

describe.each(engines)('the price in appointment emails, "Estimated" beside an estimate (%s)', (engine) => {
  let app: TestApp
  let jane: string

  beforeAll(async () => {
    app = await startTestApp(engine)
    await app.ownerAction('settings', 'update', { default_tax_rate_bp: 825 })
    jane = await newContact(app, { display_name: 'Jane Smith', email: 'jane@example.com' })
  })
  afterAll(async () => {
    await app?.close()
  })

  /** The business's default template of a kind, rendered for a ticket the way its email is. */
  const rendered = (kind: 'confirmation' | 'reminder' | 'follow_up' | 'custom', ticketId: string, custom?: string) =>
    asTenant(app, async (tx) => {
      const values = await messageValues(
        tx,
        { contact_id: jane, kind, ticket_id: ticketId, send_at: new Date('2031-03-01T15:00:00Z') },
        await loadTenantSettings(tx),
      )
      return renderTemplate(custom ?? (await defaultTemplate(tx, kind)).body, values)
    })

  it('confirmation, reminder and follow-up give the price with tax, and say Estimated beside an estimated one', async () => {
    // 180.00 + 8.25 % tax = 194.85.
    const firm = await newTicket(app, jane)
    const estimate = await newTicket(app, jane, { is_price_estimated: true, scheduled_start: '2031-03-05T15:00:00Z' })
    for (const kind of ['confirmation', 'reminder', 'follow_up'] as const) {
      expect(await rendered(kind, firm.id)).toContain('Services: Exterior Window Cleaning\nPrice: $194.85\n')
      expect(await rendered(kind, estimate.id)).toContain('Services: Exterior Window Cleaning\nPrice: $194.85 (Estimated)\n')
    }
    // Any template may use it, a custom one too.
    expect(await rendered('custom', estimate.id, 'About {{appointment_price}}, to be confirmed on site.')).toBe(
      'About $194.85 (Estimated), to be confirmed on site.',
    )
    // Once the technician confirms the price, the emails stop saying Estimated.
    await made(app, 'ticket', 'update', { ticket_id: estimate.id, is_price_estimated: false })
    expect(await rendered('reminder', estimate.id)).toContain('Price: $194.85\n')
  })

  it('leaves the price line out for a visit with no priced line', async () => {
    const unpriced = await newTicket(app, jane, { line_items: [], is_price_estimated: true, scheduled_start: '2031-03-07T15:00:00Z' })
    const text = await rendered('confirmation', unpriced.id)
    expect(text).not.toContain('Price')
    expect(text).not.toContain('Estimated')
  })
})

describe.each(engines)('migration 0094 on a business still on the previous wording (%s)', (engine) => {
  const cleanups: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup()
  })

  it('adds the price to the default appointment emails, and leaves a template the owner changed alone', async () => {
    const { db, admin, dispose } = await emptyDatabase(engine)
    cleanups.push(dispose)
    const files = readMigrations()
    await migrate(
      db,
      files.filter((f) => f.version < 94),
    )
    const tenant = (await admin.query<{ id: string }>(`insert into tenants (name) values ('Previous Wording Windows') returning id`))
      .rows[0].id
    const previous = (kind: 'confirmation' | 'reminder' | 'follow_up') =>
      DEFAULT_TEMPLATES[kind].body.replace('Price: {{appointment_price}}\n', '')
    const insert = (kind: string, name: string, body: string, isDefault = true) =>
      admin.query(
        `insert into message_templates (tenant_id, kind, name, subject, body, is_default) values ($1, $2, $3, 'Subject', $4, $5)`,
        [tenant, kind, name, body, isDefault],
      )
    for (const kind of ['confirmation', 'reminder', 'follow_up'] as const) {
      expect(previous(kind)).not.toBe(DEFAULT_TEMPLATES[kind].body)
      await insert(kind, DEFAULT_TEMPLATES[kind].name, previous(kind))
    }
    const ownWords = `${previous('confirmation')}\nCall us on 256-555-0100.`
    await insert('confirmation', 'Spring confirmation', ownWords, false)
    await migrate(db, files)
    const bodies = new Map(
      (
        await admin.query<{ name: string; body: string }>('select name, body from message_templates where tenant_id = $1', [tenant])
      ).rows.map((r) => [r.name, r.body]),
    )
    for (const kind of ['confirmation', 'reminder', 'follow_up'] as const) {
      expect(bodies.get(DEFAULT_TEMPLATES[kind].name)).toBe(DEFAULT_TEMPLATES[kind].body)
    }
    expect(bodies.get('Spring confirmation')).toBe(ownWords)
  }, 120_000)
})
