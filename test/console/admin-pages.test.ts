import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../../core/kernel/context.js'
import { performAction } from '../../core/kernel/operations.js'
import { issueMagicLinks } from '../../core/auth/magic-links.js'
import { addUser } from '../helpers/session-browser.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { hiddenFields, pageClient, type PageClient } from '../helpers/technician-fixture.js'

const PAGES = ['/settings', '/settings/templates', '/settings/templates/new?kind=reminder', '/team', '/review/connections']

describe.each(engines)("the owner's settings, templates, team and token pages (%s)", (engine) => {
  let app: TestApp
  let owner: PageClient
  let tom: PageClient
  let ownerPrincipal: Principal
  const form = async (path: string, action: string, fields: Array<[string, string]>) =>
    owner.submit((await owner.get(path)).html, action, fields)
  const settingsFields = (html: string): Array<[string, string]> => {
    const inputs = [...html.matchAll(/<input name="([^"]+)" value="([^"]*)"/g)].map(
      (m) => [m[1], m[2].replace(/&amp;/g, '&')] as [string, string],
    )
    const zone = /<option selected>([^<]+)<\/option>/.exec(html)?.[1] ?? ''
    return [...inputs, ['timezone', zone], ['payment_instructions', ''], ['send_confirmations', 'on']]
  }

  beforeAll(async () => {
    app = await startTestApp(engine)
    await addUser(app, 'tom@sparkle.test', 'technician', 'Tom Tech')
    owner = await pageClient(app, 'owner@sparkle.test')
    tom = await pageClient(app, 'tom@sparkle.test')
    ownerPrincipal = { tenantId: app.tenant.tenant_id, actor: { type: 'user', id: app.tenant.owner_user_id, role: 'owner' } }
  })
  afterAll(async () => {
    await app?.close()
  })

  it("are the owner's: a technician gets the 403 page and a signed-out visitor is sent to sign in", async () => {
    for (const path of PAGES) {
      expect((await owner.get(path)).status, path).toBe(200)
      const denied = await tom.get(path)
      expect(denied.status, path).toBe(403)
      expect(denied.html).toContain('This page is for the business owner.')
      const visitor = await fetch(app.url + path, { redirect: 'manual' })
      expect(visitor.status, path).toBe(303)
      expect(visitor.headers.get('location')).toBe('/')
    }
    const posted = await tom.post('/team', { _csrf: 'x', name: 'Sneaky', email: 'sneaky@sparkle.test', role: 'owner' })
    expect(posted.status).toBe(403)
    expect((await app.query({ type: 'users', q: 'sneaky' })).body.data.items).toEqual([])
  })

  it('the More page links every owner page outside the nav, then saves the time zone and hours', async () => {
    const page = await owner.get('/settings')
    for (const href of [
      '/settings/templates',
      '/team',
      '/services',
      '/waitlist',
      '/review/connections',
      '/review/permissions',
      '/review/history',
      '/messages',
      '/messages/outbox',
      '/import',
      '/calendar',
      '/api/export?type=contacts',
    ])
      expect(page.html, href).toContain(`href="${href}`)
    // The business id the operator's crm commands take as --tenant is where the owner can find it.
    expect(page.html).toContain(`Business id: <code>${app.tenant.tenant_id}</code>`)
    const fields = settingsFields(page.html).map(([k, v]): [string, string] =>
      k === 'timezone'
        ? [k, 'America/Denver']
        : k === 'hours_mon'
          ? [k, '7:30-12:00, 13:00-16:00']
          : k === 'hours_sun'
            ? [k, '']
            : k === 'lapsed_after_months'
              ? [k, '24']
              : [k, v],
    )
    const saved = await owner.post('/settings', [...hiddenFields(page.html, '/settings'), ...fields])
    expect(saved.status, saved.html.slice(0, 500)).toBe(303)
    expect(saved.location).toBe('/settings?done=saved')
    const settings = (await app.query({ type: 'settings' })).body.data.items[0]
    expect(settings.timezone).toBe('America/Denver')
    expect(settings.business_hours.mon).toEqual([
      ['07:30', '12:00'],
      ['13:00', '16:00'],
    ])
    expect(settings.business_hours.sun).toEqual([])
    expect(settings.lapsed_after_months).toBe(24)
    expect((await owner.get('/settings?done=saved')).html).toContain('Settings saved.')
  })

  it('shows bad settings next to their fields with a 400 and saves nothing', async () => {
    const before = (await app.query({ type: 'settings' })).body.data.items[0]
    const page = await owner.get('/settings')
    const bad = (changes: Record<string, string>) =>
      owner.post('/settings', [
        ...hiddenFields(page.html, '/settings'),
        ...settingsFields(page.html).map(([k, v]): [string, string] => [k, changes[k] ?? v]),
      ])
    const typed = await bad({ hours_tue: 'nine to five', default_tax_rate: 'lots', name: 'Renamed' })
    expect(typed.status).toBe(400)
    expect(typed.html).toMatch(/id="e_hours_tue">expected opening times such as 08:00-17:00/)
    expect(typed.html).toMatch(/id="e_default_tax_rate">expected a percentage/)
    expect(typed.html).toContain('value="nine to five"')
    const currency = await bad({ currency: 'dollars', name: 'Renamed' })
    expect(currency.status).toBe(400)
    expect(currency.html).toMatch(/id="e_currency">expected a three-letter ISO 4217 code/)
    const hours = await bad({ hours_wed: '17:00-09:00', name: 'Renamed' })
    expect(hours.status).toBe(400)
    expect(hours.html).toMatch(/id="e_hours_wed">starts at 17:00 but ends at 09:00/)
    const months = await bad({ lapsed_after_months: '121', name: 'Renamed' })
    expect(months.status).toBe(400)
    expect(months.html).toMatch(/id="e_lapsed_after_months">[^<]*120/)
    const word = await bad({ lapsed_after_months: 'many', name: 'Renamed' })
    expect(word.status).toBe(400)
    expect(word.html).toMatch(/id="e_lapsed_after_months">expected a whole number/)
    expect((await app.query({ type: 'settings' })).body.data.items[0]).toEqual(before)
  })

  it('edits a template, previews a draft without saving, and refuses an unknown placeholder next to its field', async () => {
    const list = await owner.get('/settings/templates')
    const reminder = (await app.query({ type: 'templates', kind: 'reminder' })).body.data.items[0]
    expect(list.html).toContain(`href="/settings/templates/${reminder.id}"`)
    const path = `/settings/templates/${reminder.id}`
    const page = await owner.get(path)
    expect(page.html).toContain('Hi Jane,')
    expect(page.html).toContain('123 Oak St, Springfield, IL 62701')
    const draft = await owner.submit(page.html, path, [
      ['name', reminder.name],
      ['subject', 'See you {{appointment_date}}'],
      ['body', 'Hello {{customer_name}}, bring {{dog_treats}}'],
      ['intent', 'preview'],
    ])
    expect(draft.status).toBe(200)
    expect(draft.html).toContain('Hello Jane Sample, bring')
    expect(draft.html).toContain('Unknown placeholder: {{dog_treats}}')
    expect((await app.query({ type: 'templates', id: reminder.id })).body.data.body).toBe(reminder.body)
    const refused = await owner.submit(page.html, path, [
      ['name', reminder.name],
      ['subject', 'See you'],
      ['body', 'Bring {{dog_treats}}'],
      ['intent', 'save'],
    ])
    expect(refused.status).toBe(400)
    expect(refused.html).toMatch(/id="e_body">unknown variable \{\{dog_treats\}\}/)
    const saved = await owner.submit(page.html, path, [
      ['name', 'Friendly reminder'],
      ['subject', 'Tomorrow: {{business_name}}'],
      ['body', 'Dear {{customer_first_name}},\r\nsee you at {{appointment_time}}.'],
      ['intent', 'save'],
    ])
    expect(saved.status).toBe(303)
    const after = (await app.query({ type: 'templates', id: reminder.id })).body.data
    expect(after).toMatchObject({
      name: 'Friendly reminder',
      subject: 'Tomorrow: {{business_name}}',
      body: 'Dear {{customer_first_name}},\nsee you at {{appointment_time}}.',
    })
    const shown = await owner.get(`${path}?done=saved`)
    expect(shown.html).toContain('Template saved.')
    expect(shown.html).toContain('Tomorrow: Sparkle Windows')
    expect(shown.html).toContain('Dear Jane,\nsee you at 9:00 AM.')
  })

  it('previews with a real customer, creates a template, makes it the default and archives it', async () => {
    const contact = (await app.action('contact', 'create', { display_name: 'Priya Patel', email: 'priya@example.com' })).body.data
    const confirmation = (await app.query({ type: 'templates', kind: 'confirmation' })).body.data.items[0]
    const forPriya = await owner.get(`/settings/templates/${confirmation.id}?customer=Priya`)
    expect(forPriya.html).toContain('Hi Priya,')
    expect(forPriya.html).toContain('As Priya Patel would read it')
    expect((await owner.get(`/settings/templates/${confirmation.id}?customer=Nobody`)).html).toContain('No customer matches “Nobody”')
    const created = await form('/settings/templates/new?kind=invoice', '/settings/templates', [
      ['name', 'Short invoice'],
      ['subject', 'Invoice {{invoice_number}}'],
      ['body', 'Due: {{amount_due}}'],
      ['intent', 'save'],
    ])
    expect(created.status).toBe(303)
    const id = created.location!.match(/\/settings\/templates\/([0-9a-f-]{36})\?done=created/)![1]
    expect((await app.query({ type: 'templates', id })).body.data).toMatchObject({
      kind: 'invoice',
      name: 'Short invoice',
      is_default: false,
    })
    expect((await form(`/settings/templates/${id}`, `/settings/templates/${id}/default`, [])).status).toBe(303)
    expect((await app.query({ type: 'templates', id })).body.data.is_default).toBe(true)
    expect((await form(`/settings/templates/${id}`, `/settings/templates/${id}/archive`, [])).status).toBe(303)
    expect((await app.query({ type: 'templates', id })).body.data.archived_at).not.toBeNull()
    expect((await owner.get('/settings/templates?status=archived')).html).toContain('Short invoice')
    void contact
  })

  it("another business's template, team member and token are not found, nor a template by a name it does not have, never a 500", async () => {
    const other = await app.createTenant('Other Windows')
    const theirs = await app.t.admin.query<{ id: string }>('select id from message_templates where tenant_id = $1 limit 1', [
      other.tenant_id,
    ])
    const page = await owner.get(`/settings/templates/${theirs.rows[0].id}`)
    expect(page.status).toBe(404)
    const mine = (await app.query({ type: 'templates' })).body.data.items[0]
    const archive = await owner.post(
      `/settings/templates/${theirs.rows[0].id}/archive`,
      hiddenFields((await owner.get(`/settings/templates/${mine.id}`)).html, `/settings/templates/${mine.id}/archive`),
    )
    expect(archive.status).toBe(404)
    expect(
      (await app.t.admin.query('select archived_at from message_templates where id = $1', [theirs.rows[0].id])).rows[0].archived_at,
    ).toBeNull()
    // A template is read by its name too: words no template has are not found.
    expect((await owner.get('/settings/templates/not-an-id')).status).toBe(404)
    const theirUser = await owner.post(`/team/${other.owner_user_id}/active`, [
      ...hiddenFields((await owner.get('/team')).html, '/team'),
      ['active', 'false'],
    ])
    expect(theirUser.status).toBe(404)
    const theirToken = await app.t.admin.query<{ id: string }>('select id from agent_tokens where tenant_id = $1', [other.tenant_id])
    const revoke = await owner.post(
      `/review/connections/${theirToken.rows[0].id}/revoke`,
      hiddenFields((await owner.get('/review/connections')).html, '/review/connections/new'),
    )
    expect(revoke.status).toBe(404)
    expect(
      (await app.t.admin.query('select revoked_at from agent_tokens where id = $1', [theirToken.rows[0].id])).rows[0].revoked_at,
    ).toBeNull()
  })

  it('adds a technician, renames them, deactivates them (no more sign-in) and reactivates them', async () => {
    const added = await form('/team', '/team', [
      ['name', 'Rosa Ruiz'],
      ['email', 'rosa@sparkle.test'],
      ['role', 'technician'],
    ])
    expect(added.status).toBe(303)
    const rosa = (await app.query({ type: 'users', q: 'rosa' })).body.data.items[0]
    expect(rosa).toMatchObject({ name: 'Rosa Ruiz', email: 'rosa@sparkle.test', role: 'technician', deactivated_at: null })
    const again = await form('/team', '/team', [
      ['name', 'Rosa Again'],
      ['email', 'ROSA@sparkle.test'],
      ['role', 'technician'],
    ])
    expect(again.status).toBe(409)
    expect(again.html).toMatch(/id="e_email">rosa@sparkle.test already belongs to team member Rosa Ruiz/i)
    expect(await issueMagicLinks(app.t.db, 'rosa@sparkle.test')).toHaveLength(1)
    const signedIn = await pageClient(app, 'rosa@sparkle.test')
    expect((await signedIn.get('/today')).status).toBe(200)
    expect(
      (
        await form('/team', `/team/${rosa.id}`, [
          ['name', 'Rosa R.'],
          ['role', 'technician'],
        ])
      ).status,
    ).toBe(303)
    expect((await app.query({ type: 'users', id: rosa.id })).body.data.name).toBe('Rosa R.')
    expect((await form('/team', `/team/${rosa.id}/active`, [])).status).toBe(303)
    expect((await app.query({ type: 'users', id: rosa.id })).body.data.deactivated_at).not.toBeNull()
    expect((await owner.get('/team')).html).toContain('Reactivate Rosa R.')
    expect((await signedIn.get('/today')).status).toBe(303)
    expect(await issueMagicLinks(app.t.db, 'rosa@sparkle.test')).toEqual([])
    expect((await form('/team', `/team/${rosa.id}/active`, [])).status).toBe(303)
    expect((await app.query({ type: 'users', id: rosa.id })).body.data.deactivated_at).toBeNull()
  })

  it("moves a technician's sick day from their card, and a refusal keeps what was typed", async () => {
    const tomId = (await app.query({ type: 'users', q: 'tom' })).body.data.items[0].id
    const customer = (await app.action('contact', 'create', { display_name: 'Sick Day Sue', email: 'sue@example.com' })).body.data.id
    const visit = (
      await app.action('ticket', 'create', {
        contact_id: customer,
        scheduled_start: '2027-03-05T10:00',
        technician_ids: [tomId],
        line_items: [{ description: 'Windows', unit_price_cents: 10_000 }],
      })
    ).body.data
    const page = await owner.get('/team')
    expect(page.html).toMatch(/Move Tom Tech(&#39;|&#x27;|')s visits/)
    const refused = await form('/team', `/team/${tomId}/day`, [
      ['date', '2027-03-05'],
      ['to_date', ''],
      ['to_technician', ''],
      ['message', 'Tom is unwell.'],
    ])
    expect(refused.status).toBe(400)
    expect(refused.html).toContain('give another to_date, a to_technician_id who is someone else, or both')
    expect(refused.html).toContain('Tom is unwell.')
    const moved = await form('/team', `/team/${tomId}/day`, [
      ['date', '2027-03-05'],
      ['to_date', '2027-03-08'],
      ['to_technician', ''],
      ['message', 'Tom is unwell.'],
    ])
    expect(moved.status).toBe(303)
    const after = (await app.query({ type: 'tickets', id: visit.id })).body.data
    expect(new Date(after.scheduled_start).getTime() - new Date(visit.scheduled_start).getTime()).toBe(3 * 86_400_000)
    const told = (await app.query({ type: 'scheduled_messages', ticket_id: visit.id, kind: 'moved' })).body.data.items
    expect(told.map((m: any) => [m.status, m.body])).toEqual([['pending', 'Tom is unwell.']])
  })

  it('refuses to deactivate or demote the last active owner, and says why', async () => {
    const me = app.tenant.owner_user_id
    const off = await form('/team', `/team/${me}/active`, [])
    expect(off.status).toBe(409)
    expect(off.html).toContain('is the only owner still active and cannot be deactivated')
    const demoted = await form('/team', `/team/${me}`, [
      ['name', 'Owner'],
      ['role', 'technician'],
    ])
    expect(demoted.status).toBe(409)
    expect(demoted.html).toMatch(/id="e_role">.*only owner still active and cannot be made a technician/)
    expect((await app.query({ type: 'users', id: me })).body.data).toMatchObject({ role: 'owner', deactivated_at: null })
  })

  it('makes an agent token shown once, which works as a Bearer token until it is revoked, and keeps no secret', async () => {
    const made = await form('/review/connections', '/review/connections/new', [['name', 'Laptop agent']])
    expect(made.status).toBe(200)
    expect(made.headers.get('cache-control')).toBe('no-store')
    const token = /<textarea readonly rows="3" data-secret>(crm_[a-z0-9]{8}_[A-Za-z0-9_-]{43})<\/textarea>/.exec(made.html)![1]
    expect((await app.query({ type: 'settings' }, token)).status).toBe(200)
    const listed = (await app.query({ type: 'agent_tokens' })).body.data.items.find((t: { name: string }) => t.name === 'Laptop agent')
    expect(listed.prefix).toBe(token.slice(0, 12))
    const list = await owner.get('/review/connections')
    expect(list.html).toContain('Laptop agent')
    expect(list.html).not.toContain(token)
    for (const table of ['audit_log', 'agent_tokens', 'idempotency_keys']) {
      const found = await app.t.admin.query(`select count(*)::int as n from ${table} t where t::text like '%' || $1 || '%'`, [
        token.slice(13),
      ])
      expect(found.rows[0].n, table).toBe(0)
    }
    const audit = await app.t.admin.query<{ changes: unknown }>(
      `select changes from audit_log where entity_id = $1 and action = 'create'`,
      [listed.id],
    )
    expect(JSON.stringify(audit.rows[0].changes)).toContain('Laptop agent')
    expect((await form('/review/connections', `/review/connections/${listed.id}/revoke`, [])).status).toBe(303)
    expect((await app.query({ type: 'settings' }, token)).status).toBe(401)
  })

  it('refuses agent_token.create to an agent and to a technician, and a blank name on the page', async () => {
    const byAgent = await app.action('agent_token', 'create', { name: 'Self-made' }, { reasoning: 'I need another token' })
    expect(byAgent.status).toBe(403)
    expect(JSON.stringify(byAgent.body)).not.toMatch(/crm_[a-z0-9]{8}_/)
    const blank = await form('/review/connections', '/review/connections/new', [['name', '  ']])
    expect(blank.status).toBe(400)
    expect(blank.html).toMatch(/id="e_name">/)
    expect(blank.html).not.toMatch(/crm_[a-z0-9]{8}_/)
    const count = await app.t.admin.query<{ n: number }>(
      `select count(*)::int as n from agent_tokens where tenant_id = $1 and name in ('Self-made', '')`,
      [app.tenant.tenant_id],
    )
    expect(count.rows[0].n).toBe(0)
  })

  it('a repeated Idempotency-Key gets the answer without the secret, and the stored answer holds none', async () => {
    const key = randomUUID()
    const call = () =>
      performAction(
        app.services,
        ownerPrincipal,
        { domain: 'agent_token', action: 'create', data: { name: 'Replayed' } },
        { requestId: randomUUID(), idempotencyKey: key },
      )
    const first = await call()
    const token = (first.result as { token: string }).token
    expect(token).toMatch(/^crm_[a-z0-9]{8}_/)
    const second = await call()
    expect(second.replayed).toBe(true)
    expect(second.result).toMatchObject({ token: null, name: 'Replayed' })
    expect(JSON.stringify(second.result)).not.toContain(token.slice(13))
    const stored = await app.t.admin.query<{ response: unknown }>('select response from idempotency_keys where key = $1', [key])
    expect(JSON.stringify(stored.rows[0].response)).not.toContain(token.slice(13))
  })
})
