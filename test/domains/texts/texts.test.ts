import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deliverDue } from '../../../core/jobs/worker.js'
import { textsBriefingLine } from '../../../core/domains/texts/briefing.js'
import { submitRequest } from '../../../core/domains/leads/request-form.js'
import { textSettingsOf } from '../../../core/domains/texts/settings.js'
import { sendTwilioText } from '../../../core/domains/texts/twilio.js'
import { requestStamp } from '../../../core/domains/leads/request-checks.js'
import { engines } from '../../helpers/databases.js'
import { setClock } from '../../helpers/delivery-fixtures.js'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { made, newContact, newTicket } from '../../helpers/fixtures.js'
import { BUSINESS_NUMBER, type TextsWorld, textsWorld } from './texts-world.js'
import { twilioSignature } from '../../helpers/fake-twilio.js'

describe.each(engines)('texts to and from customers (%s)', (engine) => {
  let w: TextsWorld
  const now = new Date('2031-02-01T15:00:00Z')
  const textsTo = (phone: string) => w.twilio.messages.filter((m) => m.to === phone)
  const rows = (sql: string, args: unknown[] = []) => w.inBusiness(async (tx) => (await tx.query<Record<string, any>>(sql, args)).rows)

  beforeAll(async () => {
    w = await textsWorld(engine)
    setClock(w.app, now)
  })
  afterAll(() => w?.close())

  it("texts a booking's confirmation to a customer who chose texts, once, from the business's number, and keeps it in the thread", async () => {
    const sam = await w.customer('Sam Rivers', '(256) 555-0101', { channel: 'text' })
    await newTicket(w.app, sam)
    const queued = await rows(`select kind, channel from scheduled_messages where contact_id = $1 order by send_at`, [sam])
    expect(queued).toEqual([
      { kind: 'confirmation', channel: 'text' },
      { kind: 'reminder', channel: 'text' },
    ])
    await deliverDue(w.app.services)
    await deliverDue(w.app.services)
    const sent = textsTo('+12565550101')
    expect(sent).toHaveLength(1)
    expect(sent[0].from).toBe(BUSINESS_NUMBER)
    expect(sent[0].body).toMatch(
      /^Sparkle Windows: you are booked Tuesday, March 4, 2031 at 9:00 AM\. Reply C to confirm or R to reschedule\.$/,
    )
    const thread = expectData(await w.app.query({ type: 'texts', contact_id: sam }))
    expect(thread.items).toHaveLength(1)
    expect(thread.items[0]).toMatchObject({ direction: 'out', status: 'queued', segments: 1, phone: '+12565550101' })
  })

  it('a customer who chose both gets the email and the text; one who chose email only the email', async () => {
    const both = await w.customer('Bo Th', '(256) 555-0102', { channel: 'both', email: 'bo@example.com' })
    const mail = await newContact(w.app, {
      display_name: 'Em Ail',
      email: 'em@example.com',
      phones: [{ value: '(256) 555-0103', primary: true }],
    })
    await newTicket(w.app, both)
    await newTicket(w.app, mail)
    const channels = async (id: string) =>
      (await rows(`select channel from scheduled_messages where contact_id = $1 and kind = 'confirmation' order by channel`, [id])).map(
        (r) => r.channel,
      )
    expect(await channels(both)).toEqual(['email', 'text'])
    expect(await channels(mail)).toEqual(['email'])
  })

  it('a reply "C" confirms the visit the latest text asked about when the customer has two; "R" asks to move it', async () => {
    const kim = await w.customer('Kim Two', '+12565550104', { channel: 'text' })
    const first = await newTicket(w.app, kim, { scheduled_start: '2031-03-10T15:00:00Z' })
    await deliverDue(w.app.services)
    setClock(w.app, new Date(now.getTime() + 60_000))
    const second = await newTicket(w.app, kim, { scheduled_start: '2031-03-20T15:00:00Z' })
    await deliverDue(w.app.services)
    setClock(w.app, now)
    const answer = await w.inbound('+12565550104', '  c ')
    expect(answer.status).toBe(200)
    expect(answer.contentType).toMatch(/xml/)
    expect(answer.body).toContain('your visit Thursday, March 20, 2031 at 10:00 AM is confirmed')
    const status = async (id: string) => (await rows('select status, confirmation_status from tickets where id = $1', [id]))[0]
    expect(await status(second.id)).toEqual({ status: 'confirmed', confirmation_status: 'accepted' })
    expect(await status(first.id)).toEqual({ status: 'scheduled', confirmation_status: 'pending' })
    const move = await w.inbound('+12565550104', 'R')
    expect(move.body).toContain('we will be in touch to find a new time')
    expect(await status(second.id)).toEqual({ status: 'scheduled', confirmation_status: 'change_requested' })
  })

  it('STOP in any case stops every text at once, confirmed once; START resumes; HELP names the business and how to stop', async () => {
    const lee = await w.customer('Lee Stop', '+12565550105')
    // A text queued before the STOP is not sent after it.
    const queued = expectData(await w.app.action('text', 'send', { contact_id: lee, body: 'Queued before' })).id
    const stop = await w.inbound('+12565550105', ' Stop. ')
    expect(stop.body).toContain('Sparkle Windows: you will get no more texts from us. Reply START to text again.')
    const again = await w.inbound('+12565550105', 'UNSUBSCRIBE')
    expect(again.body).not.toContain('<Message>')
    expectError(await w.app.action('text', 'send', { contact_id: lee, body: 'Are you there?' }), 409, 'CONFLICT')
    const refused = await w.app.ownerAction('text', 'send', { contact_id: lee, body: 'Owner here' }).catch((e: Error) => e)
    expect(String(refused)).toMatch(/replied STOP/)
    await deliverDue(w.app.services)
    expect((await rows('select status, last_error from scheduled_messages where id = $1', [queued]))[0]).toEqual({
      status: 'cancelled',
      last_error: 'Not sent: Lee Stop replied STOP: nothing is texted to +12565550105 until they reply START',
    })
    expect(textsTo('+12565550105')).toEqual([])
    const help = await w.inbound('+12565550105', 'help')
    expect(help.body).toMatch(/Sparkle Windows: .*STOP to stop texts/)
    const start = await w.inbound('+12565550105', 'unstop')
    expect(start.body).toContain('texts are on again')
    const sent = expectData(await w.app.action('text', 'send', { contact_id: lee, body: 'Welcome back' }))
    expect(sent.text).toEqual({ body: 'Sparkle Windows: Welcome back', segments: 1, encoding: 'GSM-7' })
    await deliverDue(w.app.services)
    expect(textsTo('+12565550105').map((m) => m.body)).toEqual(['Sparkle Windows: Welcome back'])
  })

  it('refuses a text to a customer who never agreed, for the agent and the owner; the agent may not record consent alone', async () => {
    const pat = await w.customer('Pat Noconsent', '+12565550106', { consent: false })
    expectError(await w.app.action('text', 'send', { contact_id: pat, body: 'Hello' }), 409, 'CONFLICT')
    expectError(await w.app.action('text', 'set_channel', { contact_id: pat, channel: 'text' }), 409, 'CONFLICT')
    const asked = await w.app.action(
      'text',
      'record_consent',
      { contact_id: pat, kind: 'service', how: 'phone_call' },
      { reasoning: 'She said yes' },
    )
    expect(asked.status).toBe(202)
    expect((await rows('select count(*)::int as n from text_consents where contact_id = $1', [pat]))[0].n).toBe(0)
  })

  it('refuses a forged or unsigned inbound post and changes nothing', async () => {
    const before = (await rows('select count(*)::int as n from text_messages'))[0].n
    const forged = await w.inbound('+12565550107', 'C', { forge: true })
    expect(forged.status).toBe(400)
    const elsewhere = await w.twilio.inbound(
      `${w.app.url}/api/webhooks/texts`,
      { from: '+12565550107', to: BUSINESS_NUMBER, body: 'C' },
      { signUrl: 'https://other.example/api/webhooks/texts' },
    )
    expect(elsewhere.status).toBe(400)
    const url = `${w.app.url}/api/webhooks/texts`
    const unsigned = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Body=STOP',
    })
    expect(unsigned.status).toBe(400)
    expect((await rows('select count(*)::int as n from text_messages'))[0].n).toBe(before)
  })

  it('takes a text Twilio posts twice once', async () => {
    const ray = await w.customer('Ray Play', '+12565550109')
    const url = `${w.app.url}/api/webhooks/texts`
    const params = {
      MessageSid: `SM${'a'.repeat(32)}`,
      AccountSid: w.twilio.accountSid,
      From: '+12565550109',
      To: BUSINESS_NUMBER,
      Body: 'Is Tuesday still on?',
      NumMedia: '0',
    }
    const post = () =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilioSignature(w.twilio.authToken, url, params),
        },
        body: new URLSearchParams(params).toString(),
      })
    expect((await post()).status).toBe(200)
    expect((await post()).status).toBe(200)
    expect(await rows(`select body from text_messages where contact_id = $1`, [ray])).toEqual([{ body: 'Is Tuesday still on?' }])
    expect(await rows(`select summary from interactions where contact_id = $1`, [ray])).toHaveLength(1)
  })

  it('puts words from a customer on their timeline, waiting for an answer; from an unknown number makes one lead', async () => {
    const ana = await w.customer('Ana Words', '+12565550108')
    const res = await w.inbound('+12565550108', 'Can you also do the skylight?')
    expect(res.body).not.toContain('<Message>')
    const timeline = await rows(`select kind, direction, summary from interactions where contact_id = $1`, [ana])
    expect(timeline).toEqual([{ kind: 'text', direction: 'inbound', summary: 'Can you also do the skylight?' }])
    expect(expectData(await w.app.query({ type: 'texts', waiting: 'true' })).items.map((t: any) => t.contact_id)).toContain(ana)
    await made(w.app, 'text', 'send', { contact_id: ana, body: 'Yes, we can.' })
    expect(expectData(await w.app.query({ type: 'texts', waiting: 'true' })).items.map((t: any) => t.contact_id)).not.toContain(ana)

    await w.inbound('+12565550199', 'How much for 20 windows?')
    await w.inbound('+12565550199', 'Two floors.')
    const leads = await rows(`select id, source, phone, raw_notes from leads where phone = '+12565550199'`)
    expect(leads).toHaveLength(1)
    expect(leads[0]).toMatchObject({ source: 'text' })
    expect(leads[0].raw_notes).toContain('How much for 20 windows?')
    expect(await rows(`select summary from interactions where lead_id = $1`, [leads[0].id])).toEqual([{ summary: 'Two floors.' }])
  })

  it("fails a text Twilio refuses with Twilio's reason: a landline, a STOP Twilio knows (kept), and waits out a rate limit", async () => {
    const land = await w.customer('Lan Dline', '+12565550110')
    const opted = await w.customer('Op Ted', '+12565550111')
    const busy = await w.customer('Bu Sy', '+12565550112')
    w.twilio.landline('+12565550110')
    w.twilio.optedOut('+12565550111')
    const ids: Record<string, string> = {}
    for (const [name, id] of Object.entries({ land, opted, busy })) {
      if (name === 'busy') w.twilio.rateLimit(1)
      ids[name] = expectData(await w.app.action('text', 'send', { contact_id: id, body: `Hi ${name}` })).id
      await deliverDue(w.app.services)
    }
    const state = async (id: string) => (await rows('select status, attempts, last_error from scheduled_messages where id = $1', [id]))[0]
    expect(await state(ids.land)).toMatchObject({
      status: 'failed',
      last_error: expect.stringMatching(/not a mobile number \(Twilio 21614\)/),
    })
    expect(await state(ids.opted)).toMatchObject({ status: 'failed', last_error: expect.stringMatching(/replied STOP/) })
    expect(await rows(`select phone from text_opt_outs where phone = '+12565550111'`)).toHaveLength(1)
    expect(await state(ids.busy)).toMatchObject({ status: 'pending', attempts: 0 })
    setClock(w.app, new Date(now.getTime() + 5 * 60_000))
    await deliverDue(w.app.services)
    setClock(w.app, now)
    expect(await state(ids.busy)).toMatchObject({ status: 'sent' })
    expect(textsTo('+12565550112')).toHaveLength(1)
  })

  it("keeps Twilio's delivery reports: delivered, or undelivered with the reason", async () => {
    const gone = await w.customer('Off Phone', '+12565550113')
    w.twilio.unreachable('+12565550113')
    expectData(await w.app.action('text', 'send', { contact_id: gone, body: 'Ping' }))
    await deliverDue(w.app.services)
    const statuses = await w.twilio.deliverCallbacks()
    expect(statuses.every((s: number) => s === 200)).toBe(true)
    const kept = await rows(`select status, error_code, error_message from text_messages where contact_id = $1`, [gone])
    expect(kept).toEqual([{ status: 'undelivered', error_code: 30003, error_message: expect.stringContaining('could not be reached') }])
    const delivered = await rows(`select count(*)::int as n from text_messages where direction = 'out' and status = 'delivered'`)
    expect(delivered[0].n).toBeGreaterThan(0)
  })

  it("a send whose answer was lost is found in Twilio's list and not sent again; one Twilio never got is sent once", async () => {
    const lost = await w.customer('Lo St', '+12565550150')
    const never = await w.customer('Ne Ver', '+12565550151')
    const queued = async (id: string, body: string) => {
      const message = expectData(await w.app.action('text', 'send', { contact_id: id, body })).id as string
      // An earlier attempt kept its row and called Twilio, and the process died before the answer was kept.
      await w.inBusiness((tx) =>
        tx.query(
          `insert into text_messages (tenant_id, direction, contact_id, phone, business_phone, body, segments, status, scheduled_message_id, created_at)
           select app_tenant(), 'out', $1, $2, $3, $4, 1, 'sending', $5, $6`,
          [id, id === lost ? '+12565550150' : '+12565550151', BUSINESS_NUMBER, `Sparkle Windows: ${body}`, message, now],
        ),
      )
      return message
    }
    const lostId = await queued(lost, 'Lost answer')
    const neverId = await queued(never, 'Never reached')
    const earlier = await sendTwilioText(textSettingsOf(w.app.services), {
      from: BUSINESS_NUMBER,
      to: '+12565550150',
      body: 'Sparkle Windows: Lost answer',
    })
    const requests = w.twilio.requests
    await deliverDue(w.app.services)
    expect(textsTo('+12565550150')).toHaveLength(1)
    expect(textsTo('+12565550151')).toHaveLength(1)
    expect(w.twilio.requests).toBe(requests + 1)
    const state = async (id: string) => (await rows('select status, provider_message_id from scheduled_messages where id = $1', [id]))[0]
    expect(await state(lostId)).toEqual({ status: 'sent', provider_message_id: earlier.sid })
    expect(await state(neverId)).toEqual({ status: 'sent', provider_message_id: textsTo('+12565550151')[0].sid })
  })

  it('two workers delivering the same due texts send each once', async () => {
    const many = await Promise.all(Array.from({ length: 6 }, (_, i) => w.customer(`Many ${'ABCDEF'[i]}`, `+1256555013${i}`)))
    for (const id of many) expectData(await w.app.action('text', 'send', { contact_id: id, body: 'Once only' }))
    await Promise.all([deliverDue(w.app.services), deliverDue(w.app.services)])
    for (let i = 0; i < many.length; i++) expect(textsTo(`+1256555013${i}`)).toHaveLength(1)
  })

  it('counts texts and segments by month, and holds texts past the daily limit to the next day', async () => {
    const usage = expectData(await w.app.query({ type: 'text_usage' })).items[0]
    expect(usage).toMatchObject({ on: true, from_number: BUSINESS_NUMBER, daily_limit: 1000 })
    expect(usage.months[0].sent).toBe(usage.sent_today)
    expect(usage.months[0].segments).toBeGreaterThanOrEqual(usage.sent_today)
    await w.app.ownerAction('text', 'update_settings', { daily_limit: usage.sent_today })
    const late = await w.customer('Late Limit', '+12565550140')
    const id = expectData(await w.app.action('text', 'send', { contact_id: late, body: 'Tomorrow' })).id
    await deliverDue(w.app.services)
    const row = (await rows('select status, send_at, last_error from scheduled_messages where id = $1', [id]))[0]
    expect(row.status).toBe('pending')
    expect(row.last_error).toMatch(/limit of \d+ texts a day/)
    expect(new Date(row.send_at as string).getTime()).toBeGreaterThan(now.getTime())
    await w.app.ownerAction('text', 'update_settings', { daily_limit: 1000 })
  })

  it('a request sent with the box "Text me about my visits" ticked is consent once the lead becomes a customer', async () => {
    const slug = `texts-${w.app.tenant.tenant_id.slice(0, 8)}`
    await w.app.ownerAction('settings', 'update', { request_slug: slug })
    const key = (await rows('select request_form_key::text as key from tenants where id = app_tenant()'))[0].key
    const typed = {
      name: 'Req Texter',
      email: '',
      phone: '(256) 555-0250',
      address: '1 Main St, Huntsville, AL 35801',
      service_ids: [],
      need: 'Windows inside and out',
      preferred_times: '',
      notes: '',
      website: '',
      stamp: requestStamp(key, w.app.tenant.tenant_id, now.getTime() - 10_000),
      texts: true,
    }
    const sent = await submitRequest(w.app.services, w.app.tenant.tenant_id, slug, typed, '127.0.0.1', 'request-texts')
    expect(sent.kind).toBe('made')
    const leadId = (sent as { leadId: string }).leadId
    const converted = await w.app.ownerAction('lead', 'convert', { lead_id: leadId })
    const consent = expectData(await w.app.query({ type: 'text_consent', id: converted.contact.id }))
    expect(consent).toMatchObject({ phone: '+12565550250', service: { how: 'request_form', at: now.toISOString() }, marketing: null })
  })

  it("texts an offer of times with a link of the text's own; the email's link still works", async () => {
    const ola = await w.customer('Ola Offer', '+12565550260', { channel: 'both', email: 'ola@example.com' })
    const service = await made(w.app, 'service', 'create', {
      name: 'Skylights',
      pricing: 'fixed',
      price_cents: 9_000,
      default_duration_minutes: 60,
    })
    await w.app.ownerAction('slot_offer', 'send', {
      contact_id: ola,
      service_ids: [service.id],
      slots: [{ start: '2031-02-05T15:00:00Z', technician_id: w.app.tenant.owner_user_id }],
    })
    await deliverDue(w.app.services)
    const [text] = textsTo('+12565550260')
    expect(text.body).toMatch(
      /^Sparkle Windows: we can come Wed Feb 5, 9:00 AM\. Pick a time here: http:\/\/127\.0\.0\.1:\d+\/offer\/[\w-]{43}$/,
    )
    const textLink = /\/offer\/[\w-]{43}/.exec(text.body)?.[0] as string
    const emailed = w.app.email.sent.find((m) => m.to.includes('ola@example.com') && m.subject.startsWith('Pick a time'))
    const emailLink = /\/offer\/[\w-]{43}/.exec(emailed?.text ?? '')?.[0] as string
    expect(emailLink).toBeTruthy()
    expect(textLink).not.toBe(emailLink)
    for (const link of [textLink, emailLink]) {
      const page = await fetch(`${w.app.url}${link}`)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('9:00 AM')
    }
  })

  it('sends the day-before reminder by text on its day', async () => {
    const rae = await w.customer('Rae Mind', '+12565550201', { channel: 'text' })
    await newTicket(w.app, rae, { scheduled_start: '2031-02-03T15:00:00Z', confirmed: true })
    setClock(w.app, new Date('2031-02-02T23:00:00Z'))
    await deliverDue(w.app.services)
    setClock(w.app, now)
    expect(textsTo('+12565550201').map((m) => m.body)).toEqual([
      'Sparkle Windows: reminder, we come Monday, February 3, 2031 at 9:00 AM. Reply C to confirm or R to reschedule.',
    ])
  })

  it('"on my way" goes now with the arrival time, and asks for the minutes when the visit is on no planned route', async () => {
    const otto = await w.customer('Otto Way', '+12565550202', { channel: 'text' })
    const visit = await newTicket(w.app, otto, { scheduled_start: '2031-02-01T16:00:00Z' })
    expectError(await w.app.action('ticket', 'on_my_way', { ticket_id: visit.id }), 400, 'VALIDATION_ERROR')
    const queued = expectData(await w.app.action('ticket', 'on_my_way', { ticket_id: visit.id, minutes_away: 25 }))
    expect(queued).toMatchObject({ kind: 'on_my_way', channel: 'text', arrival_at: '2031-02-01T15:25:00.000Z' })
    await deliverDue(w.app.services)
    expect(textsTo('+12565550202').map((m) => m.body)).toContain('Sparkle Windows: we are on our way and should arrive about 9:25 AM.')
  })

  it("texts the invoice with the business's own pay page, never other words about paying", async () => {
    const ivy = await w.customer('Ivy Voice', '+12565550203', { channel: 'text' })
    const invoice = await made(w.app, 'invoice', 'create', {
      contact_id: ivy,
      line_items: [{ description: 'Gutters', unit_price_cents: 9_000 }],
    })
    await w.app.ownerAction('settings', 'update', { payment_instructions: 'Pay by check to Sparkle Windows' })
    expectData(await w.app.action('invoice', 'send', { invoice_id: invoice.id }, { reasoning: 'The visit is done' }))
    setClock(w.app, new Date(now.getTime() + 10 * 60_000))
    await deliverDue(w.app.services)
    setClock(w.app, now)
    const [text] = textsTo('+12565550203')
    expect(text.body).toMatch(
      new RegExp(
        `^Sparkle Windows: invoice ${invoice.number} for \\$90\\.00\\. See and pay it here: http://127\\.0\\.0\\.1:\\d+/pay/[\\w-]+$`,
      ),
    )
  })

  it('keeps the photos of an MMS from a customer as their documents, read from Twilio with the account keys', async () => {
    const mo = await w.customer('Mo Photo', '+12565550204')
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex')
    await w.twilio.inbound(`${w.app.url}/api/webhooks/texts`, {
      from: '+12565550204',
      to: BUSINESS_NUMBER,
      body: 'The cracked pane',
      media: [{ contentType: 'image/png', bytes: png }],
    })
    const docs = await rows(`select id, name, tags, content_type from documents where contact_id = $1`, [mo])
    expect(docs).toEqual([{ id: expect.any(String), name: 'Texted photo 2031-02-01', tags: ['text'], content_type: 'image/png' }])
    const [kept] = await rows(`select media_document_ids from text_messages where contact_id = $1 and direction = 'in'`, [mo])
    expect(kept.media_document_ids).toEqual([docs[0].id])
    const [line] = await rows(`select summary from interactions where contact_id = $1`, [mo])
    expect(line.summary).toBe("The cracked pane (1 photo kept in the customer's files)")
    // A photo Twilio cannot give: the text is kept without it, and says so.
    const url = `${w.app.url}/api/webhooks/texts`
    const params = {
      MessageSid: `MM${'b'.repeat(32)}`,
      AccountSid: w.twilio.accountSid,
      From: '+12565550204',
      To: BUSINESS_NUMBER,
      Body: 'And the frame',
      NumMedia: '1',
      MediaUrl0: `${w.twilio.url}/2010-04-01/Accounts/${w.twilio.accountSid}/Messages/MM${'b'.repeat(32)}/Media/ME${'c'.repeat(32)}`,
      MediaContentType0: 'image/jpeg',
    }
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(w.twilio.authToken, url, params),
      },
      body: new URLSearchParams(params).toString(),
    })
    expect(res.status).toBe(200)
    const lines = await rows(`select summary from interactions where contact_id = $1 order by occurred_at, summary`, [mo])
    expect(lines.map((l) => l.summary)).toContain('And the frame (1 photo could not be read from Twilio)')

    // From a number no customer has: kept with the lead, filed with the customer the lead becomes.
    await w.twilio.inbound(`${w.app.url}/api/webhooks/texts`, {
      from: '+12565550270',
      to: BUSINESS_NUMBER,
      body: 'Can you clean these?',
      media: [{ contentType: 'image/png', bytes: png }],
    })
    const [lead] = await rows(`select id, raw_notes from leads where phone = '+12565550270'`)
    expect(lead.raw_notes).toContain('Can you clean these? (1 photo kept, filed with the customer once the lead becomes one)')
    const converted = await w.app.ownerAction('lead', 'convert', { lead_id: lead.id, display_name: 'Lee Photo', address: null })
    const filed = await rows(`select name, content_type from documents where contact_id = $1`, [converted.contact.id])
    expect(filed).toEqual([{ name: 'Texted photo 2031-02-01', content_type: 'image/png' }])
    expect(await rows(`select 1 from text_media`)).toEqual([])
    const [texted] = await rows(`select contact_id, cardinality(media_document_ids) as n from text_messages where lead_id = $1`, [lead.id])
    expect(texted).toEqual({ contact_id: converted.contact.id, n: 1 })
  })

  it("holds a marketing text outside 8:00-21:00 in the customer's own zone, and needs its own consent", async () => {
    const mia = await w.customer('Mia Market', '+12565550205', { channel: 'text' })
    const queue = (at: Date) =>
      w.inBusiness(
        async (tx) =>
          (
            await tx.query<{ id: string }>(
              `insert into scheduled_messages (tenant_id, contact_id, kind, send_at, channel) values (app_tenant(), $1, 'reach_out', $2, 'text') returning id`,
              [mia, at],
            )
          ).rows[0].id,
      )
    // 22:30 in Los Angeles on 1 February 2031 (6:30 UTC on the 2nd).
    const late = new Date('2031-02-02T06:30:00Z')
    setClock(w.app, late)
    const noConsent = await queue(late)
    await deliverDue(w.app.services)
    expect((await rows('select status, last_error from scheduled_messages where id = $1', [noConsent]))[0]).toMatchObject({
      status: 'failed',
      last_error: expect.stringMatching(/not agreed to marketing texts/),
    })
    await w.app.ownerAction('text', 'record_consent', {
      contact_id: mia,
      kind: 'marketing',
      how: 'request_form',
      time_zone: 'America/Los_Angeles',
    })
    const held = await queue(late)
    await deliverDue(w.app.services)
    const row = (await rows('select status, send_at, last_error from scheduled_messages where id = $1', [held]))[0]
    expect(row.status).toBe('pending')
    expect(new Date(row.send_at).toISOString()).toBe('2031-02-02T16:00:00.000Z')
    expect(row.last_error).toMatch(/8:00 to 21:00 in the customer's zone \(America\/Los_Angeles\)/)
    setClock(w.app, new Date('2031-02-02T16:00:00Z'))
    await deliverDue(w.app.services)
    setClock(w.app, now)
    expect(textsTo('+12565550205')).toHaveLength(1)
  })
})

