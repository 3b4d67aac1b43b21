import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { deliverDue } from '../../../core/jobs/worker.js'
import {
  asTenant,
  auditActions,
  countAsTenant,
  fieldsOf,
  made,
  newContact,
  newTicket,
  PAYMENT_INSTRUCTIONS,
  settings,
  allowAlways,
} from '../../helpers/fixtures.js'

/** The line every customer email ends with when it carries no payment block. */
const MONEY_LINE =
  '\n\nSparkle Windows takes payment only as its invoices show, and never asks you to pay by phone, with gift cards or into another account.'

describe.each(engines)('scheduled messages through the API (%s)', (engine) => {
  let app: TestApp
  let jane: string
  let ticket: { id: string; number: number }
  beforeAll(async () => {
    app = await startTestApp(engine)
    // What these tests check is what the actions do, not the owner's queue.
    await allowAlways(app, 'message.schedule', 'message.update', 'template.create')
    jane = await newContact(app, { first_name: 'Jane', last_name: 'Smith', email: 'jane@example.com' })
    const address = await made(app, 'address', 'add', {
      contact_id: jane,
      line1: '123 Oak St',
      city: 'Huntsville',
      state: 'AL',
      postal_code: '35801',
    })
    ticket = await newTicket(app, jane, { address_id: address.id, scheduled_start: '2031-03-04T15:00:00Z' })
    await settings(app, { payment_instructions: PAYMENT_INSTRUCTIONS })
  })
  afterAll(() => app.close())

  const schedule = (data: Record<string, unknown>) => made(app, 'message', 'schedule', data)

  it('schedules a confirmation with the default template and previews it with what the system knows', async () => {
    const m = await schedule({
      contact_id: jane,
      kind: 'confirmation',
      ticket_id: ticket.id,
      send_at: '2031-03-01T15:00:00Z',
      body: 'Please leave the gate unlocked.',
    })
    expect(m).toMatchObject({ status: 'pending', kind: 'confirmation', ticket_id: ticket.id, contact_id: jane })
    expect(m.template_id).toBeNull()
    // 15:00 UTC is 9:00 AM in America/Chicago (the business's zone).
    expect(m.rendered.subject).toBe('Please confirm your appointment on Tuesday, March 4, 2031')
    expect(m.rendered.body).toContain('Hi Jane,')
    expect(m.rendered.body).toContain('You are scheduled with Sparkle Windows on Tuesday, March 4, 2031 at 9:00 AM.')
    expect(m.rendered.body).toContain('Address: 123 Oak St, Huntsville, AL 35801')
    expect(m.rendered.body).toContain('Services: Exterior Window Cleaning')
    expect(m.rendered.body).toContain('Please leave the gate unlocked.')
    expect(m.rendered.missing.sort()).toEqual(['change_link', 'confirm_link', 'decline_link'])
    expect(await auditActions(app, 'scheduled_message', m.id)).toEqual(['schedule'])
  })

  it('uses a chosen template and a subject of its own, with variables in both and in the custom text', async () => {
    const t = await made(app, 'template', 'create', {
      kind: 'reminder',
      name: 'Brief reminder',
      subject: 'Tomorrow',
      body: 'Hi {{customer_name}}. {{custom_message}}',
    })
    const m = await schedule({
      contact_id: jane,
      kind: 'reminder',
      template_id: t.id,
      ticket_id: ticket.id,
      send_at: '2031-03-03T15:00:00Z',
      subject: 'See you at {{appointment_time}}',
      body: 'We bring {{services}}.',
    })
    expect(m.rendered).toMatchObject({
      subject: 'See you at 9:00 AM',
      body: `Hi Jane Smith. We bring Exterior Window Cleaning.${MONEY_LINE}`,
      missing: [],
    })
  })

  it('sends as soon as possible when no send time is given', async () => {
    const m = expectData(await app.action('message', 'schedule', { contact_id: jane, kind: 'custom', subject: 'Right away', body: 'Hi' }))
    expect(m.status).toBe('pending')
    expect(Math.abs(new Date(m.send_at).getTime() - app.services.now().getTime())).toBeLessThan(1000)
    await deliverDue(app.services)
    expect(expectData(await app.query({ type: 'scheduled_messages', id: m.id })).status).toBe('sent')
    expect(app.email.sent.some((e) => e.subject === 'Right away')).toBe(true)
  })

  it('refuses unknown variables, a past send time, and missing links between kinds and records, naming each field', async () => {
    const before = await countAsTenant(app, 'scheduled_messages')
    const unknown = await app.action('message', 'schedule', {
      contact_id: jane,
      kind: 'custom',
      body: 'Hi {{nickname}}',
      send_at: '2031-01-01T00:00:00Z',
    })
    expectError(unknown, 400, 'VALIDATION_ERROR')
    expect(fieldsOf(unknown)).toEqual(['data.body'])
    expect(unknown.body.error.message).toContain('{{nickname}}')
    const past = await app.action('message', 'schedule', { contact_id: jane, kind: 'custom', body: 'Hi', send_at: '2020-01-01T00:00:00Z' })
    expectError(past, 400, 'VALIDATION_ERROR')
    expect(fieldsOf(past)).toEqual(['data.send_at'])
    const notIso = await app.action('message', 'schedule', { contact_id: jane, kind: 'custom', body: 'Hi', send_at: 'next tuesday' })
    expect(fieldsOf(notIso)).toEqual(['data.send_at'])
    const noTicket = await app.action('message', 'schedule', { contact_id: jane, kind: 'reminder', send_at: '2031-01-01T00:00:00Z' })
    expect(fieldsOf(noTicket)).toEqual(['data.ticket_id'])
    const noInvoice = await app.action('message', 'schedule', { contact_id: jane, kind: 'invoice', send_at: '2031-01-01T00:00:00Z' })
    expect(fieldsOf(noInvoice)).toEqual(['data.invoice_id'])
    const noText = await app.action('message', 'schedule', { contact_id: jane, kind: 'custom', send_at: '2031-01-01T00:00:00Z' })
    expect(fieldsOf(noText)).toEqual(['data.body'])
    const wrongKind = await app.action('message', 'schedule', {
      contact_id: jane,
      kind: 'custom',
      body: 'x',
      send_at: '2031-01-01T00:00:00Z',
      template_id: expectData(await app.query({ type: 'templates', kind: 'invoice' })).items[0].id,
    })
    expect(fieldsOf(wrongKind)).toEqual(['data.template_id'])
    expect(await countAsTenant(app, 'scheduled_messages')).toBe(before)
  })

  it('refuses a ticket or invoice of another contact, and answers NOT_FOUND for unknown records', async () => {
    const bob = await newContact(app, { display_name: 'Bob Jones' })
    const other = await app.action('message', 'schedule', {
      contact_id: bob,
      kind: 'reminder',
      ticket_id: ticket.id,
      send_at: '2031-01-01T00:00:00Z',
    })
    expectError(other, 400, 'VALIDATION_ERROR')
    expect(fieldsOf(other)).toEqual(['data.ticket_id'])
    const invoice = await made(app, 'invoice', 'create_from_ticket', { ticket_id: ticket.id })
    const otherInvoice = await app.action('message', 'schedule', {
      contact_id: bob,
      kind: 'invoice',
      invoice_id: invoice.id,
      send_at: '2031-01-01T00:00:00Z',
    })
    expect(fieldsOf(otherInvoice)).toEqual(['data.invoice_id'])
    expectError(
      await app.action('message', 'schedule', {
        contact_id: '00000000-0000-4000-8000-000000000001',
        kind: 'custom',
        body: 'x',
        send_at: '2031-01-01T00:00:00Z',
      }),
      404,
      'NOT_FOUND',
    )

    const m = await schedule({ contact_id: jane, kind: 'invoice', invoice_id: invoice.id, send_at: '2031-03-05T15:00:00Z' })
    expect(m.rendered.subject).toBe(`Invoice ${invoice.number} from Sparkle Windows`)
    expect(m.rendered.body).toContain(`Here is invoice ${invoice.number} for $180.00, due`)
    expect(m.rendered.missing).toContain('payment_link')
  })

  it('redacts a card number written into a message, and says so', async () => {
    const m = await schedule({
      contact_id: jane,
      kind: 'custom',
      send_at: '2031-02-01T15:00:00Z',
      subject: 'Card 4111 1111 1111 1111',
      body: 'Your card 4111-1111-1111-1111 is on file, gate code 4410.',
    })
    expect(m.subject).toBe('Card [REDACTED]')
    expect(m.body).toBe('Your card [REDACTED] is on file, gate code 4410.')
    expect(m.redactions.map((r: any) => r.field).sort()).toEqual(['data.body', 'data.subject'])
  })

  it('reschedules, rewrites and cancels a pending message, auditing each step', async () => {
    const m = await schedule({ contact_id: jane, kind: 'custom', body: 'Spring special', send_at: '2031-04-01T15:00:00Z' })
    const moved = await made(app, 'message', 'reschedule', { message_id: m.id, send_at: '2031-04-02T15:00:00Z' })
    expect(new Date(moved.send_at).toISOString()).toBe('2031-04-02T15:00:00.000Z')
    const rewritten = await made(app, 'message', 'update', {
      message_id: m.id,
      subject: 'Spring is here, {{customer_first_name}}',
      body: 'Book by May 1.',
    })
    expect(rewritten.rendered).toMatchObject({
      subject: 'Spring is here, Jane',
      body: `Hi Jane,\n\nBook by May 1.\n\nSparkle Windows${MONEY_LINE}`,
    })
    const cleared = await made(app, 'message', 'update', { message_id: m.id, subject: null })
    expect(cleared.subject).toBeNull()
    expect(cleared.rendered.subject).toBe('A message from Sparkle Windows')
    expect(fieldsOf(await app.action('message', 'update', { message_id: m.id, body: null }))).toEqual(['data.body'])
    expect(fieldsOf(await app.action('message', 'update', { message_id: m.id }))).toEqual(['data'])

    const noReason = await app.action('message', 'cancel', { message_id: m.id })
    expectError(noReason, 422, 'REASONING_REQUIRED')
    const cancelled = await made(app, 'message', 'cancel', { message_id: m.id }, 'The customer asked us to stop promotions')
    expect(cancelled.status).toBe('cancelled')
    const trail = expectData(await app.query({ type: 'scheduled_messages', id: m.id, include: 'audit_trail' })).audit_trail
    expect(trail.map((a: any) => a.action)).toEqual(['schedule', 'reschedule', 'update', 'update', 'cancel'])
    expect(trail[4]).toMatchObject({
      reasoning: 'The customer asked us to stop promotions',
      changes: { status: { old: 'pending', new: 'cancelled' } },
    })
  })

  it('changes only pending messages: a cancelled, sent or failed one is a CONFLICT naming its status', async () => {
    const m = await schedule({ contact_id: jane, kind: 'custom', body: 'Hello', send_at: '2031-05-01T15:00:00Z' })
    await made(app, 'message', 'cancel', { message_id: m.id }, 'Duplicate')
    for (const [action, data] of [
      ['cancel', {}],
      ['reschedule', { send_at: '2031-06-01T15:00:00Z' }],
      ['update', { body: 'Hi' }],
    ] as const) {
      const res = await app.action('message', action, { message_id: m.id, ...data }, { reasoning: 'retry' })
      expectError(res, 409, 'CONFLICT')
      expect(res.body.error.message).toContain('cancelled')
    }
    const sent = await schedule({ contact_id: jane, kind: 'custom', body: 'Hello', send_at: '2031-05-02T15:00:00Z' })
    await asTenant(app, (tx) => tx.query(`update scheduled_messages set status = 'sent', sent_at = now() where id = $1`, [sent.id]))
    const res = await app.action('message', 'reschedule', { message_id: sent.id, send_at: '2031-06-01T15:00:00Z' })
    expectError(res, 409, 'CONFLICT')
    expect(res.body.error.message).toContain('sent')
    expect(await auditActions(app, 'scheduled_message', sent.id)).toEqual(['schedule'])
    expect(fieldsOf(await app.action('message', 'reschedule', { message_id: m.id, send_at: '2001-01-01T00:00:00Z' }))).toEqual([
      'data.send_at',
    ])
  })

  it('lists by send date in the business time zone, contact, kind, status and ticket, soonest first, with expansions', async () => {
    const ann = await newContact(app, { first_name: 'Ann', last_name: 'Lee', email: 'ann@example.com' })
    // 2031-07-10T04:30Z is still July 9 in Chicago; 2031-07-11T04:30Z is July 10 there.
    const late = await schedule({ contact_id: ann, kind: 'custom', body: 'Late', send_at: '2031-07-11T04:30:00Z' })
    const early = await schedule({ contact_id: ann, kind: 'custom', body: 'Early', send_at: '2031-07-10T04:30:00Z' })
    const followUp = await schedule({ contact_id: ann, kind: 'follow_up', send_at: '2031-07-10T18:00:00Z' })
    const ids = (r: any) => expectData(r).items.map((m: any) => m.id)
    expect(ids(await app.query({ type: 'scheduled_messages', contact_id: ann }))).toEqual([early.id, followUp.id, late.id])
    expect(ids(await app.query({ type: 'scheduled_messages', from: '2031-07-10', to: '2031-07-10' }))).toEqual([followUp.id, late.id])
    expect(ids(await app.query({ type: 'scheduled_messages', contact_id: ann, kind: 'follow_up' }))).toEqual([followUp.id])
    expect(ids(await app.query({ type: 'scheduled_messages', contact_id: ann, status: 'cancelled' }))).toEqual([])
    expect(ids(await app.query({ type: 'scheduled_messages', ticket_id: ticket.id })).length).toBeGreaterThan(0)

    const page1 = expectData(
      await app.query({ type: 'scheduled_messages', contact_id: ann, limit: 2, include: 'contact,template,rendered' }),
    )
    expect(page1.items.map((m: any) => m.id)).toEqual([early.id, followUp.id])
    expect(page1.items[0].contact).toEqual({ id: ann, display_name: 'Ann Lee', email: 'ann@example.com', email_status: 'ok' })
    const defaultFollowUp = expectData(await app.query({ type: 'templates', kind: 'follow_up' })).items.find((t: any) => t.is_default)
    expect(page1.items[1].template).toEqual({ id: defaultFollowUp.id, name: defaultFollowUp.name, kind: 'follow_up', builtin: false })
    expect(page1.items[0].rendered.body).toBe(`Hi Ann,\n\nEarly\n\nSparkle Windows${MONEY_LINE}`)
    const page2 = expectData(await app.query({ type: 'scheduled_messages', contact_id: ann, limit: 2, cursor: page1.next_cursor }))
    expect(page2.items.map((m: any) => m.id)).toEqual([late.id])
    expect(page2.next_cursor).toBeNull()

    const bad = await app.query({ type: 'scheduled_messages', from: '2031-07-10', to: '2031-07-01' })
    expectError(bad, 400, 'VALIDATION_ERROR')
    expect(fieldsOf(bad)).toEqual(['to'])
    expect(fieldsOf(await app.query({ type: 'scheduled_messages', from: 'July 1' }))).toEqual(['from'])
  })
})
