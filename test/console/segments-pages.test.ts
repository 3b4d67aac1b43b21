import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { okOf, startPageApp } from '../helpers/page-app.js'
import { expectEscaped, PAYLOAD } from '../helpers/hostile-markup.js'
import { shortMoment } from '../../console/owner/contacts/customer-words.js'
import type { PageClient } from '../helpers/technician-fixture.js'

describe.each(engines)("segments on the owner's pages (%s)", (engine) => {
  let app: TestApp
  let owner: PageClient
  let tech: PageClient
  const ok = okOf(() => app)
  const page = async (path: string) => {
    const r = await owner.get(path)
    expect(r.status, path).toBe(200)
    return r.html
  }
  const segmentNamed = async (name: string) => (await app.query({ type: 'segments' })).body.data.items.find((s: any) => s.name === name)

  beforeAll(async () => {
    ;({ app, owner, tech } = await startPageApp(engine, { integrations: { stripe: null } }, { technician: 'signed-in' }))
  })
  afterAll(async () => {
    await app?.close()
  })

  it('makes a manual segment from the list, finds customers by name to add, and removes one', async () => {
    const rosa = (await ok('contact', 'create', { display_name: 'Rosa Reed', email: 'rosa@example.com' })).id
    await ok('contact', 'create', { display_name: 'Sam Stone' })
    const list = await page('/segments')
    expect(list).toContain('No segments yet.')
    expect(await page('/settings')).toContain('href="/segments"')
    const made = await owner.submit(list, '/segments', [
      ['name', 'Fair visitors'],
      ['kind', 'manual'],
    ])
    expect(made.status).toBe(303)
    const segment = await segmentNamed('Fair visitors')
    expect(made.location).toBe(`/segments/${segment.id}?done=created`)
    const found = await page(`/segments/${segment.id}?q=Rosa`)
    expect(found).toContain('Customers chosen by hand')
    expect(found).toContain('0 members')
    const added = await owner.submit(found, `/segments/${segment.id}/add`)
    expect(added.location).toBe(`/segments/${segment.id}?done=added#members`)
    const shown = await page(`/segments/${segment.id}?done=added`)
    expect(shown).toContain('Added.')
    expect(shown).toContain('1 member,')
    expect(shown).toContain(`href="/customers/${rosa}"`)
    const removed = await owner.submit(shown, `/segments/${segment.id}/remove`)
    expect(removed.status).toBe(303)
    expect((await segmentNamed('Fair visitors')).member_count).toBe(0)
    const twice = await owner.submit(await page('/segments'), '/segments', [
      ['name', 'fair visitors'],
      ['kind', 'manual'],
    ])
    expect(twice.status).toBe(409)
    expect(twice.html).toContain('already exists')
  })

  it("makes a rule segment from the form's conditions, refusing a condition it cannot read, and shows the rule, count and when", async () => {
    const vic = (await ok('contact', 'create', { display_name: 'Vic Vale', tags: ['vip'] })).id
    await ok('address', 'add', { contact_id: vic, line1: '1 Oak St', city: 'Madison', state: 'AL', postal_code: '35758' })
    const list = await page('/segments')
    const bad = await owner.submit(list, '/segments', [
      ['name', 'Big spenders'],
      ['kind', 'rule'],
      ['spend_over', 'lots'],
    ])
    expect(bad.status).toBe(400)
    expect(bad.html).toContain('expected an amount such as 250')
    expect(await segmentNamed('Big spenders')).toBeUndefined()
    const empty = await owner.submit(list, '/segments', [
      ['name', 'Everyone'],
      ['kind', 'rule'],
    ])
    expect(empty.status).toBe(400)
    expect(empty.html).toContain('names no condition')
    const made = await owner.submit(list, '/segments', [
      ['name', 'Madison VIPs'],
      ['kind', 'rule'],
      ['city', 'madison'],
      ['tag', 'vip'],
    ])
    expect(made.status).toBe(303)
    const shown = await page(made.location as string)
    expect(shown).toContain('Every customer tagged vip · in madison')
    expect(shown).toMatch(/1 member, computed /)
    expect(shown).toContain('Vic Vale')
    expect(shown).not.toContain(`action="/segments/${(await segmentNamed('Madison VIPs')).id}/remove"`)
    const again = await owner.submit(shown, `/segments/${(await segmentNamed('Madison VIPs')).id}/refresh`)
    expect(again.status).toBe(303)
    const gutters = await ok('service', 'create', { name: 'Gutter cleaning', pricing: 'fixed', price_cents: 9000 })
    const lapsed = await ok('segment', 'create', {
      name: 'No gutters lately',
      kind: 'rule',
      rule: { lacks_service: { service_id: gutters.id, since: '2026-01-01' } },
    })
    expect(await page(`/segments/${lapsed.id}`)).toContain('Every customer without Gutter cleaning since 2026-01-01')
  })

  it("recomputes a rule segment's members when the page opens and they are more than a few minutes old, and says when", async () => {
    const segment = await ok('segment', 'create', { name: 'Springfield', kind: 'rule', rule: { city: 'Springfield' } })
    expect(segment.member_count).toBe(0)
    const sue = (await ok('contact', 'create', { display_name: 'Sue Spring' })).id
    await ok('address', 'add', { contact_id: sue, line1: '9 Elm St', city: 'Springfield', state: 'IL', postal_code: '62701' })
    // Just computed: the page shows the stored members, so opening it again and again costs nothing.
    const fresh = await page(`/segments/${segment.id}`)
    expect(fresh).toMatch(/0 members, computed /)
    expect(fresh).not.toContain('Sue Spring')
    expect(fresh).toContain('Recomputed when this page opens if older than 5 minutes.')
    // Computed a quarter of an hour ago: opening the page recomputes first, and the time shown is now's.
    await app.t.admin.query(`update segments set computed_at = now() - interval '15 minutes' where id = $1`, [segment.id])
    const stale = await page(`/segments/${segment.id}`)
    expect(stale).toContain('Sue Spring')
    const stored = await segmentNamed('Springfield')
    expect(stored.member_count).toBe(1)
    expect(Date.now() - new Date(stored.computed_at).getTime()).toBeLessThan(60_000)
    const { timezone } = (await app.query({ type: 'settings' })).body.data.items[0]
    expect(stale).toContain(`1 member, computed ${shortMoment(stored.computed_at, timezone)}`)
  })

  it('emails every member from the send form, saying how many were scheduled and skipped', async () => {
    const segment = await ok('segment', 'create', { name: 'Newsletter', kind: 'manual' })
    const ids = [
      (await ok('contact', 'create', { display_name: 'Amy Ash', email: 'amy@example.com' })).id,
      (await ok('contact', 'create', { display_name: 'Ben Birch' })).id,
    ]
    await ok('segment', 'add_members', { segment_id: segment.id, contact_ids: ids })
    const form = await page(`/segments/${segment.id}/send`)
    expect(form).toContain('Send to 2 members')
    const refused = await owner.submit(form, `/segments/${segment.id}/send`, [
      ['subject', ''],
      ['body', 'Hi'],
      ['when', 'now'],
    ])
    expect(refused.status).toBe(400)
    expect(refused.html).toContain('expected a subject line')
    const done = await owner.submit(form, `/segments/${segment.id}/send`, [
      ['subject', 'Hello {{customer_first_name}}'],
      ['body', 'Spring is here'],
      ['when', 'now'],
    ])
    expect(done.status).toBe(303)
    expect(await page(done.location as string)).toContain('1 email scheduled; 1 skipped without an email address.')
    const messages = await app.query({ type: 'scheduled_messages', contact_id: ids[0] })
    expect(messages.body.data.items).toHaveLength(1)
  })

  it('escapes what people typed, answers 404 for a segment of no one, and is closed to technicians', async () => {
    const segment = await ok('segment', 'create', { name: PAYLOAD, kind: 'manual', description: PAYLOAD })
    expectEscaped(await owner.get('/segments'), 'the segments list')
    expectEscaped(await owner.get(`/segments/${segment.id}`), 'a segment page')
    expect((await owner.get('/segments/00000000-0000-4000-8000-000000000001')).status).toBe(404)
    expect((await owner.get('/segments/not-an-id/send')).status).toBe(404)
    expect((await tech.get('/segments')).status).toBe(403)
  })
})
