import type { Services } from '../../kernel/context.js'
import type { Queryable } from '../../db/types.js'
import { defineSecretLink } from '../../links/secret-link.js'
import { contextOf } from '../../kernel/operations-context.js'
import type { TemplateValues } from '../../text/templating.js'
import { setOptOut } from './opt-out.js'

/**
 * A reach-out email's link that stops reach-outs: a customer opens it and presses Stop, without signing in. It keeps
 * working: a customer may want it months later, and pressing it again changes nothing.
 */
export const STOP_LINK = defineSecretLink({
  kind: 'reach_out_stop',
  table: 'reach_out_stop_links',
  opens: 'the reach-outs to one customer',
  lives: 'forever',
  use: 'lasting',
})

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
  const { secret, hash } = STOP_LINK.mint()
  await tx.query('insert into reach_out_stop_links (tenant_id, contact_id, message_id, token_hash) values ($1, $2, $3, $4)', [
    tenantId,
    message.contact_id,
    message.id,
    hash,
  ])
  return { stop_link: stopLinkUrl(services.config.publicBaseUrl, secret) }
}

/** What the stop page shows: the business that sent the email, and whether its reach-outs are stopped already; unknown for no link. */
export type StopLinkView = { known: false } | { known: true; businessName: string; stopped: boolean }

/** The link's business and whether the customer already stopped reach-outs, without changing anything (mail scanners open links). */
export async function viewStopLink(services: Services, token: string): Promise<StopLinkView> {
  return (await STOP_LINK.inBusiness(services, token, undefined, (tx, { tokenHash }) => loadStopLink(tx, tokenHash))) ?? { known: false }
}

/** Stops reach-outs to the link's customer: opted out (audited as the system, on their request), their queued reach-outs cancelled. */
export async function useStopLink(services: Services, token: string, requestId: string): Promise<StopLinkView> {
  const view = await STOP_LINK.inBusiness(
    services,
    token,
    requestId,
    async (tx, { tenantId, tokenHash }) => {
      const link = await loadStopLink(tx, tokenHash)
      if (!link) return null
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
      await STOP_LINK.recordUse(tx, tokenHash, services.now())
      return { known: true as const, businessName: link.businessName, stopped: true }
    },
    { lock: true },
  )
  return view ?? { known: false }
}

/** The link of a secret's hash, with the customer it stops now: one merged since the email is the one they joined. */
async function loadStopLink(
  tx: Queryable,
  tokenHash: string,
): Promise<{ known: true; contactId: string; businessName: string; stopped: boolean } | null> {
  const r = await tx.query<{ contact_id: string; business_name: string; stopped: boolean }>(
    `select c.id as contact_id, t.name as business_name, c.reach_out_opt_out_at is not null as stopped
       from reach_out_stop_links l join contacts m on m.id = l.contact_id join contacts c on c.id = coalesce(m.merged_into, m.id)
       join tenants t on t.id = l.tenant_id
      where l.token_hash = $1`,
    [tokenHash],
  )
  const row = r.rows[0]
  return row ? { known: true, contactId: row.contact_id, businessName: row.business_name, stopped: row.stopped } : null
}
