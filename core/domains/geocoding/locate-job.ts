import { setTimeout as wait } from 'node:timers/promises'
import { integrationOf, type JobFailure } from '../../kernel/plug-in.js'
import type { Services } from '../../kernel/context.js'
import { setLocal, withTenant, withWorkerRole } from '../../db/tenant.js'
import type { Queryable } from '../../db/types.js'
import { log } from '../../kernel/log.js'
import { type AddressToLocate, asSentence, type Geocoder, GeocoderError, type LocatedAddress } from './geocoder.js'

/** How long a worker holds the addresses it took: a lookup that outlives it (a crash) is taken again after. */
export const POINT_LEASE_MS = 10 * 60_000

/** A point is no part of a customer's search entry: writing one leaves the entries as they are (migration 0019's switch). */
const POINTS_ONLY = { 'app.defer_contact_search': 'on' }

/** What one pass did: addresses placed, not found, left to try again, and the businesses whose lookups failed. */
export interface LocatePass {
  found: number
  notFound: number
  failed: number
  failures: JobFailure[]
}

/** When each geocoder was last called in this process, so calls keep its gap across passes. */
const lastCall = new WeakMap<Geocoder, number>()

/**
 * Looks up the points of addresses that have none yet (new, changed, or failed and due again): one batch per business a
 * pass, the geocoder's gap kept between calls. Addresses it does not cover are marked so at once. When the geocoder
 * cannot answer, the batch's addresses say why and wait, longer each time (5 minutes doubling, at most a day).
 */
export async function locateAddresses(services: Services): Promise<LocatePass> {
  const pass: LocatePass = { found: 0, notFound: 0, failed: 0, failures: [] }
  const geocoder = integrationOf<Geocoder>(services, 'geocoding')
  if (!geocoder) return pass
  const now = services.now()
  const due = await withWorkerRole(services.db, (tx) =>
    tx.query<{ tenant_id: string }>('select tenant_id from addresses_awaiting_points($1)', [now]),
  )
  for (const { tenant_id: tenantId } of due.rows) {
    const scope = { tenantId, actorType: 'system' as const, requestId: `locate-addresses-${now.toISOString()}` }
    const lease = new Date(now.getTime() + POINT_LEASE_MS)
    const taken = await withTenant(services.db, scope, async (tx) => {
      await setLocal(tx, POINTS_ONLY)
      return takeDue(tx, now, lease, geocoder)
    })
    if (!taken.length) continue
    const answers: LocatedAddress[] = taken
      .filter((a) => !geocoder.covers(a.country))
      .map((a) => ({ id: a.id, found: false, note: `${geocoder.name} places addresses in the United States only; place the pin by hand` }))
    const covered = taken.filter((a) => geocoder.covers(a.country))
    let failure: string | null = null
    if (covered.length) {
      try {
        answers.push(...(await locatePaced(geocoder, covered)))
      } catch (error) {
        if (!(error instanceof GeocoderError)) throw error
        failure = error.message
      }
    }
    const answered = new Set(answers.map((a) => a.id))
    const unanswered = covered.filter((a) => !answered.has(a.id)).map((a) => a.id)
    await withTenant(services.db, scope, async (tx) => {
      await setLocal(tx, POINTS_ONLY)
      await writeAnswers(tx, answers, now, lease)
      if (unanswered.length)
        await markFailed(tx, unanswered, failure ?? `${geocoder.name} left these addresses out of its answer`, now, lease)
    })
    pass.found += answers.filter((a) => a.found).length
    pass.notFound += answers.filter((a) => !a.found).length
    pass.failed += unanswered.length
    if (failure) {
      log('warn', 'locating addresses failed for one business', { tenant_id: tenantId, error: failure })
      pass.failures.push({ tenant_id: tenantId, job: 'geocoding', error: failure })
    }
  }
  return pass
}

/** Takes up to one batch of this business's due addresses, leasing them until `lease`. */
async function takeDue(tx: Queryable, now: Date, lease: Date, geocoder: Geocoder): Promise<AddressToLocate[]> {
  const r = await tx.query<AddressToLocate>(
    `update addresses a set point_retry_at = $2
     from (select id from addresses
           where archived_at is null and point_status in ('pending', 'failed') and (point_retry_at is null or point_retry_at <= $1)
           order by point_tries, created_at, id limit $3 for update skip locked) d
     where a.id = d.id
     returning a.id, a.line1, a.city, a.state, a.postal_code, a.country`,
    [now, lease, geocoder.batchSize],
  )
  return r.rows
}

/** Calls the geocoder once its gap since the last call in this process has passed. */
async function locatePaced(geocoder: Geocoder, addresses: AddressToLocate[]): Promise<LocatedAddress[]> {
  const since = Date.now() - (lastCall.get(geocoder) ?? 0)
  if (since < geocoder.gapMs) await wait(geocoder.gapMs - since)
  try {
    return await geocoder.locate(addresses)
  } finally {
    lastCall.set(geocoder, Date.now())
  }
}

/** Writes the geocoder's answers on the addresses still leased to this lookup (one changed meanwhile is pending again). */
async function writeAnswers(tx: Queryable, answers: LocatedAddress[], now: Date, lease: Date): Promise<void> {
  if (!answers.length) return
  await tx.query(
    `update addresses a set latitude = r.latitude, longitude = r.longitude,
       point_status = case when r.latitude is null then 'not_found' else 'found' end,
       point_note = r.note, point_at = $5, point_tries = a.point_tries + 1, point_retry_at = null
     from unnest($1::uuid[], $2::float8[], $3::float8[], $4::text[]) r (id, latitude, longitude, note)
     where a.id = r.id and a.point_retry_at = $6`,
    [
      answers.map((a) => a.id),
      answers.map((a) => (a.found ? a.latitude : null)),
      answers.map((a) => (a.found ? a.longitude : null)),
      answers.map((a) => asSentence(a.note)),
      now,
      lease,
    ],
  )
}

/** Marks leased addresses as failed with the reason, to be tried again after 5 minutes doubled by each earlier try, at most a day. */
async function markFailed(tx: Queryable, ids: string[], reason: string, now: Date, lease: Date): Promise<void> {
  await tx.query(
    `update addresses a set point_status = 'failed', point_at = $3, point_tries = a.point_tries + 1,
       point_retry_at = $3::timestamptz + make_interval(mins => w.minutes),
       point_note = $2 || '; tried ' || (a.point_tries + 1) || case when a.point_tries = 0 then ' time' else ' times' end
         || ', trying again in ' || case when w.minutes < 60 then w.minutes || ' minutes' else (w.minutes / 60) || ' hours' end
     from (select id, least(1440, 5 * power(2, least(point_tries, 10)))::int as minutes from addresses where id = any($1::uuid[])) w
     where a.id = w.id and a.point_retry_at = $4`,
    [ids, asSentence(reason.slice(0, 500)), now, lease],
  )
}
