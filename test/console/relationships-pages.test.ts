import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { okOf, startPageApp } from '../helpers/page-app.js'
import { expectEscaped, PAYLOAD } from '../helpers/hostile-markup.js'
import type { PageClient } from '../helpers/technician-fixture.js'

describe.each(engines)("relationships and referrals on the owner's customer pages (%s)", (engine) => {
  let app: TestApp
  let owner: PageClient
  let tech: PageClient
  const ids: Record<string, string> = {}
  const ok = okOf(() => app)
  const page = async (path: string) => {
    const r = await owner.get(path)
    expect(r.status, path).toBe(200)
    return r.html
  }
  const linksOf = async (id: string) => (await app.query({ type: 'contacts', id, include: 'links' })).body.data.links

  beforeAll(async () => {
    ;({ app, owner, tech } = await startPageApp(engine, { integrations: { stripe: null } }, { technician: 'signed-in' }))
    ids.acme = (
      await ok('contact', 'create', {
        kind: 'organization',
        display_name: 'Acme Offices',
        legal_name: 'Acme Offices LLC',
        industry: 'property management',
        website: 'https://acme.example',
        tax_id: '12-3456789',
        billing_address: { line1: '400 Commerce Way', city: 'Huntsville', state: 'AL', postal_code: '35801' },
      })
    ).id
    ids.holding = (await ok('contact', 'create', { kind: 'organization', display_name: 'Acme Holdings' })).id
    for (const name of ['Jane Miller', 'Kim Park', 'Lee Park', 'Max Stone'])
      ids[name.split(' ')[0]] = (await ok('contact', 'create', { display_name: name })).id
    await ok('contact', 'link', { contact_id: ids.Jane, to_contact_id: ids.acme, link_type: 'works_at', strength: 'strong' })
    await ok('contact', 'link', { contact_id: ids.acme, to_contact_id: ids.holding, link_type: 'parent_company' })
  })
  afterAll(async () => {
    await app?.close()
  })

  it("shows an organization's company fields and its relationships from both sides, with strength", async () => {
    const acme = await page(`/customers/${ids.acme}`)
    for (const text of [
      'Legal name: Acme Offices LLC',
      'Industry: property management',
      'href="https://acme.example"',
      'Tax id: 12-3456789',
      'Billing address: 400 Commerce Way, Huntsville, AL 35801',
    ])
      expect(acme).toContain(text)
    expect(acme).toMatch(new RegExp(`Employs <a href="/customers/${ids.Jane}">Jane Miller</a> <span class="muted">\\(strong\\)`))
    expect(acme).toMatch(new RegExp(`Owned by \\(parent company\\) <a href="/customers/${ids.holding}">Acme Holdings</a>`))
    expect(await page(`/customers/${ids.holding}`)).toContain('Owns (subsidiary)')
    const jane = await page(`/customers/${ids.Jane}`)
    expect(jane).toMatch(new RegExp(`Works at <a href="/customers/${ids.acme}">Acme Offices</a>`))
    expect(jane).not.toContain('Legal name')
  })

  it("adds a relationship by typing the other customer's name, either way round, and asks which one when several match", async () => {
    const jane = await page(`/customers/${ids.Jane}`)
    const added = await owner.submit(jane, `/customers/${ids.Jane}/links`, [
      ['relationship', 'referred'],
      ['other', 'Max Stone'],
      ['strength', 'weak'],
    ])
    expect(added.status).toBe(303)
    expect(added.location).toBe(`/customers/${ids.Jane}?done=linked#relationships`)
    // "Jane referred Max" is stored as Max referred_by Jane.
    expect((await linksOf(ids.Max)).map((l: any) => [l.link_type, l.direction, l.contact_id, l.strength])).toEqual([
      ['referred_by', 'outgoing', ids.Jane, 'weak'],
    ])
    expect(await page(`/customers/${ids.Jane}?done=linked`)).toContain('Relationship saved.')
    const several = await owner.submit(jane, `/customers/${ids.Jane}/links`, [
      ['relationship', 'referred'],
      ['other', 'Park'],
      ['strength', 'normal'],
    ])
    expect(several.status).toBe(200)
    expect(several.html).toContain('Several customers match')
    const kimForm = several.html.slice(0, several.html.indexOf('Kim Park</button>'))
    const chosen = await owner.post(
      `/customers/${ids.Jane}/links`,
      [...kimForm.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].slice(-4).map((m) => [m[1], m[2]] as [string, string]),
    )
    expect(chosen.status).toBe(303)
    expect((await linksOf(ids.Kim)).map((l: any) => [l.relation, l.contact_id])).toEqual([['referrer', ids.Jane]])
    expect(await linksOf(ids.Lee)).toEqual([])
  })

  it('refuses a relationship that cannot be, saying why, and writes nothing', async () => {
    const jane = await page(`/customers/${ids.Jane}`)
    const before = await linksOf(ids.Lee)
    const refused = await owner.submit(jane, `/customers/${ids.Jane}/links`, [
      ['relationship', 'works_at'],
      ['other_id', ids.Lee],
      ['strength', 'normal'],
    ])
    expect(refused.status).toBe(400)
    expect(refused.html).toContain('Nothing was changed.')
    expect(refused.html).toContain('works_at links a person')
    const nobody = await owner.submit(jane, `/customers/${ids.Jane}/links`, [
      ['relationship', 'partner'],
      ['other', 'Nobody Atall'],
      ['strength', 'normal'],
    ])
    expect(nobody.status).toBe(404)
    expect(await linksOf(ids.Lee)).toEqual(before)
  })

  it('shows who a customer brought and who brought them, with counts', async () => {
    await ok('contact', 'link', { contact_id: ids.Lee, to_contact_id: ids.Kim, link_type: 'referred_by' })
    const referrals = await page(`/customers/${ids.Jane}/referrals`)
    expect(referrals).toContain('2 directly, 3 in all')
    expect(referrals).toContain(`<a href="/customers/${ids.Lee}">Lee Park</a> <span class="muted">level 2, through Kim Park</span>`)
    expect(await page(`/customers/${ids.Lee}/referrals`)).toMatch(
      /Who brought Lee Park<\/h2><ul><li><a[^>]+>Kim Park<\/a><\/li><li><a[^>]+>Jane Miller<\/a> <span class="muted">who referred Kim Park/,
    )
    expect((await owner.get('/customers/00000000-0000-4000-8000-000000000009/referrals')).status).toBe(404)
  })

  it('escapes names and company fields wherever they show', async () => {
    const evil = (await ok('contact', 'create', { kind: 'organization', display_name: PAYLOAD, legal_name: PAYLOAD, industry: PAYLOAD })).id
    await ok('contact', 'link', { contact_id: evil, to_contact_id: ids.Max, link_type: 'referred_by', note: PAYLOAD })
    expectEscaped(await owner.get(`/customers/${evil}`), "the organization's page")
    expectEscaped(await owner.get(`/customers/${ids.Max}/referrals`), 'the referrals page')
  })

  it("edits an organization's company details from its page, refusing a bad website and keeping what was there", async () => {
    const holding = await page(`/customers/${ids.holding}`)
    expect(holding).toContain('No company details yet.')
    const fields = (website: string): Array<[string, string]> => [
      ['legal_name', 'Acme Holdings Inc'],
      ['industry', 'Holding Company'],
      ['website', website],
      ['tax_id', ''],
      ['billing.line1', '1 Main St'],
      ['billing.line2', ''],
      ['billing.city', 'Decatur'],
      ['billing.state', 'AL'],
      ['billing.postal_code', '35601'],
      ['billing.country', 'US'],
    ]
    const refused = await owner.submit(holding, `/customers/${ids.holding}/company`, fields('acme holdings'))
    expect(refused.status).toBe(400)
    expect(refused.html).toContain('website: expected a web address')
    expect((await app.query({ type: 'contacts', id: ids.holding })).body.data.legal_name).toBeNull()
    const saved = await owner.submit(holding, `/customers/${ids.holding}/company`, fields('https://holdings.example'))
    expect(saved.status).toBe(303)
    expect((await app.query({ type: 'contacts', id: ids.holding })).body.data).toMatchObject({
      legal_name: 'Acme Holdings Inc',
      industry: 'holding company',
      tax_id: null,
      billing_address: { line1: '1 Main St', city: 'Decatur', state: 'AL', postal_code: '35601', country: 'US' },
    })
    expect(await page(`/customers/${ids.holding}`)).toContain('Billing address: 1 Main St, Decatur, AL 35601')
    expect(await page(`/customers/${ids.Jane}`)).not.toContain('Edit company details')
  })

  it("is the owner's: a technician gets 403", async () => {
    expect((await tech.get(`/customers/${ids.Jane}/referrals`)).status).toBe(403)
    expect(
      (
        await tech.post(`/customers/${ids.Jane}/links`, [
          ['relationship', 'partner'],
          ['other', 'Max'],
        ])
      ).status,
    ).toBe(403)
    expect((await tech.post(`/customers/${ids.acme}/company`, [['industry', 'x']])).status).toBe(403)
  })
})
