import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { EmailSendError, outboxEmailClient, resendEmailClient, withSenderName } from '../../core/clients/email.js'
import { emailHtml } from '../../core/clients/email-html.js'
import { loadConfig } from '../../core/kernel/config.js'
import { withTenant } from '../../core/db/tenant.js'
import { setLogLevel, setLogStream } from '../../core/kernel/log.js'
import { createTenant } from '../../core/kernel/tenants.js'
import { engines, freshDatabase, type TestDatabase } from '../helpers/databases.js'
import { startFakeResend, type FakeResend } from '../helpers/fake-resend.js'

describe('Resend client against a local Resend', () => {
  let fake: FakeResend
  beforeAll(async () => {
    fake = await startFakeResend()
  })
  afterAll(async () => {
    await fake.close()
  })
  afterEach(() => {
    fake.hang = false
  })
  const client = (timeoutMs?: number) =>
    resendEmailClient({ apiKey: fake.apiKey, from: 'Service CRM <mail@sparkle.test>', baseUrl: fake.url, timeoutMs })

  it('sends text and HTML from the business, with its reply-to, and returns the provider id', async () => {
    const sent = await client().send({
      to: 'jane@example.com',
      subject: 'Hello',
      text: 'Hi Jane',
      html: '<p>Hi Jane</p>',
      fromName: 'Sparkle Windows',
      replyTo: 'office@sparkle.test',
      headers: { 'List-Unsubscribe': '<https://crm.test/stop/x>' },
      idempotencyKey: 'k-1',
    })
    const email = fake.emails.find((e) => e.id === sent.id)
    expect(email).toMatchObject({
      from: '"Sparkle Windows" <mail@sparkle.test>',
      to: ['jane@example.com'],
      subject: 'Hello',
      text: 'Hi Jane',
      html: '<p>Hi Jane</p>',
      replyTo: ['office@sparkle.test'],
      headers: { 'List-Unsubscribe': '<https://crm.test/stop/x>' },
      idempotencyKey: 'k-1',
    })
  })

  it('sends one email per idempotency key: a repeat gets the same id and no second email', async () => {
    const before = fake.emails.length
    const message = { to: 'bob@example.com', subject: 'Once', text: 'Only once', idempotencyKey: 'k-once' }
    const a = await client().send(message)
    const b = await client().send(message)
    expect(b.id).toBe(a.id)
    expect(fake.emails.length).toBe(before + 1)
  })

  it.each([
    [429, true, 'rate_limit_exceeded'],
    [500, true, 'internal_server_error'],
    [422, false, 'validation_error'],
  ])('turns a %i answer into a typed failure (retryable: %s)', async (status, retryable, code) => {
    const before = fake.emails.length
    fake.failNext(status)
    const err = await client()
      .send({ to: 'x@example.com', subject: 's', text: 't', idempotencyKey: `k-${status}` })
      .catch((e) => e)
    expect(err).toBeInstanceOf(EmailSendError)
    expect(err).toMatchObject({ retryable, providerStatus: status, code: 'UNAVAILABLE' })
    expect(err.message).toContain(code)
    if (status === 429) expect(err.retryAfterSeconds).toBe(1)
    expect(fake.emails.length).toBe(before)
  })

  it('a provider that does not answer in time is a retryable failure, like one that cannot be reached', async () => {
    fake.hang = true
    const slow = await client(200)
      .send({ to: 'x@example.com', subject: 's', text: 't', idempotencyKey: 'k-hang' })
      .catch((e) => e)
    expect(slow).toMatchObject({ retryable: true, providerStatus: null })
    const down = resendEmailClient({ apiKey: 're_x', from: 'a@b.test', baseUrl: 'http://127.0.0.1:9' })
    await expect(down.send({ to: 'x@example.com', subject: 's', text: 't' })).rejects.toMatchObject({
      retryable: true,
      providerStatus: null,
    })
  })

  it('a wrong API key waits for the operator (retryable) instead of failing the message', async () => {
    const wrong = resendEmailClient({ apiKey: 're_wrong', from: 'a@b.test', baseUrl: fake.url })
    await expect(wrong.send({ to: 'x@example.com', subject: 's', text: 't' })).rejects.toMatchObject({
      retryable: true,
      providerStatus: 403,
    })
  })
})

