import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { syncGoogleAccount } from '../../../core/domains/google/sync/sync-account.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { type GoogleFixture, googleFixture } from '../../helpers/google.js'
import { emailInteractions, gmailBusiness } from './gmail-fixtures.js'

const DAY = 86_400_000

describe.each(engines)("the owner's Gmail on the timeline (%s)", (engine) => {
  let google: GoogleFixture
  let app: TestApp

  beforeAll(async () => {
    google = await googleFixture()
    app = await startTestApp(engine, google.services)
  })
  afterAll(async () => {
    await app?.close()
    await google?.close()
  })

  it("puts a customer's email and our reply on their timeline once, redacted, without attachments", async () => {
    const b = await gmailBusiness(app, google)
    const gmail = google.fake.gmail
    const jane = await b.act('contact', 'create', {
      display_name: 'Jane Smith',
      emails: [{ value: 'Jane@Example.com', primary: true }, { value: 'jane.work@corp.example' }],
    })
    // Mail from before the week read at the start stays out.
    gmail.deliver(b.account, {
      from: 'jane@example.com',
      to: b.account,
      subject: 'Old',
      text: 'old news',
      date: new Date(Date.now() - 20 * DAY),
    })
    // The last week's mail is read at the start, then Gmail's history from the profile's history id.
    gmail.deliver(b.account, {
      from: 'jane@example.com',
      to: b.account,
      subject: 'Last week',
      text: 'recent',
      date: new Date(Date.now() - 2 * DAY),
    })
    const first = await b.sync()
    expect(first).toMatchObject({ interactions: 1, leads: 0 })
    expect((await emailInteractions(b)).map((i) => i.subject)).toEqual(['Last week'])
    expect(google.fake.requests.some((r) => r.path.endsWith('/profile') && r.account === b.account)).toBe(true)

    const sentAt = new Date(Date.now() - 60_000)
    const incoming = gmail.deliver(b.account, {
      from: 'Jane Smith <jane@example.com>',
      to: b.account,
      subject: 'Gutters next week?',
      text: 'Hi! Could you do the gutters next week? My card is 4111 1111 1111 1111 if you need it.',
      attachments: [{ filename: 'roof.jpg', mimeType: 'image/jpeg', content: 'JPEG-SECRET-BYTES' }],
      date: sentAt,
    })
    const second = await b.sync()
    expect(second).toMatchObject({ interactions: 1, leads: 0 })
    const inbound = (await emailInteractions(b))[1]
    expect(inbound).toMatchObject({
      contact_id: jane.id,
      kind: 'email',
      direction: 'inbound',
      subject: 'Gutters next week?',
      author_type: 'system',
    })
    expect(new Date(inbound.occurred_at).getTime()).toBe(sentAt.getTime())
    expect(inbound.summary).toContain('Could you do the gutters next week?')
    expect(inbound.summary).toContain('[REDACTED]')
    expect(inbound.summary).not.toContain('4111')
    expect(JSON.stringify(await b.sql('select * from interactions'))).not.toContain('JPEG-SECRET-BYTES')
    expect(await b.sql('select * from documents')).toEqual([])
    // The attachment was never asked for.
    expect(google.fake.requests.some((r) => r.path.includes('/attachments'))).toBe(false)

    gmail.send(b.account, {
      to: 'Jane Smith <jane@example.com>',
      subject: 'Re: Gutters next week?',
      text: 'Tuesday at 9 works.\n\nOn Mon, Jane Smith wrote:\n> Hi! Could you do the gutters next week?',
      replyTo: incoming.id,
    })
    gmail.deliver(b.account, { from: 'jane.work@corp.example', to: b.account, subject: 'From work', text: 'Also the office windows.' })
    const third = await b.sync()
    expect(third).toMatchObject({ interactions: 2, leads: 0 })
    const all = await emailInteractions(b)
    expect(all.map((i) => [i.direction, i.subject, i.contact_id])).toEqual([
      ['inbound', 'Last week', jane.id],
      ['inbound', 'Gutters next week?', jane.id],
      ['outbound', 'Re: Gutters next week?', jane.id],
      ['inbound', 'From work', jane.id],
    ])
    expect(all[2].summary).toBe('Tuesday at 9 works.')

    const timeline = await b.sql('select count(*)::int as n from gmail_messages')
    expect(timeline[0].n).toBe(4)
    expect(await b.sync()).toMatchObject({ interactions: 0, leads: 0 })
    expect(await emailInteractions(b)).toHaveLength(4)
  })

  it('makes a lead of an unknown sender asking for a quote, and puts the conversation after it on the lead', async () => {
    const b = await gmailBusiness(app, google)
    const gmail = google.fake.gmail
    await b.sync()
    const ask = gmail.deliver(b.account, {
      from: '"Pat Lee" <pat.lee@example.net>',
      to: b.account,
      subject: 'Quote for windows',
      text: 'Hello, could I get a quote for cleaning 24 windows on a two-story house at 12 Oak St, Huntsville?',
    })
    expect(await b.sync()).toMatchObject({ leads: 1, interactions: 0 })
    const [lead] = await b.sql('select * from leads')
    expect(lead).toMatchObject({ status: 'new', email: 'pat.lee@example.net', name: 'Pat Lee', source: 'email' })
    expect(lead.raw_notes).toContain('Subject: Quote for windows')
    expect(lead.raw_notes).toContain('could I get a quote for cleaning 24 windows')
    expect(lead.raw_notes).toContain('pat.lee@example.net')

    const answer = gmail.send(b.account, { to: 'pat.lee@example.net', subject: 'Re: Quote for windows', text: '$180.', replyTo: ask.id })
    gmail.deliver(b.account, {
      from: 'pat.lee@example.net',
      to: b.account,
      subject: 'Re: Quote for windows',
      text: 'Book it!',
      replyTo: answer.id,
    })
    expect(await b.sync()).toMatchObject({ leads: 0, interactions: 2 })
    expect(await b.sql('select count(*)::int as n from leads')).toEqual([{ n: 1 }])
    const onLead = await emailInteractions(b)
    expect(onLead.map((i) => [i.lead_id, i.direction, i.summary])).toEqual([
      [lead.id, 'outbound', '$180.'],
      [lead.id, 'inbound', 'Book it!'],
    ])
  })

  it('leaves newsletters, automatic mail and replies to our own notifications alone', async () => {
    const b = await gmailBusiness(app, google)
    const gmail = google.fake.gmail
    const bob = await b.act('contact', 'create', { display_name: 'Bob Ray', email: 'bob@example.com' })
    await b.sql(
      `insert into scheduled_messages (tenant_id, contact_id, kind, subject, body, send_at, status, sent_at)
       values (app_tenant(), $1, 'confirmation', 'Your window cleaning is confirmed for Friday', 'See you', now(), 'sent', now())`,
      [bob.id],
    )
    await b.sync()
    const to = b.account
    gmail.deliver(b.account, {
      from: 'Deals <deals@shop.example>',
      to,
      subject: 'Get a quote on new gutters',
      text: '50% off',
      headers: { 'List-Unsubscribe': '<mailto:unsubscribe@shop.example>' },
    })
    gmail.deliver(b.account, { from: 'news@brand.example', to, subject: 'Our news', text: 'Hello', labels: ['CATEGORY_PROMOTIONS'] })
    gmail.deliver(b.account, { from: 'no-reply@service.example', to, subject: 'Your receipt', text: 'Thanks' })
    gmail.deliver(b.account, {
      from: 'away@example.org',
      to,
      subject: 'Out of office',
      text: 'Away',
      headers: { 'Auto-Submitted': 'auto-replied' },
    })
    gmail.deliver(b.account, {
      from: 'Bob Ray Jr <bobjr@example.org>',
      to,
      subject: 'RE: Your window cleaning is confirmed for Friday',
      text: 'Dad asked me to say thanks.',
      headers: { 'In-Reply-To': '<confirmation@sparkle.example>' },
    })
    // Mail to a list the owner is on, the business not addressed.
    gmail.deliver(b.account, { from: 'someone@example.org', to: 'neighbours@example.org', subject: 'Anyone clean windows?', text: 'Ask' })
    // The owner writing to someone who is not a customer.
    gmail.send(b.account, { to: 'supplier@example.org', subject: 'Squeegees', text: 'Ten please' })
    const report = await b.sync()
    expect(report).toMatchObject({ leads: 0, interactions: 0, skipped: 7 })
    expect(await b.sql('select * from leads')).toEqual([])
    expect(await emailInteractions(b)).toEqual([])

    // Bob's own answer to the notification is a conversation with a customer all the same.
    gmail.deliver(b.account, { from: 'bob@example.com', to, subject: 'Re: Your window cleaning is confirmed for Friday', text: 'Thanks!' })
    expect(await b.sync()).toMatchObject({ interactions: 1, leads: 0 })
  })

  it('starts again from a new point when Google forgot the history, missing nothing and doubling nothing', async () => {
    const b = await gmailBusiness(app, google)
    const gmail = google.fake.gmail
    const ann = await b.act('contact', 'create', { display_name: 'Ann Cole', email: 'ann@example.com' })
    await b.sync()
    gmail.deliver(b.account, { from: 'ann@example.com', to: b.account, subject: 'One', text: 'first' })
    expect(await b.sync()).toMatchObject({ interactions: 1 })
    gmail.deliver(b.account, { from: 'ann@example.com', to: b.account, subject: 'Two', text: 'second' })
    gmail.expireHistory(b.account)
    gmail.deliver(b.account, { from: 'ann@example.com', to: b.account, subject: 'Three', text: 'third' })
    gmail.send(b.account, { to: 'ann@example.com', subject: 'Four', text: 'fourth' })
    const listed = google.fake.requests.length
    const resync = await b.sync()
    expect(resync).toMatchObject({ interactions: 3, resynced: 1 })
    const asked = google.fake.requests.slice(listed)
    expect(asked.some((r) => r.path.endsWith('/history') && r.account === b.account)).toBe(true)
    expect(asked.some((r) => r.path.endsWith('/messages') && /^after:\d+$/.test(r.query.q ?? ''))).toBe(true)
    const subjects = (await emailInteractions(b)).map((i) => i.subject)
    expect(subjects).toEqual(['One', 'Two', 'Three', 'Four'])
    expect((await emailInteractions(b)).every((i) => i.contact_id === ann.id)).toBe(true)
    const [box] = await b.sql('select resyncs, history_id from gmail_mailboxes')
    expect(box.resyncs).toBe(1)

    gmail.deliver(b.account, { from: 'ann@example.com', to: b.account, subject: 'Five', text: 'fifth' })
    expect(await b.sync()).toMatchObject({ interactions: 1, resynced: 0 })
    expect((await emailInteractions(b)).map((i) => i.subject)).toEqual(['One', 'Two', 'Three', 'Four', 'Five'])
  })

  it('reads every page of history, and waits out 429s; after a failed sync the next one reads what was left', async () => {
    const b = await gmailBusiness(app, google)
    const gmail = google.fake.gmail
    await b.act('contact', 'create', { display_name: 'Cy Dee', email: 'cy@example.com' })
    await b.sync()
    for (const n of [1, 2, 3, 4, 5])
      gmail.deliver(b.account, { from: 'cy@example.com', to: b.account, subject: `Note ${n}`, text: `n${n}` })
    gmail.maxPage = 2
    try {
      const throttled = google.fake.counts.throttled
      google.fake.failNext(429)
      expect(await b.sync()).toMatchObject({ interactions: 5 })
      expect(google.fake.counts.throttled).toBe(throttled + 1)
      const pages = google.fake.requests.filter((r) => r.path.endsWith('/history') && r.account === b.account && r.query.pageToken)
      expect(pages.length).toBeGreaterThanOrEqual(2)

      gmail.deliver(b.account, { from: 'cy@example.com', to: b.account, subject: 'Note 6', text: 'n6' })
      // More 429s than the client waits out: the sync fails and keeps its start point.
      for (let i = 0; i < 4; i++) google.fake.failNext(429)
      await expect(b.sync()).rejects.toMatchObject({ status: 429 })
      expect(await b.sync()).toMatchObject({ interactions: 1 })
      expect((await emailInteractions(b)).map((i) => i.subject)).toEqual(['Note 1', 'Note 2', 'Note 3', 'Note 4', 'Note 5', 'Note 6'])
    } finally {
      gmail.maxPage = Number.POSITIVE_INFINITY
    }
  })

  it("makes an email that reached two owners' mailboxes once", async () => {
    const b = await gmailBusiness(app, google)
    const gmail = google.fake.gmail
    const [second] = await b.sql(
      `insert into users (tenant_id, email, name, role) values (app_tenant(), 'partner@sparkle.example', 'Partner', 'owner') returning id`,
    )
    const other = await google.connect(app.t.db, b.tenantId, second.id, ['gmail'], 'partner-gmail@sparkle.example')
    const eve = await b.act('contact', 'create', { display_name: 'Eve Gold', email: 'eve@example.com' })
    await b.sync()
    await syncGoogleAccount(app.services, b.tenantId, second.id, randomUUID())
    const mail = {
      from: 'eve@example.com',
      to: `${b.account}, ${other}`,
      subject: 'Both of you',
      text: 'Hi both',
      messageId: '<both-1@example.com>',
    }
    gmail.deliver(b.account, mail)
    gmail.deliver(other, mail)
    expect(await b.sync()).toMatchObject({ interactions: 1 })
    const theirs = await syncGoogleAccount(app.services, b.tenantId, second.id, randomUUID())
    expect(theirs.steps.gmail).toMatchObject({ interactions: 0, skipped: 1 })
    expect((await emailInteractions(b)).map((i) => [i.subject, i.contact_id])).toEqual([['Both of you', eve.id]])
  })

  it('reads only the labels the owner chose, and says which exist', async () => {
    const b = await gmailBusiness(app, google)
    const gmail = google.fake.gmail
    const label = gmail.addLabel(b.account, 'Customers')
    await b.act('contact', 'create', { display_name: 'Dot Fay', email: 'dot@example.com' })
    await b.sync()
    const chosen = await b.act('google', 'choose_gmail_labels', { labels: ['customers'] })
    expect(chosen.labels).toEqual([{ id: label, name: 'Customers' }])
    expect(await b.sql('select labels from gmail_mailboxes')).toEqual([{ labels: [label] }])
    await expect(b.act('google', 'choose_gmail_labels', { labels: ['Nope', 'SPAM'] })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    })
    gmail.deliver(b.account, { from: 'dot@example.com', to: b.account, subject: 'Inbox only', text: 'a' })
    gmail.deliver(b.account, { from: 'dot@example.com', to: b.account, subject: 'Labelled', text: 'b', labels: [label] })
    expect(await b.sync()).toMatchObject({ interactions: 1 })
    expect((await emailInteractions(b)).map((i) => i.subject)).toEqual(['Labelled'])
    const read = await app.query({ type: 'gmail_mailbox' }, b.agentToken)
    expect(read.body.data.items).toEqual([
      expect.objectContaining({
        id: b.ownerId,
        google_email: b.account,
        labels: [{ id: label, name: 'Customers' }],
        available: expect.arrayContaining([{ id: label, name: 'Customers', type: 'user' }]),
        interactions: 1,
        leads: 0,
      }),
    ])
    const queued = await app.action(
      'google',
      'choose_gmail_labels',
      { labels: ['INBOX'] },
      { token: b.agentToken, reasoning: 'Read the inbox' },
    )
    expect(queued.status).toBe(202)
  })
})
