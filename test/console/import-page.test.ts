import { stringify } from 'csv-stringify/sync'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSession } from '../../core/auth/sessions.js'
import { squareCsv, squareCustomers } from '../../core/demo/square-export.js'
import { expectData } from '../helpers/envelope-assertions.js'
import { addUser } from '../helpers/session-browser.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { bothEngines } from '../helpers/databases.js'
import { countRows } from '../helpers/fixtures.js'

// Both engines: what it checks differs between the engines.

type Answer = { status: number; text: string; location: string | null; type: string | null }

/** A signed-in person's browser without JavaScript: pages, plain form posts and file uploads with the session cookie and CSRF field. */
async function visitor(app: TestApp, userId: string) {
  const cookie = `crm_session=${await createSession(app.t.db, app.tenant.tenant_id, userId)}`
  const csrf = expectData(await app.call('GET', '/auth/session', undefined, { authorization: '', cookie })).csrf_token as string
  const go = async (method: string, path: string, body?: URLSearchParams | FormData): Promise<Answer> => {
    const res = await fetch(app.url + path, { method, headers: { cookie }, body, redirect: 'manual' })
    return { status: res.status, text: await res.text(), location: res.headers.get('location'), type: res.headers.get('content-type') }
  }
  return {
    get: (path: string) => go('GET', path),
    post: (path: string, form: Record<string, string>) => go('POST', path, new URLSearchParams({ _csrf: csrf, ...form })),
    upload(fields: Record<string, string>, file?: { name: string; text: string }) {
      const form = new FormData()
      form.append('_csrf', csrf)
      for (const [k, v] of Object.entries(fields)) form.append(k, v)
      if (file) form.append('file', new Blob([file.text], { type: 'text/csv' }), file.name)
      return go('POST', '/import', form)
    },
  }
}

/** The value selected for a column in the mapping form. */
function chosen(html: string, header: string): string | undefined {
  const select = new RegExp(`<select name="col_\\d+" aria-label="${header}">(.*?)</select>`, 's').exec(html)?.[1] ?? ''
  return /<option value="([^"]*)" selected>/.exec(select)?.[1]
}

/** The page's text without tags, spaces squeezed, as a person reads it. */
const words = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ')

