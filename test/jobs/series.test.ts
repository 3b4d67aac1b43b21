import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateSeriesVisits } from '../../core/jobs/series.js'
import { runJobsOnce } from '../../core/jobs/worker.js'
import { localDate, localTime } from '../../core/vocabulary/time.js'
import type { CreatedTenant } from '../../core/kernel/tenants.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { engines } from '../helpers/databases.js'
import { expectData } from '../helpers/envelope-assertions.js'

describe.each(engines)('the worker books recurring visits per business (%s)', (engine) => {
  let app: TestApp
  let kiwi: CreatedTenant
  let clock = new Date('2026-03-02T12:00:00Z')

  beforeAll(async () => {
    app = await startTestApp(engine, { now: () => clock, integrations: { stripe: null } })
    kiwi = await app.createTenant('Kiwi Windows')
    await app.t.admin.query(`update tenants set timezone = 'Pacific/Auckland' where id = $1`, [kiwi.tenant_id])
  })
  afterAll(() => app?.close())

  /** A customer with an address and a weekly Monday series at 09:00, in the business of the token. */
  async function weekly(tenant: CreatedTenant): Promise<{ seriesId: string; addressId: string }> {
    const c = expectData(
      await app.action(
        'contact',
        'create',
        { display_name: 'Weekly Customer', email: 'weekly@example.com' },
        { token: tenant.agent_token },
      ),
    )
    const a = await app.t.admin.query<{ id: string }>(
      `insert into addresses (tenant_id, contact_id, line1, city, state, postal_code) values ($1, $2, '1 Bay Road', 'Town', 'AK', '1010') returning id`,
      [tenant.tenant_id, c.id],
    )
    const s = expectData(
      await app.action(
        'series',
        'create',
        {
          contact_id: c.id,
          address_id: a.rows[0].id,
          rule: 'FREQ=WEEKLY;BYDAY=MO',
          start_date: '2026-03-02',
          start_time: '09:00',
          duration_minutes: 60,
        },
        { token: tenant.agent_token },
      ),
    )
    return { seriesId: s.id, addressId: a.rows[0].id }
  }
  const starts = async (seriesId: string) =>
    (
      await app.t.admin.query<{ scheduled_start: Date }>(
        'select scheduled_start from tickets where series_id = $1 order by scheduled_start',
        [seriesId],
      )
    ).rows.map((r) => new Date(r.scheduled_start))

  it("books each business's visits in its own time zone; one series that fails is named and the others are booked", async () => {
    const home = await weekly(app.tenant)
    const away = await weekly(kiwi)
    const homeFirst = await starts(home.seriesId)
    const awayFirst = await starts(away.seriesId)
    expect(awayFirst.map((d) => `${localDate(d, 'Pacific/Auckland')} ${localTime(d, 'Pacific/Auckland')}`).slice(0, 2)).toEqual([
      '2026-03-09 09:00',
      '2026-03-16 09:00',
    ])
    expect(homeFirst.map((d) => `${localDate(d, 'America/Chicago')} ${localTime(d, 'America/Chicago')}`).slice(0, 2)).toEqual([
      '2026-03-02 09:00',
      '2026-03-09 09:00',
    ])
    expect((await runJobsOnce(app.services)).series_booked).toBe(0)

    // The home customer's address is archived: their series can book no visit there, the other business's goes on.
    await app.t.admin.query('update addresses set archived_at = now() where id = $1', [home.addressId])
    clock = new Date('2026-03-10T12:00:00Z')
    const pass = await generateSeriesVisits(app.services)
    expect(pass.booked).toBe(1)
    expect(pass.failures).toEqual([{ tenant_id: app.tenant.tenant_id, job: 'series', error: expect.stringContaining('archived') }])
    expect(await starts(away.seriesId)).toHaveLength(awayFirst.length + 1)
    expect(await starts(home.seriesId)).toHaveLength(homeFirst.length)
    const again = await generateSeriesVisits(app.services)
    expect(again.booked).toBe(0)
    expect(again.failures).toHaveLength(1)
  })
})
