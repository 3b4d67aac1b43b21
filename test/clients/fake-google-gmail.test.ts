import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GOOGLE_SCOPES, type GoogleCaller } from '../../core/clients/google.js'
import { type FakeGoogle, startFakeGoogle } from '../helpers/fake-google.js'
import { consentedTokens, googleClientFor } from './google-connect.js'

const GMAIL = 'https://gmail.googleapis.com/gmail/v1/users/me'

let fake: FakeGoogle

beforeAll(async () => {
  fake = await startFakeGoogle()
})
afterAll(() => fake.close())

/** A caller for an account that granted these scopes. */
async function callerFor(email: string, scopes: string[] = [GOOGLE_SCOPES.gmail]): Promise<GoogleCaller> {
  const client = googleClientFor(fake)
  const tokens = await consentedTokens(fake, client, email, scopes)
  return client.caller(email, { accessToken: async () => tokens.accessToken, afterUnauthorized: async () => tokens.accessToken })
}

const decode = (data: string) => Buffer.from(data, 'base64url').toString('utf8')

describe('the fake Gmail API v1', () => {
  it('answers the profile with the address and a history id, and lists system and user labels', async () => {
    const gmail = await callerFor('owner1@example.com')
    const label = fake.gmail.addLabel('owner1@example.com', 'Customers')
    const profile = await gmail.call('GET', `${GMAIL}/profile`)
    expect(profile).toMatchObject({ emailAddress: 'owner1@example.com', messagesTotal: 0 })
    expect(profile.historyId).toMatch(/^\d+$/)
    const { labels } = await gmail.call('GET', `${GMAIL}/labels`)
    expect(labels).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'INBOX', type: 'system' }),
        expect.objectContaining({ id: 'SENT', type: 'system' }),
        expect.objectContaining({ id: label, name: 'Customers', type: 'user' }),
      ]),
    )
  })

  it('refuses a token without a Gmail scope, as Google does', async () => {
    const calendarOnly = await callerFor('tech1@example.com', [GOOGLE_SCOPES.calendar])
    await expect(calendarOnly.call('GET', `${GMAIL}/profile`)).rejects.toMatchObject({ status: 403, reason: 'insufficientPermissions' })
  })

  it('lists messages added since a history id, by label, page by page, with the current history id', async () => {
    const account = 'owner2@example.com'
    const gmail = await callerFor(account)
    const start = (await gmail.call('GET', `${GMAIL}/profile`)).historyId
    const first = fake.gmail.deliver(account, { from: 'Jane <jane@example.com>', to: account, subject: 'Windows', text: 'Hello' })
    const sent = fake.gmail.send(account, { to: 'jane@example.com', subject: 'Re: Windows', text: 'Sure', replyTo: first.id })
    fake.gmail.deliver(account, { from: 'news@shop.example', to: account, subject: 'Sale', html: '<p>50% off</p>' })

    const all = await gmail.call('GET', `${GMAIL}/history`, { query: { startHistoryId: start, historyTypes: 'messageAdded' } })
    expect(all.history.map((h: any) => h.messagesAdded[0].message.id)).toHaveLength(3)
    expect(all.history[1].messagesAdded[0].message).toEqual({ id: sent.id, threadId: first.id, labelIds: ['SENT'] })
    expect(Number(all.historyId)).toBeGreaterThan(Number(start))
    expect(all.nextPageToken).toBeUndefined()

    const sentOnly = await gmail.call('GET', `${GMAIL}/history`, { query: { startHistoryId: start, labelId: 'SENT' } })
    expect(sentOnly.history.map((h: any) => h.messagesAdded[0].message.id)).toEqual([sent.id])

    const page1 = await gmail.call('GET', `${GMAIL}/history`, { query: { startHistoryId: start, maxResults: 2 } })
    expect(page1.history).toHaveLength(2)
    const page2 = await gmail.call('GET', `${GMAIL}/history`, {
      query: { startHistoryId: start, maxResults: 2, pageToken: page1.nextPageToken },
    })
    expect(page2.history).toHaveLength(1)
    expect(page2.nextPageToken).toBeUndefined()

    const nothing = await gmail.call('GET', `${GMAIL}/history`, { query: { startHistoryId: all.historyId } })
    expect(nothing.history).toBeUndefined()
    expect(nothing.historyId).toBe(all.historyId)
  })

  it('answers 404 notFound for a start point Google no longer keeps, and a new start from the profile works', async () => {
    const account = 'owner3@example.com'
    const gmail = await callerFor(account)
    const start = (await gmail.call('GET', `${GMAIL}/profile`)).historyId
    fake.gmail.deliver(account, { from: 'a@example.com', to: account, subject: 'One', text: 'one' })
    fake.gmail.expireHistory(account)
    await expect(gmail.call('GET', `${GMAIL}/history`, { query: { startHistoryId: start } })).rejects.toMatchObject({
      status: 404,
      reason: 'notFound',
      retryable: false,
    })
    const again = (await gmail.call('GET', `${GMAIL}/profile`)).historyId
    const later = fake.gmail.deliver(account, { from: 'b@example.com', to: account, subject: 'Two', text: 'two' })
    const after = await gmail.call('GET', `${GMAIL}/history`, { query: { startHistoryId: again } })
    expect(after.history.map((h: any) => h.messagesAdded[0].message.id)).toEqual([later.id])
    await expect(gmail.call('GET', `${GMAIL}/history`, { query: { startHistoryId: 'abc' } })).rejects.toMatchObject({ status: 400 })
  })

  it('gives a message in full (headers, base64url parts, attachments without data) and as metadata only', async () => {
    const account = 'owner4@example.com'
    const gmail = await callerFor(account)
    const m = fake.gmail.deliver(account, {
      from: 'Jane Smith <jane@example.com>',
      to: account,
      subject: 'Quote please',
      text: "Hi, it's Jane. Two-story house.",
      html: "<p>Hi, it's Jane. Two-story house.</p>",
      headers: { 'List-Unsubscribe': '<mailto:x@example.com>' },
      attachments: [{ filename: 'house.jpg', mimeType: 'image/jpeg', content: 'JPEGBYTES' }],
      date: new Date('2026-11-20T15:04:05Z'),
    })
    const full = await gmail.call('GET', `${GMAIL}/messages/${m.id}`, { query: { format: 'full' } })
    expect(full).toMatchObject({
      id: m.id,
      threadId: m.id,
      labelIds: expect.arrayContaining(['INBOX']),
      internalDate: String(Date.parse('2026-11-20T15:04:05Z')),
    })
    expect(full.snippet).toBe('Hi, it&#39;s Jane. Two-story house.')
    const header = (name: string) => full.payload.headers.find((h: any) => h.name === name)?.value
    expect(header('From')).toBe('Jane Smith <jane@example.com>')
    expect(header('Subject')).toBe('Quote please')
    expect(header('Message-ID')).toMatch(/^<.+@.+>$/)
    expect(header('List-Unsubscribe')).toBe('<mailto:x@example.com>')
    expect(full.payload.mimeType).toBe('multipart/mixed')
    const [alternative, file] = full.payload.parts
    expect(alternative.parts.map((p: any) => p.mimeType)).toEqual(['text/plain', 'text/html'])
    expect(decode(alternative.parts[0].body.data)).toBe("Hi, it's Jane. Two-story house.")
    expect(file).toMatchObject({ filename: 'house.jpg', body: { attachmentId: expect.any(String), size: 9 } })
    expect(file.body.data).toBeUndefined()

    const meta = await gmail.call('GET', `${GMAIL}/messages/${m.id}`, {
      query: { format: 'metadata', metadataHeaders: ['From', 'Subject'] },
    })
    expect(meta.payload.headers.map((h: any) => h.name)).toEqual(['From', 'Subject'])
    expect(meta.payload.parts).toBeUndefined()
    expect(meta.snippet).toBe(full.snippet)

    await expect(gmail.call('GET', `${GMAIL}/messages/nope`, { query: { format: 'full' } })).rejects.toMatchObject({ status: 404 })
  })

  it('lists messages newest first by label and by after: (epoch seconds), and refuses a search it does not understand', async () => {
    const account = 'owner5@example.com'
    const gmail = await callerFor(account)
    const old = fake.gmail.deliver(account, {
      from: 'a@example.com',
      to: account,
      subject: 'Old',
      text: 'x',
      date: new Date('2026-11-01T00:00:00Z'),
    })
    const mid = fake.gmail.deliver(account, {
      from: 'b@example.com',
      to: account,
      subject: 'Mid',
      text: 'x',
      date: new Date('2026-11-10T00:00:00Z'),
    })
    const out = fake.gmail.send(account, { to: 'c@example.com', subject: 'Out', text: 'x', date: new Date('2026-11-11T00:00:00Z') })
    const inbox = await gmail.call('GET', `${GMAIL}/messages`, { query: { labelIds: 'INBOX' } })
    expect(inbox.messages.map((x: any) => x.id)).toEqual([mid.id, old.id])
    const since = Math.floor(Date.parse('2026-11-05T00:00:00Z') / 1000)
    const recent = await gmail.call('GET', `${GMAIL}/messages`, { query: { q: `after:${since}` } })
    expect(recent.messages.map((x: any) => x.id)).toEqual([out.id, mid.id])
    const paged = await gmail.call('GET', `${GMAIL}/messages`, { query: { maxResults: 1 } })
    expect(paged.messages).toHaveLength(1)
    expect(paged.nextPageToken).toBeTruthy()
    await expect(gmail.call('GET', `${GMAIL}/messages`, { query: { q: 'from:jane' } })).rejects.toMatchObject({ status: 400 })
  })

  it('answers 429 when told to, and the client waits and tries again', async () => {
    const account = 'owner6@example.com'
    const gmail = await callerFor(account)
    const throttled = fake.counts.throttled
    fake.failNext(429)
    const profile = await gmail.call('GET', `${GMAIL}/profile`)
    expect(profile.emailAddress).toBe(account)
    expect(fake.counts.throttled).toBe(throttled + 1)
    expect(gmail.stats.retries).toBe(1)
  })
})
