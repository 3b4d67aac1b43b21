import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectData, expectError } from '../../helpers/envelope-assertions.js'
import { startTestApp, type TestApp } from '../../helpers/app.js'
import { engines } from '../../helpers/databases.js'
import { expectFields } from '../../helpers/fixtures.js'
import { formHtml, pageClient, reviewCardOf, type PageClient } from '../../helpers/technician-fixture.js'

const why = 'Disk space is short, keep fewer copies'

describe.each(engines)('when the nightly backup runs and how many are kept (%s)', (engine) => {
  let app: TestApp
  let owner: PageClient
  const settings = async () => expectData(await app.query({ type: 'settings' })).items[0]

  beforeAll(async () => {
    app = await startTestApp(engine)
    owner = await pageClient(app, 'owner@sparkle.test')
  })
  afterAll(() => app?.close())

  it('starts at 02:30 keeping 7 daily, 4 weekly and 12 monthly backups, and the owner changes them', async () => {
    expect(await settings()).toMatchObject({ backup_time: '02:30', backup_keep_daily: 7, backup_keep_weekly: 4, backup_keep_monthly: 12 })
    const changed = await app.ownerAction('settings', 'update', {
      backup_time: '03:15',
      backup_keep_daily: 14,
      backup_keep_weekly: 0,
      backup_keep_monthly: 120,
    })
    expect(changed).toMatchObject({ backup_time: '03:15', backup_keep_daily: 14, backup_keep_weekly: 0, backup_keep_monthly: 120 })
    expect(await settings()).toMatchObject({ backup_time: '03:15', backup_keep_daily: 14, backup_keep_weekly: 0, backup_keep_monthly: 120 })
    const trail = expectData(await app.query({ type: 'settings', id: app.tenant.tenant_id, include: 'audit_trail' })).audit_trail
    expect(trail.at(-1).changes).toMatchObject({ backup_time: { old: '02:30', new: '03:15' }, backup_keep_daily: { old: 7, new: 14 } })
  })

  it('refuses a time that is not HH:MM and counts outside the ranges, naming each field and what it expects, and changes nothing', async () => {
    const before = await settings()
    for (const backup_time of ['3:15', '24:00', '02:60', 'midnight']) {
      const refused = await app.action('settings', 'update', { backup_time })
      expectFields(refused, ['data.backup_time'])
      expect(refused.body.error.message).toContain('expected a time HH:MM from 00:00 to 23:59')
    }
    for (const [field, values, range] of [
      ['backup_keep_daily', [0, 91, 1.5, '7'], 'from 1 to 90'],
      ['backup_keep_weekly', [-1, 105], 'from 0 to 104'],
      ['backup_keep_monthly', [-1, 121], 'from 0 to 120'],
    ] as const) {
      for (const value of values) {
        const refused = await app.action('settings', 'update', { [field]: value }, { reasoning: why })
        expectFields(refused, [`data.${field}`])
        expect(refused.body.error.message).toContain(`expected a whole number ${range}`)
      }
    }
    // None can be cleared: some backups are always kept.
    expectFields(await app.action('settings', 'update', { backup_keep_daily: null }, { reasoning: why }), ['data.backup_keep_daily'])
    expect(await settings()).toEqual(before)
  })

  it('an agent moves the nightly time at once, but keeping fewer backups waits for the owner, who sees what it deletes', async () => {
    expect(expectData(await app.action('settings', 'update', { backup_time: '01:45' })).backup_time).toBe('01:45')

    const before = await settings()
    const refused = await app.action('settings', 'update', { backup_keep_daily: 1 })
    expectError(refused, 422, 'REASONING_REQUIRED')
    expect(refused.body.error.details).toMatchObject({ owner_approves: ['backup_keep_daily'] })

    const queued = await app.action('settings', 'update', { backup_keep_daily: 1, backup_keep_monthly: 0 }, { reasoning: why })
    expect(queued.status).toBe(202)
    expect(await settings()).toEqual(before)
    const requestId = expectData(queued, 202).request_id

    const page = await owner.get('/review')
    const card = reviewCardOf(page.html, requestId)
    expect(card).toContain('backup keep daily: 14 → <b>1</b>')
    expect(card).toContain('backup keep monthly: 120 → <b>0</b>')
    expect(card).toContain('Keeps 1 daily backup instead of 14: the next backup deletes the older ones for good.')
    expect(card).toContain('Keeps 0 monthly backups instead of 120: the next backup deletes the older ones for good.')
    expect(card).not.toContain('every invoice and email')
    expect(formHtml(page.html, `/review/${requestId}`)).not.toContain('value="allow_always"')

    // Keeping more deletes nothing, and still waits: the owner decides how much history there is.
    const more = await app.action('settings', 'update', { backup_keep_weekly: 52 }, { reasoning: 'keep a year of weeks' })
    expect(more.status).toBe(202)
    const moreCard = reviewCardOf((await owner.get('/review')).html, expectData(more, 202).request_id)
    expect(moreCard).toContain('backup keep weekly: 0 → <b>52</b>')
    expect(moreCard).not.toContain('the next backup deletes')

    const allowed = await owner.submit(page.html, `/review/${requestId}`, [['decision', 'allow_once']])
    expect(allowed.location).toBe('/review?done=executed')
    expect(await settings()).toMatchObject({ backup_keep_daily: 1, backup_keep_monthly: 0, backup_keep_weekly: 0 })
  })

  it('the settings page shows the Backups section and saves its fields with the rest of the form', async () => {
    const page = await owner.get('/settings')
    expect(page.html).toContain('<h2 id="backups">Backups</h2>')
    expect(page.html).toContain('href="#backups"')
    const form = formHtml(page.html, '/settings')
    expect(form).toContain('Nightly backup at (America/Chicago)<input name="backup_time" value="01:45" type="time"')
    expect(form).toContain('name="backup_keep_daily" value="1"')

    // The form as the page fills it, with some fields changed.
    const inputs = [...form.matchAll(/<input name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2].replace(/&amp;/g, '&')])
    const zone = /<option selected>([^<]+)<\/option>/.exec(form)?.[1] ?? ''
    const sent = (changes: Record<string, string>) =>
      [...inputs, ['timezone', zone]].map(([name, value]): [string, string] => [name, changes[name] ?? value])
    const wrong = await owner.submit(page.html, '/settings', sent({ backup_keep_daily: '0', backup_keep_weekly: 'many' }))
    expect(wrong.status).toBe(400)
    expect(wrong.html).toContain('expected a whole number, e.g. 30')
    const range = await owner.submit(page.html, '/settings', sent({ backup_keep_daily: '0' }))
    expect(range.status).toBe(400)
    expect(range.html).toContain('<span class="err" id="e_backup_keep_daily">expected a whole number from 1 to 90</span>')
    expect((await settings()).backup_keep_daily).toBe(1)

    const saved = await owner.submit(
      page.html,
      '/settings',
      sent({ backup_time: '04:05', backup_keep_daily: '10', backup_keep_weekly: '6' }),
    )
    expect(saved.location).toBe('/settings?done=saved')
    expect(await settings()).toMatchObject({ backup_time: '04:05', backup_keep_daily: 10, backup_keep_weekly: 6, backup_keep_monthly: 0 })
  })
})
