import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSession } from '../../core/auth/sessions.js'
import { squareCsv, squareCustomers } from '../../core/demo/square-export.js'
import { expectData, expectError } from '../helpers/envelope-assertions.js'
import { addUser } from '../helpers/session-browser.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { browserAvailable, launchBrowser } from '../helpers/browser.js'
import { bothEngines } from '../helpers/databases.js'
import { countRows, plannedRows, signedIn } from '../helpers/fixtures.js'

// Both engines: what it checks differs between the engines.

/** The page's text without tags, spaces squeezed, as a person reads it. */
const words = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
const pause = () => new Promise((resolve) => setTimeout(resolve, 50))

describe.each(bothEngines)('a large customer file is checked and imported in the background (%s)', (engine) => {
  let app: TestApp
  let browser: Browser | undefined
  // 1,500 of Square's customers: 290 KB, over the API's usual body limit (256 KB), a dry run of three batches and a run of 15.
  const big = squareCsv(squareCustomers(1500, 7))

  beforeAll(async () => {
    app = await startTestApp(engine)
    if (browserAvailable) browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  /** Reads the upload until `done` says it has finished, keeping each state seen on the way. */
  async function follow(id: string, done: (u: any) => boolean, read = (q: Record<string, string>) => app.query(q)): Promise<any[]> {
    const seen: any[] = []
    // The embedded engine runs its batches in this process, which is also the test's HTTP client: a batch holding the event
    // loop past the server's keep-alive may leave the client a socket the server has just closed. A read is asked again.
    const look = (q: Record<string, string>) => read(q).catch(() => read(q))
    for (let i = 0; i < 6000; i++) {
      const upload = expectData(await look({ type: 'import_uploads', id }))
      seen.push(upload)
      if (done(upload)) return seen
      await pause()
    }
    throw new Error('the upload did not finish')
  }

  it('through the API: import.upload answers before the dry run ran, import_uploads follows it to its report, and the import runs once the owner says', async () => {
    expect(big.length).toBeGreaterThan(app.services.config.bodyLimitBytes)
    const sent = expectData(await app.action('import', 'upload', { kind: 'square_customers', csv: big, filename: 'customers.csv' }))
    // The dry run starts only once the upload is stored: the answer cannot have waited for it.
    expect(sent).toMatchObject({
      check_status: 'checking',
      check_done: 0,
      run_status: null,
      filename: 'customers.csv',
      source: 'square',
      stalled: false,
    })
    const seen = await follow(sent.id, (u) => u.check_status !== 'checking')
    expect(seen.at(-1)).toMatchObject({ check_status: 'checked', check_done: 1500, check_total: 1500, problem: null })
    const counts = seen.map((u) => u.check_done)
    expect(counts).toEqual([...counts].sort((a, b) => a - b))
    if (engine === 'postgres')
      expect(
        counts.some((n) => n > 0 && n < 1500),
        `progress between batches: ${[...new Set(counts)]}`,
      ).toBe(true)
    const report = expectData(await app.query({ type: 'import_uploads', id: sent.id, include: 'report' })).check_report
    expect(report).toMatchObject({ dry_run: true, total: 1500, created: 1500, matched: 0, refused: 0 })
    expect(report.rows).toHaveLength(1500)
    expect(await countRows(app, 'contacts')).toBe(0)

    // The agent asks; only the owner's approval (or the owner) runs it.
    expectError(await app.action('import', 'run', { upload_id: sent.id }), 422, 'REASONING_REQUIRED')
    const asked = await app.action('import', 'run', { upload_id: sent.id }, { reasoning: 'the owner asked to move the customers in' })
    expect([asked.status, asked.body.data.status]).toEqual([202, 'pending_authorization'])
    const owner = await signedIn(app, app.tenant.owner_user_id)
    const started = expectData(await owner.action('import', 'run', { upload_id: sent.id }))
    expect(started).toMatchObject({ run_status: 'running', run_total: 1500 })
    expect(expectData(await owner.action('import', 'run', { upload_id: sent.id })).run_status).toBe('running')
    const ran = await follow(
      sent.id,
      (u) => u.run_status !== 'running',
      (q) => owner.query(q),
    )
    expect(ran.at(-1)).toMatchObject({ run_status: 'done', run_done: 1500, run_error: null })
    expect(await countRows(app, 'contacts')).toBe(1500)
    // Without autovacuum, the embedded engine's planner learns of the 1,500 customers when the import is done.
    if (engine === 'pglite') expect(await plannedRows(app, 'contacts')).toBe(1500)
    expectError(await owner.action('import', 'check', { upload_id: sent.id }), 409, 'CONFLICT')
  }, 600_000)

  it('a new check of the same upload takes over from the one under way, which stops writing', async () => {
    const small = squareCsv(squareCustomers(1000, 9))
    const sent = expectData(await app.action('import', 'upload', { kind: 'square_customers', csv: small }))
    const again = expectData(await app.action('import', 'check', { upload_id: sent.id }))
    expect(again).toMatchObject({ check_status: 'checking', check_attempt: 2, check_done: 0 })
    const end = (await follow(sent.id, (u) => u.check_status !== 'checking')).at(-1)
    expect(end).toMatchObject({ check_status: 'checked', check_attempt: 2, check_done: 1000, check_total: 1000, problem: null })
    expect(expectData(await app.query({ type: 'import_uploads', id: sent.id, include: 'report' })).check_report.total).toBe(1000)
  }, 300_000)

  it('an import whose server stopped shows as stalled, says where it stopped, and starts again from the page', async () => {
    const cookie = `crm_session=${await createSession(app.t.db, app.tenant.tenant_id, await addUser(app, `kim-${engine}@sparkle.test`, 'owner', 'Kim'))}`
    const csrf = expectData(await app.call('GET', '/auth/session', undefined, { authorization: '', cookie })).csrf_token as string
    const sent = expectData(
      await app.action('import', 'upload', {
        kind: 'csv_customers',
        csv: 'Name,Email\nStella Stop,stella@stop.test\nSam Stop,sam@stop.test\n',
        filename: 'stop.csv',
      }),
    )
    await follow(sent.id, (u) => u.check_status !== 'checking')
    // As a server killed mid-import leaves it: running, some rows done, and nothing moving since.
    // updated_at is set past the table's trigger, inside one transaction (the trigger is back at its end).
    await app.t.admin.transaction(async (tx) => {
      await tx.exec('alter table import_uploads disable trigger import_uploads_updated_at')
      await tx.query(
        `update import_uploads set run_status = 'running', run_done = 1, run_total = 2,
      updated_at = now() - interval '10 minutes' where id = $1`,
        [sent.id],
      )
      await tx.exec('alter table import_uploads enable trigger import_uploads_updated_at')
    })
    expect(expectData(await app.query({ type: 'import_uploads', id: sent.id }))).toMatchObject({ run_status: 'running', stalled: true })
    const page = await (await fetch(`${app.url}/import/${sent.id}`, { headers: { cookie } })).text()
    expect(words(page)).toContain('The import of stop.csv stopped after 1 of 2 rows (its server was stopped or restarted).')
    expect(page).not.toContain('http-equiv="refresh"')
    const again = await fetch(`${app.url}/import/${sent.id}/run`, {
      method: 'POST',
      headers: { cookie },
      body: new URLSearchParams({ _csrf: csrf }),
      redirect: 'manual',
    })
    expect(again.status).toBe(303)
    expect((await follow(sent.id, (u) => u.run_status !== 'running')).at(-1)).toMatchObject({
      run_status: 'done',
      run_done: 2,
      stalled: false,
    })
    const names = await app.t.admin.query<{ display_name: string }>(
      `select display_name from contacts where tenant_id = $1 and email like '%@stop.test'
      order by 1`,
      [app.tenant.tenant_id],
    )
    expect(names.rows.map((c) => c.display_name)).toEqual(['Sam Stop', 'Stella Stop'])
  }, 300_000)

  it.skipIf(!browserAvailable)(
    'through the console page in Chromium: the upload answers at once and the page follows the check to its report',
    async () => {
      const context = await browser!.newContext({ javaScriptEnabled: false })
      const token = await createSession(
        app.t.db,
        app.tenant.tenant_id,
        await addUser(app, `boss-${engine}@sparkle.test`, 'owner', 'Pat Owner'),
      )
      await context.addCookies([{ name: 'crm_session', value: token, url: app.url }])
      const page = await context.newPage()
      await page.goto(`${app.url}/import`)
      const file = squareCsv(squareCustomers(1000, 13))
      await page.setInputFiles('input[name=file]', { name: 'square.csv', mimeType: 'text/csv', buffer: Buffer.from(file) })
      const answered = page.waitForResponse((r) => r.url() === `${app.url}/import` && r.request().method() === 'POST')
      await page.click('button:has-text("Check the file")')
      expect((await answered).status()).toBe(303)
      const id = /\/import\/([0-9a-f-]{36})$/.exec(page.url())![1]
      // Its state is kept in the database, where any server process reads it.
      const row = await app.t.admin.query<{ check_status: string; filename: string }>(
        'select check_status, filename from import_uploads where id = $1',
        [id],
      )
      expect(row.rows[0].filename).toBe('square.csv')
      // The page looks again by itself (a meta refresh, no script) until the dry run's report is there.
      // (Its phone numbers are those of the customers the first test imported: those rows would be matched.)
      await page.waitForSelector('text=/1000 rows: \\d+ would be created, \\d+ would be matched/', { timeout: 240_000 })
      await expect(page.textContent('body')).resolves.toContain('Import 1000 customers now')
      await context.close()
    },
    300_000,
  )

  it("through the console page over HTTP: the progress page shows rows checked of the file's while the dry run goes", async () => {
    const cookie = `crm_session=${await createSession(app.t.db, app.tenant.tenant_id, await addUser(app, `pat-${engine}@sparkle.test`, 'owner', 'Pat'))}`
    const csrf = expectData(await app.call('GET', '/auth/session', undefined, { authorization: '', cookie })).csrf_token as string
    const form = new FormData()
    form.append('_csrf', csrf)
    form.append('kind', 'square_customers')
    form.append('file', new Blob([squareCsv(squareCustomers(1000, 17))], { type: 'text/csv' }), 'more.csv')
    const sent = await fetch(`${app.url}/import`, { method: 'POST', headers: { cookie }, body: form, redirect: 'manual' })
    expect(sent.status).toBe(303)
    const path = sent.headers.get('location')!
    const pages: string[] = []
    for (let i = 0; i < 6000; i++) {
      const html = await (await getAgain(app.url + path, { cookie })).text()
      pages.push(words(html))
      if (!html.includes('http-equiv="refresh"')) break
      await pause()
    }
    expect(pages.at(-1)).toMatch(/1000 rows: \d+ would be created, \d+ would be matched/)
    const progress = pages.slice(0, -1)
    for (const text of progress)
      expect(text).toMatch(/Checking more\.csv · nothing is imported yet (Reading the file\.|Checked \d+ of 1000 rows\.)/)
    if (engine === 'postgres') expect(progress.length, 'the progress page was shown while the dry run ran').toBeGreaterThan(0)
  }, 300_000)
})

/**
 * A GET that is sent again once when the kept-alive connection it went out on was closed by the server at that moment
 * (ECONNRESET), as a browser does with an idempotent request; a poll every few milliseconds meets that race under load.
 */
async function getAgain(url: string, headers: Record<string, string>): Promise<Response> {
  try {
    return await fetch(url, { headers })
  } catch (err) {
    if ((err as { cause?: { code?: string } }).cause?.code !== 'ECONNRESET') throw err
    return fetch(url, { headers })
  }
}