describe.each(engines)('texts off (%s)', (engine) => {
  it('says texts are off and what to set, and refuses a text; everything else works', async () => {
    const { startTestApp } = await import('../../helpers/app.js')
    const app = await startTestApp(engine)
    try {
      const usage = expectData(await app.query({ type: 'text_usage' })).items[0]
      expect(usage).toMatchObject({ on: false, off_reason: expect.stringMatching(/TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN/) })
      const jo = await newContact(app, { display_name: 'Jo Off', phones: [{ value: '+12565550301', primary: true }] })
      expectError(await app.action('text', 'send', { contact_id: jo, body: 'Hi' }, { reasoning: 'test' }), 503, 'UNAVAILABLE')
      const owner = {
        services: app.services,
        principal: {
          tenantId: app.tenant.tenant_id,
          actor: { type: 'user' as const, id: app.tenant.owner_user_id, role: 'owner' as const },
        },
        requestId: 'briefing',
      }
      expect(await textsBriefingLine(owner)).toMatch(
        /^Texts are off: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN .*; until then customers who chose texts hear by email \(those with no email address hear nothing\) and their replies by text are not received$/,
      )
      // Customers who chose texts while they were on: one with an email address hears by email, reminders and
      // follow-ups alike; one without is queued by text, which fails saying texts are off.
      const byEmail = await newContact(app, {
        display_name: 'Tex Mail',
        email: 'tex@example.com',
        phones: [{ value: '+12565550302', primary: true }],
      })
      const textOnly = await newContact(app, { display_name: 'Tex Only', phones: [{ value: '+12565550303', primary: true }] })
      await app.t.admin.query(`update contacts set message_channel = 'text' where id = any($1)`, [[byEmail, textOnly]])
      await newTicket(app, byEmail)
      await newTicket(app, textOnly)
      const queued = async (id: string) =>
        (await app.t.admin.query(`select kind, channel from scheduled_messages where contact_id = $1 order by send_at, kind`, [id])).rows
      expect(await queued(byEmail)).toEqual([
        { kind: 'confirmation', channel: 'email' },
        { kind: 'follow_up', channel: 'email' },
        { kind: 'follow_up', channel: 'email' },
        { kind: 'reminder', channel: 'email' },
      ])
      expect(await queued(textOnly)).toEqual([
        { kind: 'confirmation', channel: 'text' },
        { kind: 'reminder', channel: 'text' },
      ])
      const banner = app.services.capabilities.flatMap((c) => (c.banner ? [c.banner(app.services)] : []))
      expect(banner).toContain('texts: off (set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (your Twilio account) to text customers)')
    } finally {
      await app.close()
    }
  })
})
