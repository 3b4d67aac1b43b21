import { loadConfig } from '../../core/kernel/config.js'
import type { Principal } from '../../core/kernel/context.js'
import { openPostgres } from '../../core/db/postgres.js'
import { withTenant } from '../../core/db/tenant.js'
import type { Database } from '../../core/db/types.js'
import { setLogLevel } from '../../core/kernel/log.js'
import { performQuery } from '../../core/kernel/operations.js'
import { createServices } from '../../api/product.js'
import type { BenchRow, Scenario } from '../scenario.js'
import { businessRows, postgresBusinesses } from '../shared-businesses.js'

/** Technicians given a busy day, each with this many visits, of which CANCELLED are cancelled. */
const TECHNICIANS = 4
const VISITS = 8
const CANCELLED = 2
/** Customers put on the waitlist for that day. */
const WAITING = 2_000
const ROUNDS = 7

/**
 * schedule_openings on the large shared business (100k customers on PostgreSQL): every address given a point (spread over
 * 25 km, as the local geocoder spreads them), four technicians with eight visits each the day after tomorrow, two of
 * each cancelled, and 2,000 customers waiting. The time to find the openings still free and rank their candidates.
 */
export const openingsPostgres: Scenario = {
  name: 'openings (PostgreSQL)',
  needs: 'postgres',
  async run(settings) {
    const copy = await postgresBusinesses(settings)
    try {
      const db = openPostgres(copy.url, 4)
      try {
        return [...businessRows(copy), ...(await measure(db, copy.made.large.tenantId, copy.made.large.ownerUserId))]
      } finally {
        await db.close()
      }
    } finally {
      await copy.drop()
    }
  },
}

async function measure(db: Database, tenantId: string, ownerUserId: string): Promise<BenchRow[]> {
  setLogLevel('silent')
  const config = { ...loadConfig({ LOG_LEVEL: 'silent', PORT: '0', CRM_GEOCODER: 'off' }), logLevel: 'silent' as const }
  const services = createServices(config, db, { llm: null, integrations: { stripe: null } })
  const setup = await withTenant(db, { tenantId, actorType: 'system' }, async (tx) => {
    await tx.query(`select set_config('app.defer_contact_search', 'on', true)`)
    await tx.query(
      `update addresses set latitude = 34.6 + (hashtext(id::text) & 255) / 1000.0,
              longitude = -86.7 + ((hashtext(id::text) >> 8) & 255) / 1000.0, point_status = 'found'`,
    )
    const day = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10)
    const techs = await tx.query<{ id: string }>(
      `insert into users (tenant_id, email, name, role)
       select $1, 'gap-tech-' || n || '@bench.example', 'Gap Tech ' || n, 'technician' from generate_series(1, $2) n returning id`,
      [tenantId, TECHNICIANS],
    )
    const customers = await tx.query<{ contact_id: string; address_id: string }>(
      `select contact_id, address_id from (select distinct on (a.contact_id) a.contact_id, a.id as address_id, hashtext(a.id::text) as h
         from addresses a order by a.contact_id, a.created_at) x order by h limit $1`,
      [TECHNICIANS * VISITS + WAITING],
    )
    let n = (await tx.query<{ n: number }>('select coalesce(max(number), 0)::int as n from tickets')).rows[0].n
    const cancel: string[] = []
    for (const [t, tech] of techs.rows.entries()) {
      for (let v = 0; v < VISITS; v++) {
        const c = customers.rows[t * VISITS + v]
        const start = `${day}T${String(14 + v).padStart(2, '0')}:00:00Z`
        const r = await tx.query<{ id: string }>(
          `insert into tickets (tenant_id, number, contact_id, address_id, scheduled_start, scheduled_end)
           values ($1, $2, $3, $4, $5::timestamptz, $5::timestamptz + interval '1 hour') returning id`,
          [tenantId, ++n, c.contact_id, c.address_id, start],
        )
        await tx.query('insert into ticket_technicians (tenant_id, ticket_id, user_id) values ($1, $2, $3)', [
          tenantId,
          r.rows[0].id,
          tech.id,
        ])
        if (v % (VISITS / CANCELLED) === 1) cancel.push(r.rows[0].id)
      }
    }
    await tx.query(`update tickets set status = 'cancelled', cancelled_at = now(), cancel_reason = 'bench' where id = any($1)`, [cancel])
    await tx.query(
      `insert into waitlist_entries (tenant_id, contact_id, address_id, earliest_date, latest_date)
       select $1, w.contact_id, w.address_id, current_date, current_date + 30 from unnest($2::uuid[], $3::uuid[]) as w(contact_id, address_id)`,
      [
        tenantId,
        customers.rows.slice(TECHNICIANS * VISITS).map((c) => c.contact_id),
        customers.rows.slice(TECHNICIANS * VISITS).map((c) => c.address_id),
      ],
    )
    await tx.query('analyze addresses, tickets, ticket_technicians, waitlist_entries, schedule_openings')
    const contacts = (await tx.query<{ n: number }>('select count(*)::int as n from contacts')).rows[0].n
    return { openings: cancel.length, contacts }
  })
  const principal: Principal = { tenantId, actor: { type: 'user', id: ownerUserId, role: 'owner' } }
  const times: number[] = []
  let gaps: Array<{ candidates: unknown[] }> = []
  for (let i = 0; i <= ROUNDS; i++) {
    const started = performance.now()
    const page = (await performQuery(
      services,
      principal,
      { type: 'schedule_openings', filters: { kind: 'left', candidates: '3' } },
      { requestId: `gaps-${i}` },
    )) as {
      items: Array<{ candidates: unknown[] }>
    }
    if (i > 0) times.push(performance.now() - started)
    gaps = page.items
  }
  times.sort((a, b) => a - b)
  const candidates = gaps.reduce((sum, g) => sum + g.candidates.length, 0)
  return [
    {
      measure: `PostgreSQL: schedule_openings on ${setup.contacts.toLocaleString('en-US')} customers, p50 / max (ms)`,
      value: `${times[Math.floor(times.length / 2)].toFixed(0)} / ${times.at(-1)?.toFixed(0)}`,
      note: `${gaps.length} openings of ${setup.openings} cancels, ${candidates} candidates named from ${WAITING.toLocaleString('en-US')} waiting customers; every address with a point`,
    },
  ]
}
