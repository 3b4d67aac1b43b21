import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withTenant } from '../../core/db/tenant.js'
import { syncGoogleAccount } from '../../core/domains/google/sync/sync-account.js'
import { engines } from '../helpers/databases.js'
import { type GoogleFixture, googleFixture } from '../helpers/google.js'
import { okOf, type PageApp, startPageApp } from '../helpers/page-app.js'
import { formHtml } from '../helpers/technician-fixture.js'

const PAGE = '/settings/google'
const IMPORT = `${PAGE}/contacts/import`
const LABELS = `${PAGE}/gmail/labels`
const DAY = 86_400_000

/** The session's CSRF token, as the page's forms carry it. */
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? ''

/** A section of the Google page by its heading's id. */
function sectionText(html: string, id: string): string {
  const start = html.indexOf(`<section aria-labelledby="${id}">`)
  return start < 0 ? '' : html.slice(start, html.indexOf('</section>', start))
}

describe.each(engines)("the Contacts and Gmail sections of the owner's Google page (%s)", (engine) => {
  let google: GoogleFixture
  let pages: PageApp
  let account: string
  let customersLabel: string
  let knownId: string

  const ok = okOf(() => pages.app)
  const sql = async (text: string, params: unknown[] = []) =>
    (await withTenant(pages.app.t.db, { tenantId: pages.app.tenant.tenant_id, actorType: 'system' }, (tx) => tx.query(text, params))).rows
  const sync = () => syncGoogleAccount(pages.app.services, pages.app.tenant.tenant_id, pages.app.tenant.owner_user_id, randomUUID())
  const contacts = (html: string) => sectionText(html, 'google-contacts')
  const gmail = (html: string) => sectionText(html, 'google-gmail')

  beforeAll(async () => {
    google = await googleFixture()
    pages = await startPageApp(engine, { ...google.services }, { technician: 'signed-in' })
    account = `olive-${randomUUID().slice(0, 6)}@sparkle.example`
    await google.connect(pages.app.t.db, pages.app.tenant.tenant_id, pages.app.tenant.owner_user_id, ['contacts', 'gmail'], account)
    knownId = (await ok('contact', 'create', { display_name: 'Already Emailed', email: 'here@example.com' })).id
    customersLabel = google.fake.gmail.addLabel(account, 'Customers')
    const yesterday = new Date(Date.now() - DAY)
    google.fake.gmail.deliver(account, {
      from: 'here@example.com',
      to: account,
      subject: 'Gutters?',
      text: 'Are you free?',
      date: yesterday,
    })
    google.fake.gmail.deliver(account, {
      from: 'Sam Stranger <sam@example.net>',
      to: account,
      subject: 'Window cleaning',
      text: 'Could you clean the windows of our shop next week?',
      date: yesterday,
    })
    const people = google.fake.people
    people.add(account, { names: [{ givenName: 'Here', familyName: 'Again' }], emailAddresses: [{ value: 'HERE@example.com' }] })
    people.add(account, { names: [{ givenName: 'Maria', familyName: 'Lopez' }], emailAddresses: [{ value: 'maria@example.com' }] })
    people.add(account, { phoneNumbers: [{ value: '(256) 555-0177' }] })
  })
  afterAll(async () => {
    await pages?.app.close()
    await google?.close()
  })

  it('before anything was read: Preview the import, and Gmail says nothing was read yet', async () => {
    const page = await pages.owner.get(PAGE)
    expect(page.status).toBe(200)
    expect(contacts(page.html)).toContain(`action="${IMPORT}"`)
    expect(contacts(page.html)).toContain('Preview the import</button>')
    expect(gmail(page.html)).toContain(`Read from <b>${account}</b>: Inbox and Sent.`)
    expect(gmail(page.html)).toContain('Nothing has been read yet')
    expect(gmail(page.html)).not.toContain(`action="${LABELS}"`)
  })

  it('the preview writes nothing; Import makes the customers; a person deleted in Google is listed, their customer kept', async () => {
    const page = await pages.owner.get(PAGE)
    const preview = await pages.owner.submit(page.html, IMPORT)
    expect(preview.status).toBe(200)
    expect(preview.html).toContain(
      `3 contacts in Google (<b>${account}</b>): 1 would become new customers, 1 would be matched to customers you have, 1 would be skipped.`,
    )
    expect(preview.html).toContain('Nothing has been written yet.')
    expect(preview.html).toContain('<b>Maria Lopez</b>: would become a new customer')
    expect(preview.html).toContain('<b>Here Again</b>: would be matched to a customer you have (same email)')
    expect(preview.html).toMatch(
      /<b>A contact without a name<\/b>: <span class="err">skipped<\/span>\. Google contact people\/\S+ has no name/,
    )
    expect(await sql(`select count(*)::int as n from contacts where source = 'google_import'`)).toEqual([{ n: 0 }])
    expect(await sql('select count(*)::int as n from google_contacts')).toEqual([{ n: 0 }])
    // Only the preview's own form imports.
    expect(formHtml(preview.html, IMPORT)).toContain('name="dry_run" value="false"')

    const done = await pages.owner.submit(preview.html, IMPORT)
    expect(done.status).toBe(200)
    expect(done.html).toContain('Imported.')
    expect(done.html).toContain('1 became new customers, 1 were matched to customers you have, 1 were skipped.')
    expect(done.html).toContain('come back by themselves every 30 seconds')
    const [maria] = await sql(`select id from contacts where display_name = 'Maria Lopez' and source = 'google_import'`)
    expect(maria).toBeTruthy()
    expect(done.html).toContain(`<b>Maria Lopez</b>: became <a href="/customers/${maria.id}">a new customer</a>`)
    expect(done.html).toContain(`matched to <a href="/customers/${knownId}">a customer you have</a>`)
    expect(await sql('select count(*)::int as n from google_contacts')).toEqual([{ n: 2 }])

    const after = contacts((await pages.owner.get(PAGE)).html)
    expect(after).toContain('Your Google contacts were imported. Changes made in Google come back by themselves every 30 seconds')
    expect(after).not.toContain('Deleted in Google')
    expect(after).toContain('Preview the import again</button>')

    const mariaName = google.fake.people.list(account).find((p) => p.names?.[0]?.givenName === 'Maria')?.resourceName ?? ''
    google.fake.people.remove(account, mariaName)
    expect((await sync()).steps.contacts).toMatchObject({ deleted_in_google: 1 })
    const listed = contacts((await pages.owner.get(PAGE)).html)
    expect(listed).toContain('Deleted in Google, kept here')
    expect(listed).toContain('They stay your customers here')
    expect(listed).toContain(`<a href="/customers/${maria.id}">Maria Lopez</a>`)
    expect(await sql('select archived_at from contacts where id = $1', [maria.id])).toEqual([{ archived_at: null }])
  })

  it('Gmail: what was read, the labels read and those to choose, and the choice saved and shown', async () => {
    const page = await pages.owner.get(PAGE)
    const section = gmail(page.html)
    expect(section).toContain('So far 1 email went on a timeline and 1 lead was made from emails.')
    expect(section).toContain('An email becomes a lead when')
    expect(section).toMatch(/<input type="checkbox" name="labels" value="INBOX" checked> Inbox/)
    expect(section).toMatch(/<input type="checkbox" name="labels" value="SENT" checked> Sent/)
    expect(section).toContain(`<input type="checkbox" name="labels" value="${customersLabel}"> Customers`)
    for (const never of ['SPAM', 'DRAFT', 'TRASH', 'CHAT']) expect(section).not.toContain(`value="${never}"`)
    expect(section).not.toContain('Google lost track')

    const saved = await pages.owner.post(LABELS, [
      ['_csrf', csrfOf(page.html)],
      ['labels', 'INBOX'],
      ['labels', customersLabel],
    ])
    expect(saved.status).toBe(200)
    expect(saved.html).toContain('Saved: Inbox and Customers are read from now on.')
    expect(gmail(saved.html)).toContain(`Read from <b>${account}</b>: Inbox and Customers.`)
    expect(gmail(saved.html)).toContain(`value="${customersLabel}" checked>`)
    expect(gmail(saved.html)).toMatch(/value="SENT"> Sent/)
    expect(await sql('select labels from gmail_mailboxes')).toEqual([{ labels: ['INBOX', customersLabel] }])

    const none = await pages.owner.post(LABELS, [['_csrf', csrfOf(page.html)]])
    expect(none.status).toBe(400)
    expect(none.html).toContain('The labels read were not changed. data.labels: tick at least one label to read')
    const spam = await pages.owner.post(LABELS, [
      ['_csrf', csrfOf(page.html)],
      ['labels', 'SPAM'],
    ])
    expect(spam.status).toBe(400)
    expect(spam.html).toContain('&#39;SPAM&#39; is not a label that can be read')
    expect(await sql('select labels from gmail_mailboxes')).toEqual([{ labels: ['INBOX', customersLabel] }])

    // Google forgot where reading had got to: the page says the mail since was listed again.
    google.fake.gmail.deliver(account, { from: 'here@example.com', to: account, subject: 'Tuesday?', text: 'Tuesday works.' })
    google.fake.gmail.expireHistory(account)
    expect((await sync()).steps.gmail).toMatchObject({ resynced: 1, interactions: 1 })
    const resynced = gmail((await pages.owner.get(PAGE)).html)
    expect(resynced).toContain('Google lost track of where reading had got to once')
    expect(resynced).toContain('So far 2 emails went on timelines and 1 lead was made from emails.')
  })

  it('a technician has neither section and cannot post to their forms', async () => {
    const theirs = await pages.tech.get(PAGE)
    expect(theirs.status).toBe(200)
    expect(theirs.html).not.toContain(IMPORT)
    expect(theirs.html).not.toContain(LABELS)
    expect(theirs.html).not.toContain('google-gmail')
    const csrf = csrfOf(theirs.html)
    expect(csrf).not.toBe('')
    const imported = await pages.tech.post(IMPORT, [
      ['_csrf', csrf],
      ['dry_run', 'false'],
    ])
    expect(imported.status).toBe(403)
    const labels = await pages.tech.post(LABELS, [
      ['_csrf', csrf],
      ['labels', 'SENT'],
    ])
    expect(labels.status).toBe(403)
    expect(await sql('select labels from gmail_mailboxes')).toEqual([{ labels: ['INBOX', customersLabel] }])
    expect(await sql(`select count(*)::int as n from audit_log where action = 'import_contacts'`)).toEqual([{ n: 1 }])
  })

  it("shows the operation's words when contacts is off or Google needs connecting again", async () => {
    const page = await pages.owner.get(PAGE)
    const off = await pages.owner.post(`${PAGE}/turn-off`, [
      ['_csrf', csrfOf(page.html)],
      ['feature', 'contacts'],
    ])
    expect(off.location).toBe(`${PAGE}?done=turned_off`)
    const now = await pages.owner.get(PAGE)
    expect(contacts(now.html)).toContain('Off: connect Google with Contacts ticked to turn it on.')
    expect(now.html).not.toContain(`action="${IMPORT}"`)
    const refused = await pages.owner.post(IMPORT, [
      ['_csrf', csrfOf(now.html)],
      ['dry_run', 'true'],
    ])
    expect(refused.status).toBe(409)
    expect(refused.html).toContain(`Nothing was imported. Google contacts is off for ${account}`)

    await google.connect(pages.app.t.db, pages.app.tenant.tenant_id, pages.app.tenant.owner_user_id, ['contacts', 'gmail'], account)
    await sql(`update google_connections set status = 'needs_reconnect', status_reason = $1 where user_id = $2`, [
      'Token has been expired or revoked.',
      pages.app.tenant.owner_user_id,
    ])
    const lapsed = await pages.owner.post(IMPORT, [
      ['_csrf', csrfOf(now.html)],
      ['dry_run', 'true'],
    ])
    expect(lapsed.status).toBe(409)
    expect(lapsed.html).toContain('Nothing was imported. Google needs connecting again: Token has been expired or revoked.')
    expect(contacts(lapsed.html)).toContain('Off: connect Google')
  })
})
