import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { connectMcp, toolJson } from '../../helpers/mcp-client.js'
import { createLlmClient } from '../../../core/clients/llm.js'
import { startFakeLlm, type FakeLlm } from '../../helpers/fake-llm.js'
import { PNG } from '../../helpers/files.js'

/** The stamp a request page carries, read from its HTML. */
const stampOf = (page: string) => /name="stamp" value="([^"]+)"/.exec(page)?.[1] ?? ''

describe.each(engines)('the public request page, over real HTTP (%s)', (engine) => {
  let app: TestApp
  let mcp: Client
  let llm: FakeLlm
  let clock = new Date('2026-11-24T15:00:00Z')
  let windowId = ''
  let gutterId = ''
  const leads = async () => (await app.query({ type: 'leads', status: 'open' })).body.data.items as any[]
  const blocked = async () =>
    (
      await app.t.admin.query<{ reason: string; n: number }>(
        'select reason, sum(blocked)::int as n from request_form_blocked where tenant_id = $1 group by reason order by reason',
        [app.tenant.tenant_id],
      )
    ).rows
  const open = async (path = '/r/sparkle') => {
    const res = await fetch(app.url + path)
    return { status: res.status, headers: res.headers, text: await res.text() }
  }
  const post = async (fields: Record<string, string | string[]>, headers: Record<string, string> = {}, path = '/r/sparkle') => {
    const body = new URLSearchParams()
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one)
    const res = await fetch(app.url + path, { method: 'POST', body, headers, redirect: 'manual' })
    return { status: res.status, headers: res.headers, text: await res.text() }
  }
  /** A person's request: the page opened, read for ten seconds, filled in and sent. */
  const person = async (fields: Record<string, string | string[]>, headers: Record<string, string> = {}) => {
    const stamp = stampOf((await open()).text)
    clock = new Date(clock.getTime() + 10_000)
    return post({ stamp, ...fields }, headers)
  }
  const jane = {
    name: 'Jane Roe',
    email: 'jane@example.com',
    address: '12 Oak St, Huntsville, AL 35801',
    preferred_times: 'weekday mornings',
  }

  beforeAll(async () => {
    llm = await startFakeLlm()
    app = await startTestApp(engine, {
      now: () => clock,
      llm: createLlmClient({ baseUrl: llm.baseUrl, apiKey: 'test', model: 'fake-model', timeoutMs: 2000 }),
    })
    await app.ownerAction('settings', 'update', { request_slug: 'Sparkle' })
    const ok = async (domain: string, action: string, data: unknown) => (await app.action(domain, action, data)).body.data
    windowId = (await ok('service', 'create', { name: 'Window cleaning', pricing: 'flexible', bookable: true })).id
    gutterId = (await ok('service', 'create', { name: 'Gutter cleaning', pricing: 'fixed', price_cents: 9000, bookable: true })).id
    await ok('service', 'create', { name: 'Internal fee', pricing: 'fixed', price_cents: 100 })
    await ok('contact', 'create', { display_name: 'Jane Roe', email: 'JANE@example.com' })
    mcp = await connectMcp(app.url, app.tenant.agent_token)
  }, 120_000)
  afterAll(async () => {
    await mcp?.close()
    await app?.close()
    await llm?.close()
  })
  beforeEach(async () => {
    // Each test starts in an hour of its own, so the hourly limits of one do not reach the next.
    clock = new Date(clock.getTime() + 3_600_000)
  })

  it('shows the form to anyone, with the services the owner marked bookable only; an unknown page is a 404', async () => {
    const page = await open()
    expect(page.status).toBe(200)
    expect(page.headers.get('cache-control')).toBe('no-store')
    expect(page.text).toContain('<h1>Sparkle Windows</h1>')
    expect(page.text).toContain('Window cleaning')
    expect(page.text).toContain('Gutter cleaning')
    expect(page.text).not.toContain('Internal fee')
    expect(page.text).toMatch(/<form method="post" action="\/r\/sparkle" enctype="multipart\/form-data">/)
    expect(stampOf(page.text)).toMatch(/^\d+\.[\w-]{43}$/)
    expect((await open('/r/nobody-here')).status).toBe(404)
  })

  it('a request becomes a lead due now, with its raw text, matched to the customer with that email, named in the daily briefing', async () => {
    const sent = await person({ ...jane, service_ids: [windowId, gutterId], need: 'and the skylight', notes: 'Dog in yard' })
    expect(sent.status).toBe(303)
    expect(sent.headers.get('location')).toBe('/r/sparkle/thanks')
    expect((await open('/r/sparkle/thanks')).text).toContain('Thank you: we have your request.')
    const [lead] = (await leads()).filter((l) => l.email === 'jane@example.com')
    expect(lead).toMatchObject({
      name: 'Jane Roe',
      source: 'request form',
      address: '12 Oak St, Huntsville, AL 35801',
      service_interest: 'Gutter cleaning, Window cleaning; and the skylight',
      reminder_at: clock.toISOString(),
    })
    expect(lead.raw_notes).toContain('Preferred days and times: weekday mornings')
    expect(lead.raw_notes).toContain('Notes: Dog in yard')
    const [request] = (await app.query({ type: 'lead_requests', lead_id: lead.id })).body.data.items
    // What the request said, so a reader of requests need not open each lead.
    expect(request).toMatchObject({ name: 'Jane Roe', email: 'jane@example.com', address: '12 Oak St, Huntsville, AL 35801' })
    expect(request.notes).toContain('Notes: Dog in yard')
    expect(request.matched_contact.display_name).toBe('Jane Roe')
    expect(request.services.map((s: any) => s.name)).toEqual(['Gutter cleaning', 'Window cleaning'])
    expect(request.photo).toBeNull()
    const briefing = toolJson(await mcp.callTool({ name: 'daily_briefing', arguments: {} })).json.briefing as string
    expect(briefing).toMatch(/Leads due: .*Jane Roe \(Gutter cleaning, Window cleaning; and the skylight\)/)
    // process_lead reads the lead's raw notes with the phone notes' extraction: what the lead lacks is filled, the rest kept.
    llm.answer({
      content: JSON.stringify({
        name: 'J. Roe',
        phone: null,
        email: 'jane@example.com',
        address: null,
        service_interest: 'windows',
        urgency: 'high',
        property_details: 'has a skylight and a dog',
      }),
    })
    const processed = toolJson(await mcp.callTool({ name: 'process_lead', arguments: { lead_id: lead.id } })).json
    expect(llm.requests.at(-1).messages.at(-1).content).toContain('Notes: Dog in yard')
    expect(processed.extraction).toEqual({ status: 'ok' })
    expect(processed.lead).toMatchObject({ name: 'Jane Roe', urgency: 'high', property_details: 'has a skylight and a dog' })
    expect(processed.lead.service_interest).toBe('Gutter cleaning, Window cleaning; and the skylight')
    expect(processed.lead.reminder_at).toBe(clock.toISOString())
    expect(processed.matched_contacts.map((c: any) => c.display_name)).toEqual(['Jane Roe'])
    const both = toolJson(await mcp.callTool({ name: 'process_lead', arguments: { lead_id: lead.id, raw_notes: 'x', source: 'phone' } }))
    expect(both.isError).toBe(true)
  })

  it('takes a photo sent with the form as multipart', async () => {
    const stamp = stampOf((await open()).text)
    clock = new Date(clock.getTime() + 10_000)
    const form = new FormData()
    for (const [k, v] of Object.entries({ stamp, name: 'Photo Person', phone: '(256) 555-0199', address: '1 Elm St', need: 'Windows' }))
      form.append(k, v)
    form.append('service_ids', windowId)
    form.append('photo', new Blob([PNG], { type: 'image/png' }), 'house.png')
    const res = await fetch(`${app.url}/r/sparkle`, { method: 'POST', body: form, redirect: 'manual' })
    expect(res.status).toBe(303)
    const [lead] = (await leads()).filter((l) => l.name === 'Photo Person')
    const [request] = (await app.query({ type: 'lead_requests', lead_id: lead.id })).body.data.items
    expect(request.photo).toEqual({ content_type: 'image/png', size_bytes: PNG.length })
    expect(request.matched_contact).toBeNull()
  })

  it('a filled honeypot is thanked like a person and leaves no lead, only a count the agent cannot read', async () => {
    const before = (await leads()).length
    const requests = (await app.query({ type: 'lead_requests' })).body.data.items.length
    const sent = await person({ ...jane, name: 'Bot', need: 'cheap pills', website: 'http://spam.example' })
    expect(sent.status).toBe(303)
    expect(sent.headers.get('location')).toBe('/r/sparkle/thanks')
    expect((await leads()).length).toBe(before)
    expect((await app.query({ type: 'lead_requests' })).body.data.items.length).toBe(requests)
    expect(await blocked()).toContainEqual({ reason: 'honeypot', n: 1 })
    const asAgent = await app.query({ type: 'request_form' })
    expect(asAgent.status).toBe(403)
    const owner = await app.ownerAction('settings', 'update', {})
    expect(owner.request_slug).toBe('sparkle')
  })

  it('a form sent within seconds of its page comes back to be sent again, counted; sent again later it goes through', async () => {
    const before = (await leads()).length
    const stamp = stampOf((await open()).text)
    const fast = await post({ stamp, ...jane, name: 'Quick Typer', need: 'Windows' })
    expect(fast.status).toBe(200)
    expect(fast.text).toContain('Your request is not sent yet. Check it below and press Send request.')
    expect(fast.text).toContain('value="Quick Typer"')
    expect((await leads()).length).toBe(before)
    expect(await blocked()).toContainEqual({ reason: 'too_fast', n: 1 })
    clock = new Date(clock.getTime() + 5_000)
    const again = await post({ stamp: stampOf(fast.text), ...jane, name: 'Quick Typer', need: 'Windows' })
    expect(again.status).toBe(303)
    expect((await leads()).length).toBe(before + 1)
  })

  it("the owner's pasted form, with its stamp, is taken at once; one lacking a field says exactly which; a forged one is counted", async () => {
    const { performQuery } = await import('../../../core/kernel/operations.js')
    const owner = { tenantId: app.tenant.tenant_id, actor: { type: 'user' as const, id: app.tenant.owner_user_id, role: 'owner' as const } }
    const form = (await performQuery(app.services, owner, { type: 'request_form', id: app.tenant.tenant_id }, { requestId: 'r' })) as {
      pasted_form_stamp: string
    }
    const stamp = form.pasted_form_stamp
    expect(stamp).toMatch(/^pasted\.[\w-]{43}$/)
    const before = await blocked()
    const site = { origin: 'https://sparkle-windows.example' }
    const sent = await post({ stamp, ...jane, name: 'From Their Site', need: 'Windows' }, site)
    expect(sent.status).toBe(303)
    expect(sent.headers.get('location')).toBe('/r/sparkle/thanks')
    expect(sent.headers.get('access-control-allow-origin')).toBeNull()
    const lead = (await leads()).find((l) => l.name === 'From Their Site')
    expect(lead.raw_notes).toContain("Request from the form on the business's own site, sent to /r/sparkle")

    const lacking = await post({ stamp, name: '', email: 'sam@example.com', address: '', need: 'Gutters' }, site)
    expect(lacking.status).toBe(400)
    expect(lacking.text).toContain(
      '<p role="alert" class="err">Your request was not sent yet. Please fix: Your name (tell us your name); ' +
        'Address of the work (tell us where the work is).</p>',
    )
    expect(lacking.text).toContain('value="sam@example.com"')
    expect(await blocked()).toEqual(before)

    const forged = await post({ ...jane, name: 'Forger', need: 'x', stamp: `pasted.${'A'.repeat(43)}` })
    expect(forged.status).toBe(200)
    expect(forged.text).not.toContain('role="alert"')
    expect(await blocked()).toContainEqual({ reason: 'bad_stamp', n: 1 })
    expect((await leads()).some((l) => l.name === 'Forger')).toBe(false)
  })

  it('an older pasted copy without a stamp comes back filled in, not sent yet and not as a failure, naming what it lacks; uncounted', async () => {
    const before = await blocked()
    const pasted = await post({ ...jane, name: 'Old Copy', need: 'Windows' }, { origin: 'https://sparkle-windows.example' })
    expect(pasted.status).toBe(200)
    expect(pasted.headers.get('access-control-allow-origin')).toBeNull()
    expect(pasted.text).toContain(
      '<p role="status" class="warn">Almost done: your request is not sent yet. Check it below and press Send request.</p>',
    )
    expect(pasted.text).not.toContain('role="alert"')
    expect(pasted.text).toContain('value="Old Copy"')
    expect(stampOf(pasted.text)).not.toBe('')
    const lacking = await post({ name: 'Old Copy', phone: '(256) 555-0123', need: 'Windows' })
    expect(lacking.text).toContain(
      'Almost done: your request is not sent yet. Please fix: Address of the work (tell us where the work is); then press Send request.',
    )
    expect(await blocked()).toEqual(before)
    expect((await leads()).some((l) => l.name === 'Old Copy')).toBe(false)
    // No cross-origin call beyond a plain form: a preflight is refused and grants nothing.
    const preflight = await fetch(`${app.url}/r/sparkle`, {
      method: 'OPTIONS',
      headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'POST' },
    })
    expect(preflight.status).toBe(405)
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('refuses a request without a way to answer, naming the field, and keeps what was typed', async () => {
    const sent = await person({ name: 'No Contact', address: '3 Pine St', need: 'Windows' })
    expect(sent.status).toBe(400)
    expect(sent.text).toContain('give an email address or a phone number')
    expect(sent.text).toContain('value="No Contact"')
    expect((await leads()).some((l) => l.name === 'No Contact')).toBe(false)
  })

  it('limits one address to six submissions an hour, and the business to sixty, counted in the database every server shares', async () => {
    for (let i = 0; i < 6; i++) expect((await person({ ...jane, name: `Repeat ${i}`, need: 'Windows' })).status).toBe(303)
    const over = await person({ ...jane, name: 'Repeat 6', need: 'Windows' })
    expect(over.status).toBe(429)
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await leads()).some((l) => l.name === 'Repeat 6')).toBe(false)
    // Another server took the business to its limit this hour: this one refuses the next request from a new address too.
    clock = new Date(clock.getTime() + 3_600_000)
    const hour = new Date(Math.floor(clock.getTime() / 3_600_000) * 3_600_000)
    await app.t.admin.query(`insert into request_form_hits (tenant_id, key, window_start, hits) values ($1, 'business', $2, 60)`, [
      app.tenant.tenant_id,
      hour,
    ])
    expect((await person({ ...jane, name: 'Sixty-first', need: 'Windows' })).status).toBe(429)
    expect(await blocked()).toContainEqual({ reason: 'rate_limited', n: 2 })
  })

  it("a slug is one business's: another business choosing it is refused naming the field", async () => {
    const other = await app.createTenant('Other Windows')
    const { performAction } = await import('../../../core/kernel/operations.js')
    await expect(
      performAction(
        app.services,
        { tenantId: other.tenant_id, actor: { type: 'user', id: other.owner_user_id, role: 'owner' } },
        { domain: 'settings', action: 'update', data: { request_slug: 'sparkle' } },
        { requestId: 'slug-taken' },
      ),
    ).rejects.toMatchObject({ code: 'CONFLICT', details: { field: 'data.request_slug' } })
  })
})
