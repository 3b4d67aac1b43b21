import type { OperationContext } from '../../kernel/context.js'
import type { DomainEvents } from '../../kernel/events.js'

/**
 * A lead who ticked "Text me about my visits" on the request form becomes a customer: their consent to visit texts is
 * recorded on them as given on the form, when they sent it (a consent they gave since is kept as it is). Audited.
 */
export async function consentFromRequest(ctx: OperationContext, converted: DomainEvents['lead.converted']): Promise<void> {
  const r = await ctx.db.query(
    `insert into text_consents (tenant_id, contact_id, service_at, service_how)
     select $1, $2, q.texts_agreed_at, 'request_form' from lead_requests q where q.lead_id = $3 and q.texts_agreed_at is not null
     on conflict (tenant_id, contact_id) do update set service_at = excluded.service_at, service_how = excluded.service_how
       where text_consents.service_at is null
     returning contact_id, service_at, service_how`,
    [ctx.tenantId, converted.contact_id, converted.lead_id],
  )
  if (r.rows[0]) {
    await ctx.audit({
      entityType: 'text_consent',
      entityId: converted.contact_id,
      action: 'consent_on_request_form',
      before: null,
      after: r.rows[0],
    })
  }
}