describe.each(bothEngines)("the owner's import page (%s)", (engine) => {
  let app: TestApp
  let owner: Awaited<ReturnType<typeof visitor>>
  beforeAll(async () => {
    app = await startTestApp(engine)
    owner = await visitor(app, await addUser(app, 'boss@sparkle.test', 'owner', 'Pat Owner'))
  })
  afterAll(() => app.close())

  const sheet = stringify([
    ['Client', 'Mail', 'Cell', 'Gate'],
    ...Array.from({ length: 240 }, (_, i) => [`Customer ${i}`, `c${i}@example.test`, '', `${1000 + i}`]),
    ['Broken', 'nope', '', ''],
    ['Rita Moreno', '', '256-555-0444', ''],
  ])

  /** Opens the import page until its dry run or its import has finished, returning every page seen on the way. */
  async function untilFinished(path: string): Promise<Answer[]> {
    const seen: Answer[] = []
    for (let i = 0; i < 600; i++) {
      const at = await owner.get(path)
      seen.push(at)
      if (!at.text.includes('http-equiv="refresh"')) return seen
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error('the import did not finish')
  }

  it("is the owner's alone, linked from home with a download link for every list", async () => {
    const tech = await visitor(app, await addUser(app, 'tech@sparkle.test', 'technician', 'Tess'))
    expect((await tech.get('/import')).status).toBe(403)
    expect((await fetch(`${app.url}/import`, { redirect: 'manual' })).status).toBe(303)
    const home = await owner.get('/')
    expect(home.text).toContain('<a href="/import">Import customers</a>')
    const hrefs = [...home.text.matchAll(/href="(\/api\/export\?[^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'))
    expect(hrefs).toEqual([
      '/api/export?type=contacts&include=addresses',
      '/api/export?type=tickets&include=line_items',
      '/api/export?type=invoices&include=line_items',
      '/api/export?type=payments',
      '/api/export?type=leads',
      '/api/export?type=scheduled_messages',
    ])
    for (const href of hrefs) {
      const csv = await owner.get(href)
      expect(csv.status, href).toBe(200)
      expect(csv.type).toMatch(/^text\/csv/)
      expect(csv.text.split('\n')[0]).toMatch(/^id,/)
    }
  })

  it("checks a mapped CSV row by row with the proposed columns, checks again with the owner's, imports in batches with progress, once", async () => {
    const sent = await owner.upload({ kind: 'csv_customers', source: 'sheet' }, { name: 'clients.csv', text: sheet })
    expect(sent.status).toBe(303)
    const path = sent.location as string
    // The upload answers at once; the page follows the dry run until its report is there.
    const dry = (await untilFinished(path)).at(-1)!
    expect(dry.status).toBe(200)
    expect(['Client', 'Mail', 'Cell', 'Gate'].map((h) => chosen(dry.text, h))).toEqual(['name', 'email', 'phone', ''])
    expect(words(dry.text)).toContain('242 rows: 241 would be created, 0 would be matched to customers you have, 1 would be refused.')
    expect(words(dry.text)).toContain('242 Broken refused Mail "nope" is not an email address')
    expect(await countRows(app, 'contacts')).toBe(0)

    const checked = await owner.post(`${path}/check`, {
      col_0: 'name',
      col_1: 'email',
      col_2: 'phone',
      col_3: 'attribute:gate',
      source: 'sheet',
    })
    expect(checked.status).toBe(303)
    const again = (await untilFinished(path)).at(-1)!
    expect(chosen(again.text, 'Gate')).toBe('attribute:gate')
    expect(words(again.text)).toContain('243 Rita Moreno created')

    const started = await owner.post(`${path}/run`, {})
    expect(started.status).toBe(303)
    expect((await owner.post(`${path}/run`, {})).status).toBe(303)
    const pages = await untilFinished(path)
    // The embedded engine runs in this process, which is also the test's HTTP client: the client gets its turns only between
    // batches, too seldom to catch one here (a browser, a process of its own, sees the progress: see the Chromium test below).
    if (engine === 'postgres') {
      expect(pages.length, 'the progress page was shown while batches ran').toBeGreaterThan(1)
      expect(words(pages[0].text)).toMatch(/Imported \d+ of 242 rows\./)
    }
    const done = words(pages.at(-1)?.text ?? '')
    expect(done).toContain('Import finished: clients.csv.')
    expect(done).toContain('242 rows: 241 were created, 0 were matched to customers you have, 1 were refused.')
    expect(await countRows(app, 'contacts')).toBe(241)
    const gate = await app.t.admin.query(`select value from attributes where tenant_id = $1 and key = 'gate' order by value limit 1`, [
      app.tenant.tenant_id,
    ])
    expect(gate.rows[0].value).toBe('1000')

    const second = await owner.upload({ kind: 'csv_customers', source: 'sheet' }, { name: 'clients.csv', text: sheet })
    await owner.post(`${second.location}/check`, {
      col_0: 'name',
      col_1: 'email',
      col_2: 'phone',
      col_3: 'attribute:gate',
      source: 'sheet',
    })
    expect(words((await untilFinished(second.location as string)).at(-1)!.text)).toContain('0 would be created, 241 would be matched')
  }, 240_000)

  it("imports Square's export pasted as text, and says plainly what is wrong with a file", async () => {
    const pasted = await owner.upload({ kind: 'square_customers', csv: squareCsv(squareCustomers(5, 11)) })
    const path = pasted.location as string
    expect(words((await untilFinished(path)).at(-1)!.text)).toContain('5 rows: 5 would be created')
    await owner.post(`${path}/run`, {})
    expect(words((await untilFinished(path)).at(-1)?.text ?? '')).toContain('5 were created')

    const notSquare = await owner.upload({ kind: 'square_customers' }, { name: 'x.csv', text: 'name,phone\nJane,555\n' })
    const refused = (await untilFinished(notSquare.location as string)).at(-1)!
    expect(refused.status).toBe(400)
    expect(words(refused.text)).toMatch(/not a Square customer export: the header row lacks Square Customer ID/)
    expect(refused.text).not.toContain('/run"')

    const unmapped = await owner.upload({ kind: 'csv_customers' }, { name: 'x.csv', text: 'Colour,Size\nred,8\n' })
    const page = (await untilFinished(unmapped.location as string)).at(-1)!
    expect(words(page.text)).toContain('no column header is a well-known name')
    expect(page.text).toContain('<select name="col_0" aria-label="Colour">')

    const empty = await owner.upload({ kind: 'csv_customers' })
    expect(empty.status).toBe(400)
    expect(words(empty.text)).toContain('Choose a CSV file')

    const huge = await owner.upload({ kind: 'csv_customers' }, { name: 'big.csv', text: `Name\n${'x'.repeat(5_100_000)}\n` })
    expect(huge.status).toBe(413)
    expect(words(huge.text)).toContain('The file is larger than 5 MB')

    const forged = await fetch(`${app.url}/import`, { method: 'POST', headers: { cookie: '' }, redirect: 'manual' })
    expect(forged.status).toBe(303)
    expect((await owner.get('/import/00000000-0000-4000-8000-000000000000')).status).toBe(404)
  })
})

describe.skipIf(!browserAvailable)('the import page in Chromium without JavaScript', () => {
  let app: TestApp
  let browser: Browser
  beforeAll(async () => {
    app = await startTestApp('pglite')
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  it('the owner uploads a spreadsheet, fixes a column, confirms, and the page follows the import to its end', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false })
    const token = await createSession(app.t.db, app.tenant.tenant_id, await addUser(app, 'boss@sparkle.test', 'owner', 'Pat Owner'))
    await context.addCookies([{ name: 'crm_session', value: token, url: app.url }])
    const page = await context.newPage()
    await page.goto(`${app.url}/`)
    await page.click('a[href="/import"]')
    await page.selectOption('select[name=kind]', 'csv_customers')
    const team = Array.from({ length: 298 }, (_, i) => [`Member ${i}`, `m${i}@example.test`, 'L'])
    await page.setInputFiles('input[name=file]', {
      name: 'team.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        stringify([['Who', 'E-mail', 'Shirt'], ['Ann Lee', 'ann@example.test', 'M'], ['Bo Chan', 'bo@example.test', 'L'], ...team]),
      ),
    })
    await page.click('button:has-text("Check the file")')
    // The page looks again by itself (a meta refresh, no script) until the dry run's report is there.
    await page.waitForSelector('text=300 rows: 300 would be created', { timeout: 120_000 })
    await page.selectOption('select[aria-label="Who"]', 'name')
    await page.click('button:has-text("Check again")')
    await page.waitForSelector('text=300 rows: 300 would be created', { timeout: 120_000 })
    await expect(page.locator('select[aria-label="Who"]').inputValue()).resolves.toBe('name')
    await page.click('button:has-text("Import 300 customers now")')
    // The page follows the import while it runs; a fast machine may finish it before the first page is drawn.
    await expect(page.textContent('body')).resolves.toMatch(/Imported \d+ of 300 rows\.|Import finished/)
    await page.waitForSelector('text=Import finished', { timeout: 120_000 })
    await expect(page.textContent('body')).resolves.toContain('300 were created')
    const names = expectData(await app.query({ type: 'contacts', q: 'Lee' })).items.map((c: any) => c.display_name)
    expect(names).toContain('Ann Lee')
    await context.close()
  })
})
