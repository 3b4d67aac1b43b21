import { z } from 'zod'
import { auditTrailExpansion } from '../../kernel/output-types.js'
import { listPage, newestFirst } from '../../kernel/pagination.js'
import { defineQuery } from '../../kernel/registry.js'
import { OFFER_RECORD, OFFER_STATUSES, offerColumns } from './model.js'

/** Offers of times by id, or newest first, filtered by state, customer or lead. */
export const slotOffersQuery = defineQuery({
  type: 'slot_offers',
  phrases: ['times we offered a customer', 'offered times', 'booking links', 'proposed slots'],
  description:
    'Times offered to customers and leads by email (slot_offer.send), newest first. Each: id, contact_id, lead_id, email, ' +
    'service_ids, duration_minutes, note, status (open|booked|revoked|expired), expires_at, emailed_at, email_error, ticket_id ' +
    '(the visit booked), booked_slot_id, booked_at, revoked_at, revoke_reason, slots [{id, technician_id, start, end, status: ' +
    'open|taken (found booked by someone else when picked)|booked|lapsed}]. Filters: status, contact_id, lead_id.',
  entity: 'slot_offer',
  access: { agent: 'unrestricted', technician: 'none' },
  params: z.object({
    status: z.enum(OFFER_STATUSES).optional(),
    contact_id: z.uuid().optional(),
    lead_id: z.uuid().optional(),
  }),
  record: OFFER_RECORD.extend({ audit_trail: auditTrailExpansion }),
  async run(ctx, req) {
    const p = req.params
    const args: unknown[] = [ctx.services.now(), req.id ?? null, p.status ?? null, p.contact_id ?? null, p.lead_id ?? null]
    return listPage(ctx.db, req, newestFirst('x'), args, {
      columns: '*',
      from: `(select ${offerColumns('$1::timestamptz')} from slot_offers o
         where ($2::uuid is null or o.id = $2) and ($4::uuid is null or o.contact_id = $4) and ($5::uuid is null or o.lead_id = $5)) x`,
      where: '($3::text is null or x.status = $3)',
    })
  },
})
