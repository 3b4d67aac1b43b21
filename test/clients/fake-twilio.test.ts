import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getExpectedTwilioSignature, validateRequest } from 'twilio/lib/webhooks/webhooks.js'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type FakeTwilio, startFakeTwilio, twilioSignature } from '../helpers/fake-twilio.js'

/** One webhook post the receiver got, with whether Twilio's own library accepts its signature. */
interface Received {
  path: string
  params: Record<string, string>
  signature: string
  valid: boolean
}

const RFC_2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/

describe("Twilio's fake", () => {
  let fake: FakeTwilio
  let receiver: Server
  let receiverUrl: string
  const received: Received[] = []

  beforeAll(async () => {
    fake = await startFakeTwilio()
    // Stands in for the product: checks every post with Twilio's library over the URL it was posted to.
    receiver = createServer((req, res) => {
      let raw = ''
      req.setEncoding('utf8')
      req.on('data', (chunk) => (raw += chunk))
      req.on('end', () => {
        const params = Object.fromEntries(new URLSearchParams(raw))
        const signature = String(req.headers['x-twilio-signature'] ?? '')
        const valid = validateRequest(fake.authToken, signature, `${receiverUrl}${req.url}`, params)
        received.push({ path: req.url ?? '', params, signature, valid })
        if (!valid) return res.writeHead(403, { 'content-type': 'text/plain' }).end('forged')
        if (req.url === '/sms')
          return res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response><Message>Got it</Message></Response>')
        res.writeHead(204).end()
      })
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await fake.close()
    receiver.closeAllConnections()
    await new Promise((resolve) => receiver.close(resolve))
  })
  beforeEach(() => {
    fake.reset()
    received.length = 0
  })

  const basic = (user = fake.accountSid, pass = fake.authToken) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`
  const account = () => `${fake.url}/2010-04-01/Accounts/${fake.accountSid}`
  const send = async (fields: Record<string, string> | Array<[string, string]>, authorization: string | null = basic()) => {
    const res = await fetch(`${account()}/Messages.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) },
      body: new URLSearchParams(fields).toString(),
    })
    return { status: res.status, body: (await res.json()) as Record<string, any> }
  }
  const get = async (path: string, authorization = basic()) => {
    const res = await fetch(`${account()}/${path}`, { headers: { authorization } })
    return { status: res.status, body: (await res.json()) as Record<string, any> }
  }
  const text = { To: '+12565550142', From: '+12565550100', Body: 'Your window cleaner arrives at 9:20.' }
  const twilioError = (status: number, code: number, message: string) => ({
    code,
    message,
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status,
  })

  it("answers a send 201 with Twilio's Message resource, and serves it by sid and in the list, newest first", async () => {
    const sent = await send(text)
    expect(sent.status).toBe(201)
    const sid = sent.body.sid as string
    expect(sid).toMatch(/^SM[0-9a-f]{32}$/)
    expect(sent.body).toEqual({
      account_sid: fake.accountSid,
      api_version: '2010-04-01',
      body: text.Body,
      date_created: expect.stringMatching(RFC_2822),
      date_sent: null,
      date_updated: expect.stringMatching(RFC_2822),
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: text.From,
      messaging_service_sid: null,
      num_media: '0',
      num_segments: '1',
      price: null,
      price_unit: 'USD',
      sid,
      status: 'queued',
      subresource_uris: {
        media: `/2010-04-01/Accounts/${fake.accountSid}/Messages/${sid}/Media.json`,
        feedback: `/2010-04-01/Accounts/${fake.accountSid}/Messages/${sid}/Feedback.json`,
      },
      to: text.To,
      uri: `/2010-04-01/Accounts/${fake.accountSid}/Messages/${sid}.json`,
    })
    expect(fake.messages).toMatchObject([{ sid, to: text.To, from: text.From, body: text.Body, segments: 1, form: text }])

    expect(await get(`Messages/${sid}.json`)).toEqual({ status: 200, body: sent.body })
    const unknown = `SM${'f'.repeat(32)}`
    expect(await get(`Messages/${unknown}.json`)).toEqual({
      status: 404,
      body: twilioError(
        404,
        20404,
        `The requested resource /2010-04-01/Accounts/${fake.accountSid}/Messages/${unknown}.json was not found`,
      ),
    })

    const later = await send({ ...text, Body: 'A second one.' })
    await send({ ...text, To: '+12565550199' })
    const listed = await get(`Messages.json?To=${encodeURIComponent(text.To)}&PageSize=50`)
    expect(listed.status).toBe(200)
    expect(listed.body).toMatchObject({
      page: 0,
      page_size: 50,
      start: 0,
      end: 1,
      next_page_uri: null,
      previous_page_uri: null,
      first_page_uri: expect.stringContaining(`/2010-04-01/Accounts/${fake.accountSid}/Messages.json?`),
      uri: expect.stringContaining('PageSize=50'),
    })
    expect(listed.body.messages.map((m: { sid: string }) => m.sid)).toEqual([later.body.sid, sid])
    expect((await get(`Messages.json?From=${encodeURIComponent('+19995550000')}`)).body.messages).toEqual([])
  })

  it.each([
    ['160 GSM characters', 'a'.repeat(160), '1'],
    ['161 GSM characters', 'a'.repeat(161), '2'],
    ['306 GSM characters', 'a'.repeat(306), '2'],
    ['307 GSM characters', 'a'.repeat(307), '3'],
    ['80 extension characters (160 places)', '€'.repeat(80), '1'],
    ['81 extension characters (162 places)', '€'.repeat(81), '2'],
    ['70 UCS-2 characters', `ł${'a'.repeat(69)}`, '1'],
    ['71 UCS-2 characters', `ł${'a'.repeat(70)}`, '2'],
    ['134 UCS-2 characters', `ł${'a'.repeat(133)}`, '2'],
    ['135 UCS-2 characters', `ł${'a'.repeat(134)}`, '3'],
    ['an emoji counting two UTF-16 units', `😀${'a'.repeat(68)}`, '1'],
    ['a backtick, which GSM-7 lacks', `\`${'a'.repeat(70)}`, '2'],
  ])('counts %s as Twilio does', async (_, body, segments) => {
    const sent = await send({ ...text, Body: body })
    expect(sent.body.num_segments).toBe(segments)
  })

  it('sends from a Messaging Service: accepted, with no sender until delivery picks one', async () => {
    const service = `MG${'a'.repeat(32)}`
    const sent = await send({ To: text.To, MessagingServiceSid: service, Body: 'Hi' })
    expect(sent.status).toBe(201)
    expect(sent.body).toMatchObject({ status: 'accepted', from: null, messaging_service_sid: service })
    await fake.deliverCallbacks()
    expect((await get(`Messages/${sent.body.sid}.json`)).body).toMatchObject({
      status: 'delivered',
      from: expect.stringMatching(/^\+\d+$/),
    })
  })

  it('keeps repeated MediaUrl fields and takes a media-only send', async () => {
    const sent = await send([
      ['To', text.To],
      ['From', text.From],
      ['MediaUrl', 'https://crm.example/a.jpg'],
      ['MediaUrl', 'https://crm.example/b.jpg'],
    ])
    expect(sent.status).toBe(201)
    expect(fake.messages[0]).toMatchObject({
      body: '',
      mediaUrls: ['https://crm.example/a.jpg', 'https://crm.example/b.jpg'],
      form: { MediaUrl: ['https://crm.example/a.jpg', 'https://crm.example/b.jpg'] },
    })
  })

  it.each([
    ['no To', { From: text.From, Body: 'x' }, 21604, "A 'To' phone number is required."],
    ['no Body or MediaUrl', { To: text.To, From: text.From }, 21602, 'Message body is required.'],
    ['no From or MessagingServiceSid', { To: text.To, Body: 'x' }, 21603, "A 'From' phone number is required."],
    ['a To not in E.164', { ...text, To: '256-555-0142' }, 21211, "The 'To' number 256-555-0142 is not a valid phone number."],
    ['a To too short', { ...text, To: '+1234567' }, 21211, "The 'To' number +1234567 is not a valid phone number."],
  ])('refuses a send with %s: 400 and its Twilio code', async (_, fields, code, message) => {
    expect(await send(fields)).toEqual({ status: 400, body: twilioError(400, code, message) })
    expect(fake.messages).toEqual([])
    expect(fake.requests).toBe(1)
  })

  it('answers the scripted refusals by number, and a one-off failure once', async () => {
    fake.landline('+12565550111')
    fake.optedOut('+12565550122')
    expect(await send({ ...text, To: '+12565550111' })).toEqual({
      status: 400,
      body: twilioError(400, 21614, "'To' number is not a valid mobile number"),
    })
    expect(await send({ ...text, To: '+12565550122' })).toEqual({
      status: 400,
      body: twilioError(400, 21610, 'Attempt to send to unsubscribed recipient'),
    })
    fake.failNext(500, 20500, 'Internal Server Error')
    expect(await send(text)).toEqual({ status: 500, body: twilioError(500, 20500, 'Internal Server Error') })
    expect((await send(text)).status).toBe(201)
    expect(fake.messages.map((m) => m.to)).toEqual([text.To])
    expect(fake.requests).toBe(4)
  })

  it('answers the next sends 429 (20429) when rate limited, keeping none of them', async () => {
    fake.rateLimit(2)
    expect(await send(text)).toEqual({ status: 429, body: twilioError(429, 20429, 'Too Many Requests') })
    expect((await send(text)).status).toBe(429)
    expect((await send(text)).status).toBe(201)
    expect(fake.messages).toHaveLength(1)
    expect(fake.requests).toBe(3)
  })

  it('refuses missing or wrong keys 401 (20003), takes an API key, and answers 404 (20404) for another account', async () => {
    const authenticate = { status: 401, body: twilioError(401, 20003, 'Authenticate') }
    expect(await send(text, null)).toEqual(authenticate)
    expect(await send(text, basic(fake.accountSid, 'wrong'))).toEqual(authenticate)
    expect(await send(text, `Bearer ${fake.authToken}`)).toEqual(authenticate)
    expect((await send(text, basic(fake.apiKeySid, fake.apiKeySecret))).status).toBe(201)
    const other = `AC${'9'.repeat(32)}`
    const res = await fetch(`${fake.url}/2010-04-01/Accounts/${other}/Messages.json`, {
      method: 'POST',
      headers: { authorization: basic(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(text).toString(),
    })
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual(
      twilioError(404, 20404, `The requested resource /2010-04-01/Accounts/${other}/Messages.json was not found`),
    )
    expect(fake.messages).toHaveLength(1)
    expect(fake.requests).toBe(5)
  })

  it('posts signed status callbacks once per accepted text, and keeps each text’s last status', async () => {
    const statusCallback = `${receiverUrl}/status?tenant=t1`
    fake.unreachable('+12565550133')
    fake.failDelivery('+12565550144', 'failed', 30007, 'Message filtered')
    const ok = await send({ ...text, StatusCallback: statusCallback })
    const unreachable = await send({ ...text, To: '+12565550133', StatusCallback: statusCallback })
    const failed = await send({ ...text, To: '+12565550144', StatusCallback: statusCallback })
    const silent = await send(text)

    expect(await fake.deliverCallbacks()).toEqual([204, 204, 204, 204, 204])
    expect(received.every((r) => r.valid && r.path === '/status?tenant=t1')).toBe(true)
    const common = { AccountSid: fake.accountSid, ApiVersion: '2010-04-01', From: text.From }
    const callback = (sid: string, to: string, status: string, errorCode?: string) => ({
      ...common,
      To: to,
      MessageSid: sid,
      SmsSid: sid,
      SmsStatus: status,
      MessageStatus: status,
      ...(errorCode ? { ErrorCode: errorCode } : {}),
    })
    expect(received.map((r) => r.params)).toEqual([
      callback(ok.body.sid, text.To, 'sent'),
      callback(ok.body.sid, text.To, 'delivered'),
      callback(unreachable.body.sid, '+12565550133', 'sent'),
      callback(unreachable.body.sid, '+12565550133', 'undelivered', '30003'),
      callback(failed.body.sid, '+12565550144', 'failed', '30007'),
    ])
    expect(fake.messages.map((m) => [m.status, m.errorCode])).toEqual([
      ['delivered', null],
      ['undelivered', 30003],
      ['failed', 30007],
      ['delivered', null],
    ])
    expect((await get(`Messages/${unreachable.body.sid}.json`)).body).toMatchObject({
      status: 'undelivered',
      error_code: 30003,
      error_message: 'Unreachable destination handset',
      date_sent: expect.stringMatching(RFC_2822),
    })
    expect((await get(`Messages/${silent.body.sid}.json`)).body.status).toBe('delivered')
    expect(await fake.deliverCallbacks()).toEqual([])
  })

  it("posts an incoming text as Twilio does, signed so Twilio's library accepts it, and forged when asked", async () => {
    const answer = await fake.inbound(`${receiverUrl}/sms`, { from: '+12565550142', to: '+12565550100', body: 'C' })
    expect(answer).toEqual({ status: 200, contentType: 'text/xml', body: '<Response><Message>Got it</Message></Response>' })
    const [post] = received
    expect(post.valid).toBe(true)
    expect(Object.keys(post.params)).toEqual([
      'ToCountry',
      'ToState',
      'SmsMessageSid',
      'NumMedia',
      'ToCity',
      'FromZip',
      'SmsSid',
      'FromState',
      'SmsStatus',
      'FromCity',
      'Body',
      'FromCountry',
      'To',
      'ToZip',
      'NumSegments',
      'MessageSid',
      'AccountSid',
      'From',
      'ApiVersion',
    ])
    expect(post.params).toMatchObject({
      MessageSid: expect.stringMatching(/^SM[0-9a-f]{32}$/),
      SmsStatus: 'received',
      NumMedia: '0',
      NumSegments: '1',
      Body: 'C',
      From: '+12565550142',
      To: '+12565550100',
      AccountSid: fake.accountSid,
      ApiVersion: '2010-04-01',
    })
    expect(post.params.SmsSid).toBe(post.params.MessageSid)

    const forged = await fake.inbound(`${receiverUrl}/sms`, { from: '+12565550142', to: '+12565550100', body: 'STOP' }, { forge: true })
    expect(forged.status).toBe(403)
    expect(received[1].valid).toBe(false)

    const proxied = 'https://crm.example/api/webhooks/texts'
    const moved = await fake.inbound(`${receiverUrl}/sms`, { from: '+12565550142', to: '+12565550100', body: 'R' }, { signUrl: proxied })
    expect(moved.status).toBe(403)
    expect(validateRequest(fake.authToken, received[2].signature, proxied, received[2].params)).toBe(true)
  })

  it('posts an MMS whose media URLs serve the files only with the account’s keys', async () => {
    const photo = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])
    const answer = await fake.inbound(`${receiverUrl}/sms`, {
      from: '+12565550142',
      to: '+12565550100',
      body: '',
      messagingServiceSid: `MG${'b'.repeat(32)}`,
      media: [
        { contentType: 'image/jpeg', bytes: photo },
        { contentType: 'application/pdf', bytes: Buffer.from('%PDF-1.4') },
      ],
    })
    expect(answer.status).toBe(200)
    const { params, valid } = received[0]
    expect(valid).toBe(true)
    expect(params).toMatchObject({
      NumMedia: '2',
      MediaContentType0: 'image/jpeg',
      MediaContentType1: 'application/pdf',
      MessagingServiceSid: `MG${'b'.repeat(32)}`,
    })
    expect(params.MessageSid).toMatch(/^MM[0-9a-f]{32}$/)
    expect(params.MediaUrl0).toMatch(
      new RegExp(`^${fake.url}/2010-04-01/Accounts/${fake.accountSid}/Messages/${params.MessageSid}/Media/ME[0-9a-f]{32}$`),
    )

    const anonymous = await fetch(params.MediaUrl0)
    expect(anonymous.status).toBe(401)
    expect(await anonymous.json()).toEqual(twilioError(401, 20003, 'Authenticate'))
    expect((await fetch(params.MediaUrl0, { headers: { authorization: basic(fake.accountSid, 'wrong') } })).status).toBe(401)
    const file = await fetch(params.MediaUrl0, { headers: { authorization: basic() } })
    expect(file.status).toBe(200)
    expect(file.headers.get('content-type')).toBe('image/jpeg')
    expect(Buffer.from(await file.arrayBuffer())).toEqual(photo)
    const second = await fetch(params.MediaUrl1, { headers: { authorization: basic() } })
    expect([second.headers.get('content-type'), await second.text()]).toEqual(['application/pdf', '%PDF-1.4'])
  })

  it("signs as Twilio's library computes it, query string and repeated names included", () => {
    const url = 'https://crm.example/api/webhooks/texts?tenant=t1&x=%27'
    const params = { To: '+12565550100', Body: 'Hi there & “you”', MediaUrl: ['https://b.example/2', 'https://a.example/1'], a: '1' }
    expect(twilioSignature('token', url, params)).toBe(getExpectedTwilioSignature('token', url, params))
    expect(twilioSignature('token', url, {})).toBe(getExpectedTwilioSignature('token', url, {}))
    expect(validateRequest('token', twilioSignature('token', url, params), url, params)).toBe(true)
    expect(validateRequest('token', twilioSignature('other', url, params), url, params)).toBe(false)
  })

  it('forgets everything on reset', async () => {
    fake.landline(text.To)
    fake.rateLimit(5)
    await send(text)
    fake.reset()
    expect([fake.messages.length, fake.requests]).toEqual([0, 0])
    expect((await send(text)).status).toBe(201)
  })
})
