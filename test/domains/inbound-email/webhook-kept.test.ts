import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { capturedLog } from '../../helpers/captured-log.js'
import { engines } from '../../helpers/databases.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { DOMAIN, type InboundWorld, inboundWorld } from './webhook-fixtures.js'

describe.each(engines)('an email addressed to a business is kept, or refused so Resend delivers it again (%s)', (engine) => {
  let w: InboundWorld
  const log = capturedLog()
  const logged = log.lines

  beforeAll(async () => {
    w = await inboundWorld(engine)
    log.start()
  })
  afterEach(() => {
    log.clear()
  })
  afterAll(async () => {
    log.stop()
    await w?.close()
  })

  const customer = (email: string) =>
    w.inBusiness((tx) =>
      tx.query<{ id: string }>(
        `insert into contacts (tenant_id, display_name, emails) values (app_tenant(), 'Kim Park', $1) returning id`,
        [JSON.stringify([{ value: email, label: 'home', primary: true }])],
      ),
    )

  it("an email with the business in Bcc only reaches it: a customer's lands on their timeline", async () => {
    const kim = (await customer('kim@example.com')).rows[0].id
    const { body, res } = await w.deliver({
      from: 'Kim Park <kim@example.com>',
      to: ['Lee <lee@example.org>'],
      bcc: [w.address],
      subject: 'Windows on Friday',
      text: 'Copying you in: Friday works for the windows.',
    })
    // Resend's event lists the Bcc recipient, and nothing else names the business.
    expect(JSON.parse(body).data).toMatchObject({ to: ['Lee <lee@example.org>'], bcc: [w.address], cc: [] })
    expect(JSON.parse(body).data).not.toHaveProperty('received_for')
    expect(expectData(res).outcome).toBe('interaction')
    const rows = await w.inBusiness((tx) => tx.query('select subject from interactions where contact_id = $1', [kim]))
    expect(rows.rows).toEqual([{ subject: 'Windows on Friday' }])
  })

  it("a stranger's email with the business in Bcc only is kept with why it made nothing", async () => {
    const before = await w.effects()
    const { res } = await w.deliver({ from: 'ray@example.net', to: ['list@example.net'], bcc: [w.address], subject: 'Quote', text: 'Hi' })
    expect(expectData(res).outcome).toBe('skipped:not_addressed_to_business')
    expect((await w.effects()).inbound).toBe(before.inbound + 1)
  })

  it('an email to two businesses here, one in To and one in Bcc, is taken by each', async () => {
    const other = await w.app.createTenant('Gutter Pros')
    const { res } = await w.deliver({
      from: 'Dana <dana@example.net>',
      to: [w.address],
      bcc: [`${other.tenant_id}+quotes@${DOMAIN}`],
      subject: 'Gutters and windows',
      text: 'How much for both?',
    })
    expect(expectData(res).outcome).toBe('lead')
    const taken = async (tenantId: string) =>
      (await w.inBusiness((tx) => tx.query<{ outcome: string }>('select outcome from inbound_emails order by created_at'), tenantId)).rows
    expect((await taken(w.app.tenant.tenant_id)).at(-1)?.outcome).toBe('lead')
    expect((await taken(other.tenant_id)).map((r) => r.outcome)).toEqual(['skipped:not_addressed_to_business'])
  })

  it('an email our records refuse is answered 500 and keeps nothing; delivered again, it is taken', async () => {
    // A rule of the database that refuses the email (as a constraint added later might): set up here, not under test.
    await w.app.t.admin.exec(`create function refuse_test_inbound() returns trigger language plpgsql as $$ begin
        raise exception 'no' using errcode = '23514', constraint = 'inbound_test_rule'; end $$;
      create trigger inbound_test_rule before insert on inbound_emails for each row execute function refuse_test_inbound();`)
    const before = await w.effects()
    let delivery: Awaited<ReturnType<InboundWorld['deliver']>>
    try {
      delivery = await w.deliver({ from: 'casey@example.net', to: [w.address], subject: 'Pressure washing', text: 'Driveway please' })
      expectError(delivery.res, 500, 'INTERNAL')
      expect(delivery.res.body.error.message).toMatch(/could not be kept .*inbound_test_rule.*delivered again/)
      expect(await w.effects()).toEqual(before)
      expect(logged.some((l) => l.level === 'error' && l.email_id === delivery.kept.id && l.tenant_id === w.app.tenant.tenant_id)).toBe(
        true,
      )
    } finally {
      await w.app.t.admin.exec('drop trigger inbound_test_rule on inbound_emails; drop function refuse_test_inbound()')
    }
    expect(expectData(await w.post(delivery.body, delivery.headers)).outcome).toBe('lead')
  })

  it('an email with a field longer than the product keeps is kept, cut; an event that cannot be read at all is acknowledged and logged whole; another type is acknowledged', async () => {
    const before = await w.effects()
    const long = `${'x'.repeat(4_970)} <pat@example.net>`
    const { res } = await w.deliver({ from: long, to: [w.address], subject: 'Quote', text: 'How much for the windows?' })
    expect(expectData(res).outcome).toBe('lead')
    expect((await w.effects()).inbound).toBe(before.inbound + 1)
    const odd = JSON.stringify({ type: 'email.received', data: { from: 'pat@example.net', to: [w.address], subject: 'No id' } })
    for (let i = 0; i < 2; i++) {
      expect(expectData(await w.post(odd, w.signed(odd)))).toEqual({ received: true, outcome: 'unreadable' })
    }
    const kept = logged.find((l) => l.level === 'warn' && /could not be read/.test(String(l.msg)))
    expect(kept?.raw).toContain('No id')
    expect(logged.some((l) => l.level === 'error')).toBe(false)
    const other = JSON.stringify({ type: 'email.delivered', data: { email_id: 'sent-1' } })
    expect(expectData(await w.post(other, w.signed(other)))).toEqual({ received: true, outcome: 'ignored' })
    expect((await w.effects()).inbound).toBe(before.inbound + 1)
  })

  it('an email addressed to no business here is acknowledged without keeping it, and the log says why', async () => {
    const before = await w.effects()
    const { kept, res } = await w.deliver({
      from: 'x@example.net',
      to: [`sales@${DOMAIN}`],
      cc: ['y@example.net'],
      subject: 'Hi',
      text: 'Hi',
    })
    expect(expectData(res).outcome).toBe('unknown_address')
    expect(await w.effects()).toEqual(before)
    const line = logged.find((l) => l.email_id === kept.id)
    expect(line).toMatchObject({ level: 'info', why: `no business here has the address sales@${DOMAIN}` })
  })
})
