import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withTenant } from '../../core/db/tenant.js'
import { asTenant, made } from '../helpers/fixtures.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { svixSigned } from '../helpers/svix.js'
import { expectData, expectError } from '../helpers/envelope-assertions.js'

const SECRET = `whsec_${randomBytes(24).toString('base64')}`

/** Headers Resend (Svix) sends with a delivery signed by the secret (or another). */
function signed(body: string, opts: { id?: string; at?: number; secret?: string } = {}): Record<string, string> {
  return svixSigned(opts.secret ?? SECRET, body, opts)
}

function bounceEvent(emailId: string, to: string, type = 'email.bounced', bounceType = 'Permanent'): string {
  return JSON.stringify({
    type,
    created_at: new Date().toISOString(),
    data: {
      email_id: emailId,
      from: 'mail@sparkle.test',
      to: [to],
      subject: 'Reminder',
      ...(type === 'email.bounced' ? { bounce: { message: 'Mailbox does not exist', type: bounceType, subType: 'General' } } : {}),
    },
  })
}

describe.each(engines)('POST /api/webhooks/resend on %s', (engine) => {
  let app: TestApp
  const post = (body: string, headers: Record<string, string>) =>
    app.call('POST', '/api/webhooks/resend', body, { authorization: '', ...headers })

  /** A contact with a message already sent under the given provider id. */
  async function sentMessage(
    name: string,
    email: string,
    tenantId = app.tenant.tenant_id,
  ): Promise<{ contactId: string; messageId: string; providerId: string }> {
    const providerId = `re_${randomBytes(8).toString('hex')}`
    return withTenant(app.t.db, { tenantId, actorType: 'system' }, async (tx) => {
      const c = await tx.query<{ id: string }>(`insert into contacts (tenant_id, display_name, emails) values ($1, $2, $3) returning id`, [
        tenantId,
        name,
        JSON.stringify([{ value: email, label: 'home', primary: true }]),
      ])
      const m = await tx.query<{ id: string }>(
        `insert into scheduled_messages (tenant_id, contact_id, kind, body, send_at, status, sent_at, provider_message_id)
        values ($1, $2, 'custom', 'Hi', now(), 'sent', now(), $3) returning id`,
        [tenantId, c.rows[0].id, providerId],
      )
      return { contactId: c.rows[0].id, messageId: m.rows[0].id, providerId }
    })
  }
  const state = (ids: { contactId: string; messageId: string }, tenantId = app.tenant.tenant_id) =>
    withTenant(app.t.db, { tenantId, actorType: 'system' }, async (tx) => ({
      email_status: (await tx.query('select email_status from contacts where id = $1', [ids.contactId])).rows[0].email_status,
      message: (await tx.query('select status, last_error from scheduled_messages where id = $1', [ids.messageId])).rows[0],
      audit: (
        await tx.query('select entity_type, action, actor_type from audit_log where entity_id = any($1::uuid[]) order by id', [
          [ids.contactId, ids.messageId],
        ])
      ).rows,
      events: (await tx.query<{ n: number }>('select count(*)::int as n from email_events')).rows[0].n,
    }))

  beforeAll(async () => {
    app = await startTestApp(engine)
    app.services.config.resendWebhookSecret = SECRET
  })
  afterAll(async () => {
    await app?.close()
  })

  it("a signed bounce marks the contact's address bounced and the message failed with the reason, audited as the system", async () => {
    const ids = await sentMessage('Jane Smith', 'jane@example.com')
    const body = bounceEvent(ids.providerId, 'jane@example.com')
    const data = expectData(await post(body, signed(body)))
    expect(data).toEqual({ received: true, outcome: 'applied' })
    const s = await state(ids)
    expect(s.email_status).toBe('bounced')
    expect(s.message).toEqual({ status: 'failed', last_error: 'Bounced: Mailbox does not exist' })
    expect(s.audit).toEqual([
      { entity_type: 'scheduled_message', action: 'bounced', actor_type: 'system' },
      { entity_type: 'contact', action: 'email_bounced', actor_type: 'system' },
    ])
  })

  it('the same event delivered again changes nothing', async () => {
    const ids = await sentMessage('Replay Rita', 'rita@example.com')
    const body = bounceEvent(ids.providerId, 'rita@example.com')
    const headers = signed(body)
    expectData(await post(body, headers))
    const after = await state(ids)
    expect(expectData(await post(body, headers))).toEqual({ received: true, outcome: 'replayed' })
    expect(await state(ids)).toEqual(after)
  })

  it('refuses a forged, unsigned or stale delivery with 400 and changes nothing', async () => {
    const ids = await sentMessage('Forge Fred', 'fred@example.com')
    const body = bounceEvent(ids.providerId, 'fred@example.com')
    const before = await state(ids)
    const wrongSecret = signed(body, { secret: `whsec_${randomBytes(24).toString('base64')}` })
    const tampered = signed(body.replace('fred@example.com', 'fred@example.org'))
    const stale = signed(body, { at: Math.floor(Date.now() / 1000) - 10 * 60 })
    const future = signed(body, { at: Math.floor(Date.now() / 1000) + 10 * 60 })
    const { 'svix-signature': _drop, ...unsigned } = signed(body)
    for (const [name, headers] of Object.entries({ wrongSecret, tampered, stale, future, unsigned })) {
      const res = await post(body, headers)
      expectError(res, 400, 'VALIDATION_ERROR')
      expect(res.body.error.message, name).toMatch(/^Webhook refused: /)
    }
    expect((await post(body, stale)).body.error.message).toMatch(/svix-timestamp is not within 5 minutes/)
    expect(await state(ids)).toEqual(before)
  })

  it('a complaint marks the address complained; a temporary bounce fails the message but keeps the address', async () => {
    const complained = await sentMessage('Spam Sam', 'sam@example.com')
    const c = bounceEvent(complained.providerId, 'sam@example.com', 'email.complained')
    expectData(await post(c, signed(c)))
    expect(await state(complained)).toMatchObject({
      email_status: 'complained',
      message: { status: 'failed', last_error: 'The recipient marked this email as spam (complaint)' },
    })
    const full = await sentMessage('Full Fiona', 'fiona@example.com')
    const t = bounceEvent(full.providerId, 'fiona@example.com', 'email.bounced', 'Transient')
    expectData(await post(t, signed(t)))
    expect(await state(full)).toMatchObject({
      email_status: 'ok',
      message: { status: 'failed', last_error: 'Bounced (temporary): Mailbox does not exist' },
    })
  })

  it('a bounce of an address the contact no longer has leaves the contact alone; a new address starts afresh', async () => {
    const ids = await sentMessage('Moving Mo', 'old@example.com')
    await made(app, 'contact', 'update', { contact_id: ids.contactId, email: 'new@example.com' })
    const body = bounceEvent(ids.providerId, 'old@example.com')
    expectData(await post(body, signed(body)))
    expect((await state(ids)).email_status).toBe('ok')
    const bounced = await sentMessage('Fixing Fay', 'fay@example.com')
    const b = bounceEvent(bounced.providerId, 'fay@example.com')
    expectData(await post(b, signed(b)))
    expect((await state(bounced)).email_status).toBe('bounced')
    await made(app, 'contact', 'update', { contact_id: bounced.contactId, email: 'fay@work.example.com' })
    expect((await state(bounced)).email_status).toBe('ok')
  })

  it('finds the message in whichever business sent it', async () => {
    const other = await app.createTenant('Other Cleaners')
    const ids = await sentMessage('Olga Other', 'olga@example.com', other.tenant_id)
    const body = bounceEvent(ids.providerId, 'olga@example.com')
    expectData(await post(body, signed(body)))
    expect((await state(ids, other.tenant_id)).email_status).toBe('bounced')
  })

  it('acknowledges an email it does not know and event types it does not act on, changing nothing', async () => {
    const events = () =>
      asTenant(app, async (tx) => (await tx.query<{ n: number }>('select count(*)::int as n from email_events')).rows[0].n)
    const eventsBefore = await events()
    const unknown = bounceEvent('re_not_ours', 'who@example.com')
    expect(expectData(await post(unknown, signed(unknown)))).toEqual({ received: true, outcome: 'unknown_message' })
    const ids = await sentMessage('Delivered Dan', 'dan@example.com')
    const delivered = JSON.stringify({ type: 'email.delivered', data: { email_id: ids.providerId, to: ['dan@example.com'] } })
    expect(expectData(await post(delivered, signed(delivered)))).toEqual({ received: true, outcome: 'ignored' })
    expect(await state(ids)).toMatchObject({ email_status: 'ok', message: { status: 'sent' }, audit: [] })
    expect(await events()).toBe(eventsBefore)
  })

  it('answers 503 naming RESEND_WEBHOOK_SECRET when webhooks are not configured', async () => {
    app.services.config.resendWebhookSecret = undefined
    try {
      const body = bounceEvent('re_x', 'x@example.com')
      const res = await post(body, signed(body))
      expectError(res, 503, 'UNAVAILABLE')
      expect(res.body.error.message).toMatch(/RESEND_WEBHOOK_SECRET/)
    } finally {
      app.services.config.resendWebhookSecret = SECRET
    }
  })
})
