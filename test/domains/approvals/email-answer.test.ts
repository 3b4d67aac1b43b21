import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { outboxEmailClient } from '../../../core/clients/email.js'
import type { CreatedTenant } from '../../../core/kernel/tenants.js'
import { purgeExpiredCredentials } from '../../../core/jobs/purge.js'
import { performQuery } from '../../../core/kernel/operations.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { connectMcp, toolJson } from '../../helpers/mcp-client.js'
import { pageClient, type PageClient } from '../../helpers/technician-fixture.js'

describe.each(engines)("the owner's answer from the approval email (%s)", (engine) => {
  let app: TestApp
  let owner: PageClient

  beforeAll(async () => {
    app = await startTestApp(engine)
    owner = await pageClient(app, 'owner@sparkle.test')
  })
  afterAll(() => app.close())

  /** The agent asks to delete a new customer of that name (queued for the owner); `token` queues it in another business. */
  const queueDelete = async (name: string, token?: string) => {
    const made = await app.action('contact', 'create', { display_name: name }, { token })
    const contactId = made.body.data.id as string
    const r = await app.action('contact', 'delete', { contact_id: contactId }, { reasoning: `duplicate of ${name}`, token })
    expect(r.status).toBe(202)
    return { contactId, requestId: r.body.data.request_id as string, answer: r.body.data }
  }
  /** The newest card emailed about a request: its message and its secret. */
  const cardOf = (requestId: string) => {
    const message = app.email.sent.filter((m) => m.idempotencyKey?.startsWith(`authorization-${requestId}-`)).at(-1)
    expect(message, `an email about ${requestId}`).toBeDefined()
    const token = message!.text.match(/\/approve\/([A-Za-z0-9_-]{43})\?decision=allow_once/)![1]
    return { message: message!, token }
  }
  const open = async (path: string) => {
    const res = await fetch(app.url + path, { redirect: 'manual' })
    return { status: res.status, html: await res.text(), headers: res.headers }
  }
  const confirm = async (token: string, fields: Record<string, string>) => {
    const res = await fetch(`${app.url}/approve/${token}`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' })
    return { status: res.status, html: await res.text() }
  }
  const statusOf = async (id: string, tenant?: CreatedTenant) =>
    (await app.query({ type: 'authorization_requests', id }, tenant?.agent_token)).body.data
  const exists = async (contactId: string, tenant?: CreatedTenant) =>
    (await app.query({ type: 'contacts', id: contactId }, tenant?.agent_token)).status === 200

  it('emails each owner the card: what runs, for whom, why, when it expires, and Allow Once and Deny links', async () => {
    const { requestId } = await queueDelete('Carla Card')
    const { message } = cardOf(requestId)
    expect(message.to).toBe('owner@sparkle.test')
    expect(message.subject).toMatch(/^Your approval is needed: Delete customer Carla Card/)
    expect(message.text).toContain('Why: duplicate of Carla Card')
    expect(message.text).toMatch(/Allow once: http:\/\/127\.0\.0\.1:\d+\/approve\/[A-Za-z0-9_-]{43}\?decision=allow_once/)
    expect(message.text).toMatch(/Deny: http:\/\/127\.0\.0\.1:\d+\/approve\/[A-Za-z0-9_-]{43}\?decision=deny/)
    expect(message.text).toMatch(/stop working when the request expires \(.+\) or is changed/)
    expect(message.html).toContain('/approve/')
    // Only the secret's hash is stored.
    const token = cardOf(requestId).token
    const stored = await app.t.admin.query<{ token_hash: string }>('select token_hash from approval_links where request_id = $1', [
      requestId,
    ])
    expect(stored.rows).toHaveLength(1)
    expect(stored.rows[0].token_hash).not.toContain(token)
    expect(stored.rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/)
  })

  it("removes a link a day after it was used or its request expired, with the worker's hourly purge", async () => {
    const spent = await queueDelete('Paula Purge')
    const live = await queueDelete('Lena Live')
    const dayAndMore = new Date(app.services.now().getTime() - 25 * 60 * 60 * 1000)
    await app.t.admin.query('update approval_links set used_at = $2 where request_id = $1', [spent.requestId, dayAndMore])
    const counts = await purgeExpiredCredentials(app.services)
    expect(counts['approval links']).toBe(1)
    const left = async (id: string) =>
      Number((await app.t.admin.query<{ n: string }>('select count(*) as n from approval_links where request_id = $1', [id])).rows[0].n)
    expect(await left(spent.requestId)).toBe(0)
    expect(await left(live.requestId)).toBe(1)
  })

  it('with email off, the card goes to the outbox, which only people may read', async () => {
    const captured = app.services.email
    app.services.email = outboxEmailClient(app.t.db, app.services.config)
    try {
      const { requestId } = await queueDelete('Otto Outbox')
      const ownerPrincipal = {
        tenantId: app.tenant.tenant_id,
        actor: { type: 'user' as const, id: app.tenant.owner_user_id, role: 'owner' as const },
      }
      const kept = (await performQuery(app.services, ownerPrincipal, { type: 'email_outbox' }, { requestId: 'test' })) as any
      const card = kept.items.find((m: any) => m.subject.includes('Otto Outbox'))
      expect(card.to_address).toBe('owner@sparkle.test')
      expect(card.text_body).toMatch(/\/approve\/[A-Za-z0-9_-]{43}\?decision=allow_once/)
      expect((await app.query({ type: 'email_outbox' })).status).toBe(403)
      expect((await statusOf(requestId)).status).toBe('pending')
    } finally {
      app.services.email = captured
    }
  })

  it('opening a link decides nothing (a mail scanner opens links); the confirming POST decides, as that owner', async () => {
    const { contactId, requestId } = await queueDelete('Gina Get')
    const { token } = cardOf(requestId)
    for (const decision of ['allow_once', 'deny', 'allow_once']) {
      const page = await open(`/approve/${token}?decision=${decision}`)
      expect(page.status).toBe(200)
      expect(page.headers.get('referrer-policy')).toBe('no-referrer')
      expect(page.html).toContain('Delete customer Gina Get')
      expect(page.html).toContain('duplicate of Gina Get')
      expect(page.html).toContain(decision === 'deny' ? 'Yes, deny' : 'Yes, allow once')
    }
    expect((await statusOf(requestId)).status).toBe('pending')
    expect(await exists(contactId)).toBe(true)

    const done = await confirm(token, { request_id: requestId, decision: 'allow_once' })
    expect(done.status).toBe(200)
    expect(done.html).toContain('Done: the call ran.')
    expect(await statusOf(requestId)).toMatchObject({ status: 'executed', decision: 'allow_once', decided_by: app.tenant.owner_user_id })
    expect(await exists(contactId)).toBe(false)
    const trail = await app.t.admin.query<{ action: string; actor_id: string }>(
      `select action, actor_id from audit_log where entity_type = 'approval_link' and tenant_id = $1`,
      [app.tenant.tenant_id],
    )
    expect(trail.rows).toContainEqual({ action: 'use', actor_id: app.tenant.owner_user_id })
  })

  it('a link works once: a second press, or its other button, decides nothing more', async () => {
    const { contactId, requestId } = await queueDelete('Una Once')
    const { token } = cardOf(requestId)
    const denied = await confirm(token, { request_id: requestId, decision: 'deny', note: 'Keep her.', reason: 'wrong_customer' })
    expect(denied.html).toContain('Denied; the agent will read your reason and note.')
    expect(await statusOf(requestId)).toMatchObject({ status: 'denied', decision_note: 'Keep her.', decision_reason: 'wrong_customer' })
    const again = await confirm(token, { request_id: requestId, decision: 'allow_once' })
    expect(again.status).toBe(409)
    expect(again.html).toContain('This link was already used')
    expect((await open(`/approve/${token}?decision=allow_once`)).status).toBe(409)
    expect(await statusOf(requestId)).toMatchObject({ status: 'denied' })
    expect(await exists(contactId)).toBe(true)
  })

  it('an expired request cannot be allowed from its link', async () => {
    const { contactId, requestId } = await queueDelete('Ezra Expired')
    const { token } = cardOf(requestId)
    await app.t.admin.query(`update authorization_requests set expires_at = now() - interval '1 minute' where id = $1`, [requestId])
    const page = await open(`/approve/${token}?decision=allow_once`)
    expect(page.status).toBe(410)
    expect(page.html).toContain('expired before it was answered')
    expect(page.html).not.toContain('Yes, allow once')
    expect((await confirm(token, { request_id: requestId, decision: 'allow_once' })).status).toBe(410)
    expect((await statusOf(requestId)).status).toBe('expired')
    expect(await exists(contactId)).toBe(true)
  })

  it("an edit of the pending call retires the old card's link and emails a new one that works", async () => {
    const { contactId, requestId } = await queueDelete('Edda Edited')
    const old = cardOf(requestId)
    await app.ownerAction('authorization', 'edit', { request_id: requestId, data: { contact_id: contactId } })
    const fresh = cardOf(requestId)
    expect(fresh.token).not.toBe(old.token)
    expect(fresh.message.subject).toMatch(/^Changed, your approval is needed: Delete customer Edda Edited/)
    const stale = await confirm(old.token, { request_id: requestId, decision: 'allow_once' })
    expect(stale.status).toBe(410)
    expect(stale.html).toContain('This request was changed after this email')
    expect((await statusOf(requestId)).status).toBe('pending')
    expect((await confirm(fresh.token, { request_id: requestId, decision: 'allow_once' })).status).toBe(200)
    expect((await statusOf(requestId)).status).toBe('executed')
    expect(await exists(contactId)).toBe(false)
  })

  it("a link answers only its own request: not another business's, nor another request of its own business", async () => {
    const other = await app.createTenant('Other Windows')
    const theirs = await queueDelete('Theo Theirs', other.agent_token)
    const ours = await queueDelete('Olive Ours')
    const mine = await queueDelete('Mia Mine')
    const { token } = cardOf(ours.requestId)
    expect((await confirm(token, { request_id: theirs.requestId, decision: 'allow_once' })).status).toBe(404)
    expect((await confirm(token, { request_id: mine.requestId, decision: 'allow_once' })).status).toBe(404)
    expect((await statusOf(theirs.requestId, other)).status).toBe('pending')
    expect(await exists(theirs.contactId, other)).toBe(true)
    expect((await statusOf(mine.requestId)).status).toBe('pending')
    // The other business's own link cannot answer ours either; each still works for its own request.
    const theirToken = cardOf(theirs.requestId).token
    expect((await confirm(theirToken, { request_id: ours.requestId, decision: 'allow_once' })).status).toBe(404)
    expect((await statusOf(ours.requestId)).status).toBe('pending')
    expect((await confirm(token, { request_id: ours.requestId, decision: 'deny' })).status).toBe(200)
    expect((await statusOf(ours.requestId)).status).toBe('denied')
    expect((await confirm(theirToken, { request_id: theirs.requestId, decision: 'allow_once' })).status).toBe(200)
    expect(await exists(theirs.contactId, other)).toBe(false)
  })

  it('works only while the person it was sent to is an owner; Allow Always is not offered by a link', async () => {
    const second = await app.t.admin.query<{ id: string }>(
      `insert into users (tenant_id, email, name, role) values ($1, 'partner@sparkle.test', 'Pat Partner', 'owner') returning id`,
      [app.tenant.tenant_id],
    )
    const { contactId, requestId } = await queueDelete('Nora Notowner')
    const partners = app.email.sent.filter(
      (m) => m.to === 'partner@sparkle.test' && m.idempotencyKey?.startsWith(`authorization-${requestId}-`),
    )
    expect(partners).toHaveLength(1)
    const token = partners[0].text.match(/\/approve\/([A-Za-z0-9_-]{43})/)![1]
    await app.t.admin.query(`update users set role = 'technician' where id = $1`, [second.rows[0].id])
    expect((await open(`/approve/${token}`)).status).toBe(403)
    expect((await confirm(token, { request_id: requestId, decision: 'allow_once' })).status).toBe(403)
    const always = await confirm(cardOf(requestId).token, { request_id: requestId, decision: 'allow_always' })
    expect(always.status).toBe(400)
    expect(always.html).toContain('expected allow_once or deny')
    expect((await statusOf(requestId)).status).toBe('pending')
    expect(await exists(contactId)).toBe(true)
  })

  it('answers several pending requests at once on the review page, showing how long each has waited', async () => {
    const a = await queueDelete('Bea Batch')
    const b = await queueDelete('Ben Batch')
    const c = await queueDelete('Bo Batch')
    await app.t.admin.query(`update authorization_requests set created_at = now() - interval '3 hours 20 minutes' where id = $1`, [
      a.requestId,
    ])
    const page = await owner.get('/review')
    expect(page.html).toContain('action="/review/batch"')
    expect(page.html).toContain(`name="request_id" value="${a.requestId}" form="batch"`)
    expect(page.html).toContain('waiting 3 h 20 min')
    const denied = await owner.post('/review/batch', [
      ['_csrf', page.html.match(/name="_csrf" value="([^"]+)"/)![1]],
      ['request_id', a.requestId],
      ['request_id', b.requestId],
      ['decision', 'deny'],
      ['note', 'Not these, they are real customers.'],
    ])
    expect(denied.status).toBe(200)
    expect(denied.html).toContain('Denied 2 of 2.')
    for (const r of [a, b])
      expect(await statusOf(r.requestId)).toMatchObject({ status: 'denied', decision_note: 'Not these, they are real customers.' })
    expect((await statusOf(c.requestId)).status).toBe('pending')
    const csrf = (await owner.get('/review')).html.match(/name="_csrf" value="([^"]+)"/)![1]
    const allowed = await owner.post('/review/batch', [
      ['_csrf', csrf],
      ['request_id', c.requestId],
      ['request_id', a.requestId],
      ['decision', 'allow_once'],
    ])
    expect(allowed.html).toContain('Allowed 1 of 2.')
    expect(allowed.html).toContain('already decided')
    expect(await exists(c.contactId)).toBe(false)
    expect(await exists(a.contactId)).toBe(true)
    const none = await owner.post('/review/batch', [
      ['_csrf', csrf],
      ['decision', 'deny'],
    ])
    expect(none.status).toBe(400)
    expect(none.html).toContain('select at least one request')
  })

  it("tells the agent when its request expired and what to do next; the owner's setting decides how long it waits", async () => {
    await app.ownerAction('settings', 'update', { approval_expiry_hours: 2 })
    const { requestId, answer } = await queueDelete('Xena Expiry')
    expect(new Date(answer.expires_at).getTime() - Date.now()).toBeGreaterThan(110 * 60_000)
    expect(new Date(answer.expires_at).getTime() - Date.now()).toBeLessThan(121 * 60_000)
    expect(answer.message).toContain(`The owner has until ${answer.expires_at} to answer`)
    const client = await connectMcp(app.url, app.tenant.agent_token)
    const ask = async () => toolJson(await client.callTool({ name: 'crm_authorization_status', arguments: { request_id: requestId } })).json
    expect(await ask()).toMatchObject({ status: 'pending', next_step: expect.stringContaining('Do not repeat the call') })
    await app.t.admin.query(`update authorization_requests set expires_at = now() - interval '1 minute' where id = $1`, [requestId])
    const told = await ask()
    expect(told.status).toBe('expired')
    expect(told.outcome).toMatch(/^expired at \S+ without an answer: nothing ran$/)
    expect(told.next_step).toContain('can no longer be allowed')
    expect(told.next_step).toContain('make the same call again')
    await client.close()
    // How long requests wait is the owner's: the agent's change of it waits for the owner too.
    const asked = await app.action('settings', 'update', { approval_expiry_hours: 720 }, { reasoning: 'more time' })
    expect(asked.status).toBe(202)
    await app.ownerAction('settings', 'update', { approval_expiry_hours: 72 })
  })

  // Last: it spends this client's allowance of unknown links.
  it("guessing at links is counted with the other public links' guesses; a real link is still served", async () => {
    const { requestId } = await queueDelete('Gus Guess')
    const { token } = cardOf(requestId)
    const statuses: number[] = []
    for (let i = 0; i < 25 && statuses.at(-1) !== 429; i++)
      statuses.push((await open(`/approve/${'g'.repeat(40)}${String(i).padStart(3, '0')}`)).status)
    expect(statuses[0]).toBe(404)
    expect(statuses.at(-1)).toBe(429)
    expect((await open(`/approve/${token}?decision=allow_once`)).status).toBe(200)
  })
})
