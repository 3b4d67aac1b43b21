import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { authenticateAgentToken } from '../../../core/auth/agent-tokens.js'
import type { Principal } from '../../../core/kernel/context.js'
import { issueResponseLinks } from '../../../core/domains/messages/response-links.js'
import { dailyBriefing } from '../../../mcp/workflows/daily-briefing.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { asTenant, fieldsOf, made, newContact, newTicket } from '../../helpers/fixtures.js'

const clock = { now: new Date('2031-03-03T16:00:00Z') } // Monday 10:00 in Chicago

describe.each(engines)('what needs the business after customers answer or email fails (%s)', (engine) => {
  let app: TestApp
  let principal: Principal
  const ids: Record<string, string> = {}
  const numbers: Record<string, number> = {}
  const brief = async (date = '2031-03-03') =>
    ((await dailyBriefing.run({ services: app.services, principal, requestId: randomUUID() }, { date })) as { briefing: string }).briefing
  const answer = async (ticketId: string, purpose: string, note = '') => {
    const m = expectData(await app.query({ type: 'scheduled_messages', ticket_id: ticketId, kind: 'confirmation', status: 'pending' }))
      .items[0]
    const links = await asTenant(app, (tx) =>
      issueResponseLinks(tx, app.services, app.tenant.tenant_id, { id: m.id, kind: m.kind, ticket_id: ticketId }),
    )
    const res = await fetch(String(links[`${purpose}_link` as 'confirm_link']), {
      method: 'POST',
      body: new URLSearchParams({ answer: purpose, note }),
    })
    expect(res.status).toBe(200)
  }

  beforeAll(async () => {
    clock.now = new Date('2031-03-03T16:00:00Z')
    app = await startTestApp(engine, { now: () => clock.now })
    principal = (await authenticateAgentToken(app.t.db, app.tenant.agent_token))!
    for (const [key, first, email] of [
      ['ann', 'Ann', 'ann@example.com'],
      ['bob', 'Bob', 'bob@example.com'],
      ['cat', 'Cat', 'cat@example.com'],
      ['dan', 'Dan', 'dan@example.com'],
    ]) {
      ids[key] = await newContact(app, { first_name: first, last_name: 'Walker', email })
      const t = await newTicket(app, ids[key], { scheduled_start: '2031-03-10T09:00' })
      ids[`${key}_ticket`] = t.id
      numbers[key] = t.number
    }
    await answer(ids.ann_ticket, 'decline', 'We sold the house')
    await answer(ids.bob_ticket, 'change', `Afternoons only please.\n${'Really. '.repeat(20)}`)
    await answer(ids.cat_ticket, 'confirm')
  })
  afterAll(() => app.close())

  it("lists open answers: declines and change requests not yet dealt with, with the customer's note", async () => {
    const open = expectData(await app.query({ type: 'appointment_responses', open: 'true' })).items
    expect(open.map((a: any) => [a.contact_name, a.answer, a.confirmation_status]).sort()).toEqual([
      ['Ann Walker', 'decline', 'declined'],
      ['Bob Walker', 'change', 'change_requested'],
    ])
    expect(open.find((a: any) => a.answer === 'decline')).toMatchObject({
      ticket_id: ids.ann_ticket,
      ticket_number: numbers.ann,
      confirmation_note: 'We sold the house',
      ticket_status: 'scheduled',
    })
    const all = expectData(await app.query({ type: 'appointment_responses' })).items
    expect(all.map((a: any) => a.answer).sort()).toEqual(['change', 'confirm', 'decline'])
    expect(expectData(await app.query({ type: 'appointment_responses', answer: 'confirm' })).items.map((a: any) => a.contact_name)).toEqual(
      ['Cat Walker'],
    )
    expect(fieldsOf(await app.query({ type: 'appointment_responses', answer: 'maybe' }))).toEqual(['answer'])
    expectError(await app.query({ type: 'appointment_responses', from: '2031-03-05', to: '2031-03-04' }), 400, 'VALIDATION_ERROR')
  })

  it('lists customers email cannot reach: bounced or complaining addresses and recent failures', async () => {
    // What delivery and the provider's webhook record.
    await app.t.admin.query(`update contacts set email_status = 'bounced' where id = $1`, [ids.dan])
    await app.t.admin.query(
      `update scheduled_messages set status = 'failed', last_error = '550 5.1.1 mailbox unavailable' where contact_id = $1 and kind = 'confirmation'`,
      [ids.dan],
    )
    await app.t.admin.query(
      `update scheduled_messages set status = 'failed', last_error = 'gave up after 5 attempts; last error: timeout'
      where contact_id = $1 and kind = 'confirmation'`,
      [ids.cat],
    )
    const problems = expectData(await app.query({ type: 'delivery_problems' })).items
    expect(problems.map((p: any) => [p.display_name, p.email_status, p.failed_count])).toEqual([
      ['Cat Walker', 'ok', 1],
      ['Dan Walker', 'bounced', 1],
    ])
    expect(problems[1]).toMatchObject({
      email: 'dan@example.com',
      last_failed_kind: 'confirmation',
      last_error: '550 5.1.1 mailbox unavailable',
    })
    expect(problems[1].pending_count).toBeGreaterThan(0)
    // Failures older than `since` are left out; a bounced address stays listed.
    expect(expectData(await app.query({ type: 'delivery_problems', since: '2031-03-04' })).items.map((p: any) => p.display_name)).toEqual([
      'Dan Walker',
    ])
  })

  it('the daily briefing shows both, compactly', async () => {
    const text = await brief()
    const line = (prefix: string) => text.split('\n').find((l) => l.startsWith(prefix))
    expect(line('Declined:')).toBe(`Declined: #${numbers.ann} Ann Walker 2031-03-10 09:00 "We sold the house" (reschedule or cancel)`)
    expect(line('Asked to move:')).toMatch(
      new RegExp(
        `^Asked to move: #${numbers.bob} Bob Walker 2031-03-10 09:00 "Afternoons only please\\. Really\\. .{40,}…" \\(reschedule or cancel\\)$`,
      ),
    )
    expect(line('Asked to move:')!.length).toBeLessThanOrEqual(160)
    expect(line('Email problems:')).toBe(
      'Email problems: Cat Walker <cat@example.com> 1 failed (gave up after 5 attempts; last error: timeout), 1 queued; ' +
        'Dan Walker <dan@example.com> bounced (550 5.1.1 mailbox unavailable), 3 queued',
    )
  })

  it('an answer stops being open once the appointment is moved or cancelled', async () => {
    await made(app, 'ticket', 'reschedule', { ticket_id: ids.ann_ticket, scheduled_start: '2031-03-17T09:00' })
    await made(app, 'ticket', 'cancel', { ticket_id: ids.bob_ticket, reason: 'customer asked' }, 'customer asked')
    expect(expectData(await app.query({ type: 'appointment_responses', open: 'true' })).items).toEqual([])
    const text = await brief()
    expect(text).not.toContain('Declined:')
    expect(text).not.toContain('Asked to move:')
  })

  it("filters scheduled messages by words of the customer's name or email", async () => {
    const of = async (customer: string) => [
      ...new Set(expectData(await app.query({ type: 'scheduled_messages', customer, limit: 100 })).items.map((m: any) => m.contact_id)),
    ]
    expect(await of('ann')).toEqual([ids.ann])
    expect(await of('walker dan')).toEqual([ids.dan])
    expect(await of('bob@example')).toEqual([ids.bob])
    expect(await of('%')).toEqual([])
    expect((await of('walker')).length).toBe(4)
  })
})