describe('sender name', () => {
  it('keeps the address of EMAIL_FROM and quotes the business name', () => {
    expect(withSenderName('Service CRM <mail@x.test>', 'Sparkle Windows')).toBe('"Sparkle Windows" <mail@x.test>')
    expect(withSenderName('mail@x.test', 'A "B" <c>\r\nBcc: evil@x.test')).toBe('"A B c Bcc: evil@x.test" <mail@x.test>')
  })
})

describe('HTML wrapper', () => {
  it('escapes everything, makes paragraphs and clickable links, and names the business', () => {
    const html = emailHtml('Hi <b>Jane</b> & co,\nline two\n\nConfirm: https://crm.test/r/abc?x=1&y=2.\n', "Bob's <Windows>")
    expect(html).toContain('Hi &lt;b&gt;Jane&lt;/b&gt; &amp; co,<br>line two</p>')
    expect(html).toContain(
      'Confirm: <a href="https://crm.test/r/abc?x=1&amp;y=2" style="color:#1d4ed8;word-break:break-all">https://crm.test/r/abc?x=1&amp;y=2</a>.</p>',
    )
    expect(html).toContain('Bob&#39;s &lt;Windows&gt;')
    expect(html).not.toMatch(/<b>|<script|<link|src=/)
    expect(html.match(/<p /g)).toHaveLength(2)
  })

  it('does not turn javascript: or other schemes into links', () => {
    expect(emailHtml('javascript:alert(1) mailto:a@b.c', 'X')).not.toContain('<a ')
  })
})

describe.each(engines)('outbox client on %s (no RESEND_API_KEY)', (engine) => {
  let t: TestDatabase
  let tenantA: string
  let tenantB: string
  const logged: string[] = []
  beforeAll(async () => {
    t = await freshDatabase(engine)
    tenantA = (await createTenant(t.db, { name: 'Sparkle Windows', owner_email: 'owner@sparkle.test' })).tenant_id
    tenantB = (await createTenant(t.db, { name: 'Other Co', owner_email: 'owner@other.test' })).tenant_id
    setLogStream({ write: (line: string) => logged.push(line) } as unknown as NodeJS.WritableStream)
    setLogLevel('info')
  })
  afterAll(async () => {
    setLogLevel('silent')
    setLogStream(process.stdout)
    await t.dispose()
  })
  const outbox = () => outboxEmailClient(t.db, loadConfig({ PORT: '0', EMAIL_FROM: 'Service CRM <mail@sparkle.test>' }))
  const rowsOf = (tenantId: string) =>
    withTenant(
      t.db,
      { tenantId, actorType: 'system' },
      async (tx) =>
        (await tx.query('select to_address, from_address, subject, text_body, html_body from email_outbox order by created_at')).rows,
    )

  it("keeps a business's email in its outbox, once per idempotency key, and logs it", async () => {
    const client = outbox()
    expect(client.delivers).toBe(false)
    expect(client.describe()).toMatch(/email is off.*outbox.*\/messages\/outbox.*sign-in links.*log/)
    const message = {
      to: 'jane@example.com',
      subject: 'Reminder',
      text: 'See you Tuesday',
      html: '<p>See you Tuesday</p>',
      tenantId: tenantA,
      fromName: 'Sparkle Windows',
      idempotencyKey: 'scheduled-message-1',
    }
    const a = await client.send(message)
    const b = await client.send(message)
    expect(a.id).toMatch(/^outbox-/)
    expect(b.id).toBe(a.id)
    expect(await rowsOf(tenantA)).toEqual([
      {
        to_address: 'jane@example.com',
        from_address: '"Sparkle Windows" <mail@sparkle.test>',
        subject: 'Reminder',
        text_body: 'See you Tuesday',
        html_body: '<p>See you Tuesday</p>',
      },
    ])
    expect(await rowsOf(tenantB)).toEqual([])
    expect(logged.some((l) => l.includes('kept in the outbox') && l.includes('jane@example.com'))).toBe(true)
  })

  it('writes a sign-in link (no business) to the log and never stores it', async () => {
    const client = outbox()
    await client.send({ to: 'owner@sparkle.test', subject: 'Your sign-in link', text: 'Sign in: http://x/auth/verify?token=SECRET123' })
    expect(logged.some((l) => l.includes('SECRET123'))).toBe(true)
    const stored = await t.admin.query(`select count(*)::int as n from email_outbox where text_body like '%SECRET123%'`)
    expect(stored.rows[0]).toEqual({ n: 0 })
  })
})
