import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { Queryable } from '../../db/types.js'

/** The request form's bot checks: how soon a person can send it, how long a page stays good, and the rate limits. */
export const REQUEST_CHECKS = {
  /** No person reads the form and fills it in faster than this. */
  minSeconds: 3,
  /** A page older than this is sent back to be checked and sent again. */
  maxAgeHours: 24,
  /** Requests from one client address to one business in an hour. */
  perAddressPerHour: 6,
  /** Requests to one business in an hour, from everyone. */
  perBusinessPerHour: 60,
} as const

/** Why a submission was stopped; each is counted for the owner, nothing else of it is kept. */
export type BlockedReason = 'honeypot' | 'too_fast' | 'bad_stamp' | 'rate_limited'

/** The form's time stamp: when the page was made, signed with the business's request form key. */
export function requestStamp(key: string, tenantId: string, issuedMs: number): string {
  return `${issuedMs}.${signature(key, tenantId, issuedMs)}`
}

/**
 * The stamp of the form the owner pastes into the business's own site: a page there has no time to sign, so it says
 * only that the form is the business's own, signed with its key. A bot that posts to the request page without reading
 * the business's site cannot make it; one that reads the site meets the honeypot and the hourly limits.
 */
export function pastedFormStamp(key: string, tenantId: string): string {
  return `pasted.${createHmac('sha256', key).update(`request-form-pasted.${tenantId}`).digest('base64url')}`
}

/** What a sent time stamp says: absent, not ours, sent too soon, too old, fine, or the business's pasted form. */
export function checkStamp(
  key: string,
  tenantId: string,
  stamp: string,
  nowMs: number,
): 'missing' | 'bad_stamp' | 'too_fast' | 'expired' | 'ok' | 'pasted' {
  if (!stamp) return 'missing'
  if (stamp.startsWith('pasted.')) {
    const expected = Buffer.from(pastedFormStamp(key, tenantId))
    const sent = Buffer.from(stamp)
    return sent.length === expected.length && timingSafeEqual(expected, sent) ? 'pasted' : 'bad_stamp'
  }
  const m = /^(\d{10,16})\.([A-Za-z0-9_-]{43})$/.exec(stamp)
  if (!m) return 'bad_stamp'
  const issued = Number(m[1])
  const expected = Buffer.from(signature(key, tenantId, issued))
  if (!timingSafeEqual(expected, Buffer.from(m[2]))) return 'bad_stamp'
  if (issued > nowMs + 60_000) return 'bad_stamp'
  if (nowMs - issued < REQUEST_CHECKS.minSeconds * 1000) return 'too_fast'
  if (nowMs - issued > REQUEST_CHECKS.maxAgeHours * 3_600_000) return 'expired'
  return 'ok'
}

function signature(key: string, tenantId: string, issuedMs: number): string {
  return createHmac('sha256', key).update(`request-form.${tenantId}.${issuedMs}`).digest('base64url')
}

/**
 * Counts one submission against the address's and the business's hourly limits, in the database so every server shares
 * them; the seconds to wait when either is over, else null. Windows past a day are dropped as it goes.
 */
export async function countSubmission(tx: Queryable, clientAddress: string, now: Date): Promise<number | null> {
  const hour = 3_600_000
  const windowStart = new Date(Math.floor(now.getTime() / hour) * hour)
  await tx.query(`delete from request_form_hits where window_start < $1`, [new Date(now.getTime() - 24 * hour)])
  // The address is kept only as a hash: the counter must not become a log of who wrote.
  const addressKey = `a:${createHash('sha256').update(clientAddress).digest('base64url').slice(0, 32)}`
  const counts: Array<[string, number]> = [
    [addressKey, REQUEST_CHECKS.perAddressPerHour],
    ['business', REQUEST_CHECKS.perBusinessPerHour],
  ]
  let over = false
  for (const [key, max] of counts) {
    const r = await tx.query<{ hits: number }>(
      `insert into request_form_hits (tenant_id, key, window_start, hits) values (app_tenant(), $1, $2, 1)
       on conflict (tenant_id, key, window_start) do update set hits = request_form_hits.hits + 1 returning hits`,
      [key, windowStart],
    )
    if (r.rows[0].hits > max) over = true
  }
  return over ? Math.max(1, Math.ceil((windowStart.getTime() + hour - now.getTime()) / 1000)) : null
}

/** Adds one to the day's count of submissions stopped for this reason. */
export async function countBlocked(tx: Queryable, day: string, reason: BlockedReason): Promise<void> {
  await tx.query(
    `insert into request_form_blocked (tenant_id, day, reason, blocked) values (app_tenant(), $1, $2, 1)
     on conflict (tenant_id, day, reason) do update set blocked = request_form_blocked.blocked + 1`,
    [day, reason],
  )
}
