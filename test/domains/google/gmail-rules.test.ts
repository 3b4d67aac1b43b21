import { describe, expect, it } from 'vitest'
import { bodyText, type GmailMessageResource, headerOf, plainSnippet } from '../../../core/domains/google/gmail-message.js'
import { bulkTabReason } from '../../../core/domains/google/gmail-rules.js'
import { addressedTo, automatedReason, isReply, ownDomainOf, subjectCore } from '../../../core/domains/interactions/email/rules.js'
import { addressesOf } from '../../../core/domains/interactions/email/words.js'

const b64 = (text: string) => Buffer.from(text).toString('base64url')

function message(headers: Record<string, string>, labelIds: string[] = ['INBOX']): GmailMessageResource {
  return { id: 'm1', threadId: 't1', labelIds, payload: { headers: Object.entries(headers).map(([name, value]) => ({ name, value })) } }
}

/** A message's header reader, as the shared email rules take it. */
const headers = (h: Record<string, string>) => (name: string) => headerOf(message(h), name)

describe("reading a Gmail message's words and headers", () => {
  it('reads addresses with names, quoted commas and odd case, and skips what is not an address', () => {
    expect(addressesOf('"Lee, Pat" <Pat@Example.NET>, bob@example.com, undisclosed-recipients:;')).toEqual([
      { address: 'pat@example.net', name: 'Lee, Pat' },
      { address: 'bob@example.com', name: null },
    ])
    expect(addressesOf(null)).toEqual([])
  })

  it('takes the text part without the quoted earlier message, else the HTML as text, never an attachment', () => {
    const withText: GmailMessageResource = {
      id: 'a',
      threadId: 'a',
      payload: {
        mimeType: 'multipart/mixed',
        parts: [
          {
            mimeType: 'multipart/alternative',
            parts: [
              { mimeType: 'text/plain', body: { data: b64('Yes, Friday.\n\nOn Tue, Nov 24, 2026, Jane wrote:\n> Can you come?') } },
              { mimeType: 'text/html', body: { data: b64('<p>Yes, Friday.</p>') } },
            ],
          },
          { mimeType: 'text/plain', filename: 'notes.txt', body: { attachmentId: 'x', size: 4 } },
        ],
      },
    }
    expect(bodyText(withText)).toBe('Yes, Friday.')
    const htmlOnly: GmailMessageResource = {
      id: 'b',
      threadId: 'b',
      payload: {
        mimeType: 'text/html',
        body: { data: b64('<style>p{}</style><p>Two&nbsp;floors &amp; 24 windows</p><blockquote>old</blockquote><br>Thanks') },
      },
    }
    expect(bodyText(htmlOnly)).toBe('Two floors & 24 windows\n\nThanks')
    expect(plainSnippet('It&#39;s &quot;two&quot; floors')).toBe('It\'s "two" floors')
  })

  it('tells bulk and automatic mail from a person writing', () => {
    expect(automatedReason(headers({ 'List-Unsubscribe': '<mailto:u@x.com>' }), 'a@x.com')).toBe('newsletter')
    expect(automatedReason(headers({ 'List-Id': '<list.x.com>' }), 'a@x.com')).toBe('newsletter')
    expect(automatedReason(headers({ Precedence: 'bulk' }), 'a@x.com')).toBe('newsletter')
    expect(automatedReason(headers({ 'Auto-Submitted': 'auto-replied' }), 'a@x.com')).toBe('automated')
    expect(automatedReason(headers({ 'Auto-Submitted': 'no' }), 'a@x.com')).toBeNull()
    expect(automatedReason(headers({}), 'no-reply@x.com')).toBe('automated')
    expect(automatedReason(headers({}), 'notifications+abc@x.com')).toBe('automated')
    expect(bulkTabReason(message({}, ['INBOX', 'CATEGORY_UPDATES']))).toBe('newsletter')
    expect(bulkTabReason(message({}, ['INBOX', 'CATEGORY_PERSONAL']))).toBeNull()
    expect(automatedReason(headers({}), 'noah@x.com')).toBeNull()
  })

  it('knows a reply, the subject of a conversation, the business among the recipients, and a public mail domain', () => {
    expect(subjectCore('RE: Fwd:  Re[2]: Your  visit on Friday')).toBe('your visit on friday')
    expect(isReply(headers({}), 'Re: hi')).toBe(true)
    expect(isReply(headers({ 'In-Reply-To': '<a@b>' }), 'hi')).toBe(true)
    expect(isReply(headers({}), 'Quote')).toBe(false)
    const ours = new Set(['owner@sparkle.example'])
    expect(addressedTo(addressesOf('x@y.com, Owner <Owner@Sparkle.example>'), ours)).toBe(true)
    expect(addressedTo(addressesOf('list@y.com'), ours)).toBe(false)
    expect(ownDomainOf('owner@gmail.com')).toBeNull()
    expect(ownDomainOf('owner@sparkle.example')).toBe('sparkle.example')
  })
})
