import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate, readMigrations } from '../../../core/db/migrate.js'
import { DEFAULT_TEMPLATES } from '../../../core/domains/messages/default-templates.js'
import { TEMPLATE_KINDS } from '../../../core/domains/messages/kinds.js'
import { idempotencyKeyOf } from '../../../core/jobs/deliver.js'
import { deliverDue } from '../../../core/jobs/worker.js'
import { expectData } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { emptyDatabase } from '../../helpers/empty-database.js'
import { startFakeResend, type FakeResend } from '../../helpers/fake-resend.js'
import { dueMessage, fakeResendClient } from '../../helpers/delivery-fixtures.js'
import { signedIn, type SignedIn, asTenant } from '../../helpers/fixtures.js'

describe.each(engines)('the default emails ask for a reply only when a reply reaches someone (%s)', (engine) => {
  let app: TestApp
  let resend: FakeResend
  let owner: SignedIn
  let jane: string

  beforeAll(async () => {
    resend = await startFakeResend()
    app = await startTestApp(engine)
    app.services.email = fakeResendClient(resend)
    owner = await signedIn(app, app.tenant.owner_user_id)
    jane = expectData(await app.action('contact', 'create', { display_name: 'Jane Replier', email: 'jane.replier@example.com' })).id
    // A visit done half a year ago: what a reach-out is about.
    const t = expectData(
      await app.action('ticket', 'create', {
        contact_id: jane,
        scheduled_start: '2026-05-04T15:00:00Z',
        line_items: [{ description: 'Window cleaning', unit_price_cents: 15_000 }],
      }),
    )
    expectData(
      await owner.action('ticket', 'close', {
        ticket_id: t.id,
        duration_minutes: 60,
        line_items: [{ line_item_id: t.line_items[0].id }],
        notes: '',
        next_service: { kind: 'none' },
      }),
    )
  })
  afterAll(async () => {
    await app?.close()
    await resend?.close()
  })

  /** The reach-out email the worker delivers now. */
  const reachOut = async () => {
    // A reach-out sent before went long ago: two within the owner's period would not both be sent.
    await asTenant(app, (tx) =>
      tx.query(`update scheduled_messages set sent_at = sent_at - interval '400 days' where contact_id = $1 and kind = 'reach_out'`, [
        jane,
      ]),
    )
    const id = await dueMessage(app, { contact_id: jane, kind: 'reach_out' })
    await deliverDue(app.services)
    const sent = resend.emails.filter((e) => e.idempotencyKey === idempotencyKeyOf(id))
    expect(sent).toHaveLength(1)
    return sent[0]
  }

  it('without a reply-to address, no default template asks for a reply, and the reach-out goes without one', async () => {
    for (const kind of TEMPLATE_KINDS) {
      const preview = expectData(await app.query({ type: 'template_preview', kind })).items[0]
      expect(`${preview.subject}\n${preview.body}`, kind).not.toMatch(/repl(y|ies)/i)
    }
    const email = await reachOut()
    expect(email.text).toMatch(/^Hi Jane,\n\nIt has been about \d+ months since our last visit on May 4, 2026\.\n/)
    expect(email.text).toContain('Would you like us to schedule your next service?\n\n')
    expect(email.text).not.toMatch(/reply/i)
    expect(email.replyTo ?? []).toEqual([])
  })

  it('the customer pages behind emailed links send nobody to reply to an email, which may reach no one', async () => {
    for (const path of ['/respond/not-a-real-token', '/quote/not-a-real-token', '/pay/not-a-real-secret', '/payments/cancelled']) {
      const page = await (await fetch(app.url + path)).text()
      expect(page, path).toMatch(/invoice email|most recent email|nothing was charged/)
      expect(page, path).not.toMatch(/repl(y|ies)/i)
    }
  })

  it('with a reply-to address, the reach-out asks for a reply, which goes to that address', async () => {
    expectData(await owner.action('settings', 'update', { reply_to_email: 'office@sparkle.test' }))
    const email = await reachOut()
    expect(email.text).toContain(
      'Would you like us to schedule your next service?\nReply to this email with a few days and times that suit you.',
    )
    expect(email.replyTo).toEqual(['office@sparkle.test'])
  })
})

describe.each(engines)('migration 0075 on a business still on the first wording (%s)', (engine) => {
  const cleanups: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup()
  })

  it('moves the default invoice and reach-out templates to the new wording, and leaves a template the owner changed alone', async () => {
    const { db, admin, dispose } = await emptyDatabase(engine)
    cleanups.push(dispose)
    const files = readMigrations()
    await migrate(
      db,
      files.filter((f) => f.version < 75),
    )
    const tenant = (await admin.query<{ id: string }>(`insert into tenants (name) values ('Old Wording Windows') returning id`)).rows[0].id
    const template = (kind: string, name: string, body: string, isDefault: boolean) =>
      admin.query(
        `insert into message_templates (tenant_id, kind, name, subject, body, is_default) values ($1, $2, $3, 'Subject', $4, $5)`,
        [tenant, kind, name, body, isDefault],
      )
    const firstInvoice =
      'Hi {{customer_first_name}},\n\nHere is invoice {{invoice_number}} for {{amount_due}}, due {{invoice_due_date}}.\n' +
      'Pay online: {{payment_link}}\n{{payment_instructions}}\n\n{{custom_message}}\n\nThank you for your business,\n{{business_name}}'
    const firstReachOut =
      'Hi {{customer_first_name}},\n\nIt has been about {{reach_out_months}} months since our last visit on {{last_service_date}}.\n' +
      'Would you like us to schedule your next service? Reply to this email with a few days and times that suit you.\n\n{{custom_message}}\n\n' +
      'Thank you,\n{{business_name}}'
    await template('invoice', 'Default invoice', firstInvoice, true)
    await template('reach_out', 'Default reach out', firstReachOut, true)
    const ownWords = `${firstReachOut}\nCall us on 256-555-0100.`
    await template('reach_out', 'Spring reach out', ownWords, false)

    await migrate(db, files)
    const bodies = new Map(
      (
        await admin.query<{ name: string; body: string }>('select name, body from message_templates where tenant_id = $1', [tenant])
      ).rows.map((r) => [r.name, r.body]),
    )
    expect(bodies.get('Default invoice')).toBe(DEFAULT_TEMPLATES.invoice.body)
    expect(bodies.get('Default invoice')).toContain(
      '{{invoice_lines}}\nSubtotal: {{invoice_subtotal}}\nTax: {{invoice_tax}}\nTotal: {{invoice_total}}',
    )
    expect(bodies.get('Default reach out')).toBe(DEFAULT_TEMPLATES.reach_out.body)
    expect(bodies.get('Default reach out')).not.toContain('Reply to this email')
    expect(bodies.get('Default reach out')).toContain('{{reply_invitation}}')
    expect(bodies.get('Spring reach out')).toBe(ownWords)
  }, 120_000)
})
