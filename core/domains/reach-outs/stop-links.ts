import { hashSecret, newSecret } from '../../auth/secrets.js'
import type { Services } from '../../context.js'
import { businessOfSecret } from '../../db/secret-lookups.js'
import { withSignInLookup, withTenant } from '../../db/tenant.js'
import type { Queryable } from '../../db/types.js'
import { contextOf } from '../../operations-context.js'
import type { TemplateValues } from '../../templating.js'
import { setOptOut } from './opt-out.js'

/*
 * A reach-out email's link that stops reach-outs: a customer opens it and presses Stop, without signing in. The link's
 * random secret (32 bytes) is its only credential, and the database keeps only its SHA-256. It keeps working: a customer
 * may want it months later, and pressing it again changes nothing.
 */

/** A secret's shape; anything else is refused before the database is asked. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/

/** The address of one stop link. */
export function stopLinkUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/stop/${token}`
}

/** The stop link of a reach-out message ({stop_link}), made at delivery inside the worker's tenant transaction; none for other kinds. */
export async function issueStopLink(
  tx: Queryable,
  services: Services,
  tenantId: string,
  message: { id: string; kind: string; contact_id: string },
): Promise<TemplateValues> {
  if (message.kind !== 'reach_out') return {}
  const token = newSecret()
  await tx.query('insert into reach_out_stop_links (tenant_id, contact_id, message_id, token_hash) values ($1, $2, $3, $4)', [
    tenantId,
    message.contact_id,
    message.id,
    hashSecret(token),
  ])
  return { stop_link: stopLinkUrl(services.config.publicBaseUrl, token) }
}

/** What the stop page shows: the business that sent the email, and whether its reach-outs are stopped already; unknown for no link. */
export type StopLinkView = { known: false } | { known: true; businessName: string; stopped: boolean }

/** The link's business and whether the customer already stopped reach-outs, without changing anything (mail scanners open links). */
export async function viewStopLink(services: Services, token: string): Promise<StopLinkView> {
  return (await inBusinessOfStopLink(services, token, undefined, (_tx, link) => Promise.resolve(link))) ?? { known: false }
}

/** Stops reach-outs to the link's customer: opted out (audited as the system, on their request), their queued reach-outs cancelled. */
export async function useStopLink(services: Services, token: string, requestId: string): Promise<StopLinkView> {
  const view = await inBusinessOfStopLink(services, token, requestId, async (tx, link, tenantId) => {
    const ctx = contextOf(
      services,
      { tenantId, actor: { type: 'system', id: null } },
      tx,
      requestId,
      'The customer pressed Stop on the link in a reach-out email',
      () => {
        throw new Error('stopping reach-outs has no effects after commit')
      },
    )
    await setOptOut(ctx, link.contactId, true)
    await tx.query('update reach_out_stop_links set used_at = coalesce(used_at, $2) where id = $1', [link.id, services.now()])
    return { ...link, stopped: true }
  })
  return view ?? { known: false }
}

type Link = { known: true; id: string; contactId: string; businessName: string; stopped: boolean }

/** Runs `use` on the link a token opens, in its business's transaction as the system; null for a token of no link. */
async function inBusinessOfStopLink<T>(
  services: Services,
  token: string,
  requestId: string | undefined,
  use: (tx: Queryable, link: Link, tenantId: string) => Promise<T>,
): Promise<T | null> {
  if (!TOKEN.test(token)) return null
  const tokenHash = hashSecret(token)
  const tenantId = await withSignInLookup(services.db, { tokenHash }, (tx) => businessOfSecret(tx, 'reach_out_stop', tokenHash))
  if (!tenantId) return null
  return withTenant(services.db, { tenantId, actorType: 'system', requestId }, async (tx) => {
    const r = await tx.query<{ id: string; contact_id: string; business_name: string; stopped: boolean }>(
      // A customer merged since the email is the one they were merged into.
      `select l.id, c.id as contact_id, t.name as business_name, c.reach_out_opt_out_at is not null as stopped
         from reach_out_stop_links l join contacts m on m.id = l.contact_id join contacts c on c.id = coalesce(m.merged_into, m.id)
         join tenants t on t.id = l.tenant_id
        where l.token_hash = $1 for update of l`,
      [tokenHash],
    )
    const row = r.rows[0]
    if (!row) return null
    return use(tx, { known: true, id: row.id, contactId: row.contact_id, businessName: row.business_name, stopped: row.stopped }, tenantId)
  })
}
