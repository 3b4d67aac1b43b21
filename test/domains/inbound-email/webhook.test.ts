import { randomBytes, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import type { Queryable } from '../../../core/db/types.js'
import { inboundEmailSettingsOf } from '../../../core/domains/inbound-email/settings.js'
import { engines } from '../../helpers/databases.js'
import type { FakeReceivedEmail } from '../../helpers/fake-resend.js'
import { DOMAIN, type InboundWorld, inboundWorld } from './webhook-fixtures.js'

describe.each(engines)('inbound email through the webhook (%s)', (engine) => {
  let w: InboundWorld
  let app: InboundWorld['app']
  let resend: InboundWorld['resend']
  let address: string
  const signed: InboundWorld['signed'] = (...args) => w.signed(...args)
  const receivedEvent: InboundWorld['receivedEvent'] = (email) => w.receivedEvent(email)
  const post: InboundWorld['post'] = (body, headers) => w.post(body, headers)
  const inBusiness = <T>(fn: (tx: Queryable) => Promise<T>, tenantId?: string) => w.inBusiness(fn, tenantId)
  const effects: InboundWorld['effects'] = (tenantId) => w.effects(tenantId)
  const deliver: InboundWorld['deliver'] = (email, id) => w.deliver(email, id)

  beforeAll(async () => {
    w = await inboundWorld(engine)
    ;({ app, resend, address } = w)
  })
  afterAll(() => w?.close())

  it("puts a customer's email on their timeline, its body read from Resend, card numbers redacted, audited as the system", async () => {
    const jane = await inBusiness((tx) =>
      tx.query<{ id: string }>(
        `insert into contacts (tenant_id, display_name, emails) values (app_tenant(), 'Jane Smith', $1) returning id`,
        [JSON.stringify([{ value: 'Jane@Example.com', label: 'home', primary: true }])],
      ),
    )
    const reads = resend.receivingReads
    const { res } = await deliver({
      from: 'Jane Smith <jane@example.com>',
      to: [`Sparkle <${address}>`],
      subject: 'Gutters next week?',
      text: 'Could you do the gutters next week? My card is 4111 1111 1111 1111.\n\nOn Mon, Sparkle wrote:\n> Thanks for choosing us',
    })
    expect(expectData(res)).toEqual({ received: true, outcome: 'interaction' })
    expect(resend.receivingReads).toBe(reads + 1)
    const rows = await inBusiness((tx) =>
      tx.query('select contact_id, kind, direction, subject, summary from interactions where contact_id = $1', [jane.rows[0].id]),
    )
    expect(rows.rows).toHaveLength(1)
    expect(rows.rows[0]).toMatchObject({ kind: 'email', direction: 'inbound', subject: 'Gutters next week?' })
    expect(rows.rows[0].summary).toMatch(/^Could you do the gutters next week\? My card is \[REDACTED/)
    expect(rows.rows[0].summary).not.toMatch(/4111|Thanks for choosing/)
    const audit = await inBusiness((tx) => tx.query(`select actor_type from audit_log where entity_type = 'interaction'`))
    expect(audit.rows.map((r) => r.actor_type)).toContain('system')
  })

  it('makes a lead of an unknown person asking for work, and skips newsletters, automatic answers and mail from the business', async () => {
    const { res } = await deliver({
      from: '"Pat Lee" <pat@example.net>',
      to: [address],
      subject: 'Window cleaning quote',
      html: '<p>Hello, how much for 24 windows on two floors?</p><p>Card 5555 5555 5555 4444</p>',
    })
    expect(expectData(res).outcome).toBe('lead')
    const lead = await inBusiness((tx) => tx.query(`select name, email, source, raw_notes from leads where email = 'pat@example.net'`))
    expect(lead.rows).toHaveLength(1)
    expect(lead.rows[0]).toMatchObject({ name: 'Pat Lee', source: 'email' })
    expect(lead.rows[0].raw_notes).toContain('Subject: Window cleaning quote')
    expect(lead.rows[0].raw_notes).toContain('how much for 24 windows on two floors?')
    expect(lead.rows[0].raw_notes).not.toContain('5555 5555')

    const before = await effects()
    const skipped: Array<Partial<FakeReceivedEmail> & { from: string; to: string[] }> = [
      {
        from: 'news@shop.example',
        to: [address],
        subject: 'Sale',
        text: 'Big sale',
        headers: { 'List-Unsubscribe': '<mailto:u@shop.example>' },
      },
      { from: 'sam@example.org', to: [address], subject: 'Out of office', text: 'Away', headers: { 'Auto-Submitted': 'auto-replied' } },
      { from: 'no-reply@bank.example', to: [address], subject: 'Statement', text: 'Your statement' },
      { from: 'owner@sparkle.test', to: [address], subject: 'Note to self', text: 'Buy squeegees' },
    ]
    const outcomes = []
    for (const email of skipped) outcomes.push(expectData((await deliver(email)).res).outcome)
    expect(outcomes).toEqual(['skipped:newsletter', 'skipped:automated', 'skipped:automated', 'skipped:from_business'])
    const after = await effects()
    expect({ interactions: after.interactions, leads: after.leads }).toEqual({ interactions: before.interactions, leads: before.leads })
    expect(after.inbound).toBe(before.inbound + skipped.length)
  })

  it('forged, tampered, stale, future-dated and unsigned deliveries are refused with 400 and have no effect', async () => {
    const kept = resend.receive({ from: 'mallory@example.net', to: [address], subject: 'Quote please', text: 'Need my windows done' })
    const body = receivedEvent(kept)
    const before = await effects()
    const reads = resend.receivingReads
    const now = Math.floor(Date.now() / 1000)
    const attempts = {
      forged: signed(body, { secret: `whsec_${randomBytes(24).toString('base64')}` }),
      tampered: signed(body.replace('Quote please', 'Quote, please')),
      stale: signed(body, { at: now - 6 * 60 }),
      future: signed(body, { at: now + 6 * 60 }),
      unsigned: (({ 'svix-signature': _drop, ...rest }) => rest)(signed(body)),
    }
    for (const [name, headers] of Object.entries(attempts)) {
      const res = await post(body, headers)
      expectError(res, 400, 'VALIDATION_ERROR')
      expect(res.body.error.message, name).toMatch(/^Webhook refused: /)
    }
    expect((await post(body, attempts.stale)).body.error.message).toMatch(/not within 5 minutes/)
    expect(await effects()).toEqual(before)
    expect(resend.receivingReads).toBe(reads)
  })

  it('a replayed delivery, or the same email in a new delivery, has no effect', async () => {
    const first = await deliver({
      from: 'riley@example.net',
      to: [address],
      subject: 'Gutter cleaning?',
      text: 'Can you clean my gutters?',
    })
    expect(expectData(first.res).outcome).toBe('lead')
    const after = await effects()
    const reads = resend.receivingReads
    expect(expectData(await post(first.body, first.headers)).outcome).toBe('replayed')
    expect(expectData(await post(first.body, signed(first.body))).outcome).toBe('replayed')
    expect(await effects()).toEqual(after)
    expect(resend.receivingReads).toBe(reads)
  })

  it('takes nothing when Resend cannot give the body (503), and takes the email when it is delivered again', async () => {
    const kept = resend.receive({ from: 'casey@example.net', to: [address], subject: 'Pressure washing', text: 'Driveway needs washing' })
    const body = receivedEvent(kept)
    const headers = signed(body)
    const before = await effects()
    resend.failNext(500)
    expectError(await post(body, headers), 503, 'UNAVAILABLE')
    expect(await effects()).toEqual(before)
    expect(expectData(await post(body, headers)).outcome).toBe('lead')
  })

  it('routes by the address to its own business (a +tag ignored), and acknowledges mail to an address of no business', async () => {
    const other = await app.createTenant('Gutter Pros')
    const { res } = await deliver({
      from: 'dana@example.net',
      to: [`${other.tenant_id}+web@${DOMAIN}`],
      subject: 'Quote',
      text: 'Gutters please',
    })
    expect(expectData(res).outcome).toBe('lead')
    const theirs = await inBusiness((tx) => tx.query(`select 1 from leads where email = 'dana@example.net'`), other.tenant_id)
    const ours = await inBusiness((tx) => tx.query(`select 1 from leads where email = 'dana@example.net'`))
    expect([theirs.rows.length, ours.rows.length]).toEqual([1, 0])

    const before = await effects()
    for (const to of [`${randomUUID()}@${DOMAIN}`, `${app.tenant.tenant_id}@elsewhere.test`, `sales@${DOMAIN}`]) {
      expect(expectData((await deliver({ from: 'x@example.net', to: [to], subject: 'Hi', text: 'Hello' })).res).outcome).toBe(
        'unknown_address',
      )
    }
    expect(await effects()).toEqual(before)
  })

  it('takes the body a provider posts with the delivery without calling Resend', async () => {
    const reads = resend.receivingReads
    const body = JSON.stringify({
      type: 'email.received',
      data: {
        email_id: `other-${randomUUID()}`,
        from: 'Morgan <morgan@example.net>',
        to: [address],
        subject: 'Screens',
        text: 'Can you repair window screens?',
        headers: { 'Message-ID': '<m1@example.net>' },
      },
    })
    expect(expectData(await post(body, signed(body))).outcome).toBe('lead')
    expect(resend.receivingReads).toBe(reads)
  })

  it('names the address and what the emails became in the inbound_email record', async () => {
    const data = expectData(await app.query({ type: 'inbound_email' }))
    const [record] = data.items
    expect(record).toMatchObject({ id: app.tenant.tenant_id, on: true, off_reason: null, address })
    expect(record.counts.interactions).toBe(1)
    expect(record.counts.leads).toBeGreaterThanOrEqual(4)
    expect(record.recent[0].outcome).toBe('lead')
  })

  it('refuses every delivery with a 400, never a 500, while the secret set is not a whsec_ secret', async () => {
    inboundEmailSettingsOf(app.services).webhookSecret = 'whsec_not base64!'
    try {
      const body = JSON.stringify({ type: 'email.received', data: {} })
      const res = await post(body, signed(body))
      expectError(res, 400, 'VALIDATION_ERROR')
      expect(res.body.error.message).toMatch(/not a whsec_ secret/)
    } finally {
      inboundEmailSettingsOf(app.services).webhookSecret = w.secret
    }
  })

  it('answers 503 naming what to set while the webhook secret is unset', async () => {
    inboundEmailSettingsOf(app.services).webhookSecret = undefined
    try {
      const body = JSON.stringify({ type: 'email.received', data: {} })
      const res = await post(body, signed(body))
      expectError(res, 503, 'UNAVAILABLE')
      expect(res.body.error.message).toMatch(/INBOUND_EMAIL_WEBHOOK_SECRET/)
      const record = expectData(await app.query({ type: 'inbound_email' })).items[0]
      expect(record).toMatchObject({ on: false, address: null })
      expect(record.off_reason).toMatch(/INBOUND_EMAIL_WEBHOOK_SECRET/)
    } finally {
      inboundEmailSettingsOf(app.services).webhookSecret = w.secret
    }
  })
})
