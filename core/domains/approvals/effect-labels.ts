import type { Queryable } from '../../db/types.js'

/**
 * How the owner's card names a record a call changes, by kind: "Visit #171 for Jane Smith", "Moved email to Jane Smith
 * <jane@example.com>". Each reads `label` for the ids in $1; a kind missing here is named by its kind alone.
 */
const LABELS: Record<string, string> = {
  ticket: `select t.id, 'Visit #' || t.number || ' for ' || c.display_name as label from tickets t join contacts c on c.id = t.contact_id`,
  invoice: `select i.id, 'Invoice ' || i.number || ' for ' || c.display_name as label from invoices i join contacts c on c.id = i.contact_id`,
  quote: `select q.id, 'Quote ' || q.number || ' for ' || c.display_name as label from quotes q join contacts c on c.id = q.contact_id`,
  order: `select o.id, 'Order ' || o.number || ' for ' || c.display_name as label from orders o join contacts c on c.id = o.contact_id`,
  contact: `select id, 'Customer ' || display_name as label from contacts`,
  scheduled_message: `select m.id, initcap(replace(m.kind, '_', ' ')) || ' email to ' || c.display_name
      || coalesce(' <' || nullif(c.email, '') || '>', '') as label from scheduled_messages m join contacts c on c.id = m.contact_id`,
  slot_offer: `select id, 'Times offered by email to ' || email as label from slot_offers`,
  template: `select id, 'Email template "' || name || '"' as label from message_templates`,
  series: `select s.id, 'Repeat visits for ' || c.display_name as label from series s join contacts c on c.id = s.contact_id`,
  payment: `select p.id, 'Payment on invoice ' || i.number as label from payments p join invoices i on i.id = p.invoice_id`,
  user: `select id, 'Team member ' || coalesce(nullif(name, ''), email) as label from users`,
  service: `select id, 'Service "' || name || '"' as label from services`,
  address: `select id, 'Address ' || line1 || coalesce(', ' || nullif(city, ''), '') as label from addresses`,
  lead: `select id, 'Lead ' || coalesce(nullif(name, ''), left(raw_notes, 40)) as label from leads`,
  tenant: `select id, 'The business settings' as label from tenants`,
  opportunity: `select o.id, 'Opportunity "' || o.title || '"' || coalesce(' for ' || c.display_name, '') as label
      from opportunities o left join contacts c on c.id = o.contact_id`,
  reach_out_rule: `select id, 'Reach-out rule "' || name || '"' as label from reach_out_rules`,
  reach_out_batch: `select b.id, 'Reach-out batch of "' || r.name || '"' as label from reach_out_batches b join reach_out_rules r on r.id = b.rule_id`,
  recurring_invoice: `select r.id, 'Recurring invoice for ' || c.display_name || ' (' || r.cycle || ')' as label
      from recurring_invoices r join contacts c on c.id = r.contact_id`,
  segment: `select id, 'Segment "' || name || '"' as label from segments`,
  plan: `select id, 'Plan "' || name || '"' as label from plans`,
  customer_plan: `select p.id, 'Plan "' || p.name || '" for ' || c.display_name as label from customer_plans p join contacts c on c.id = p.contact_id`,
  waitlist_entry: `select w.id, 'Waitlist entry of ' || c.display_name as label from waitlist_entries w join contacts c on c.id = w.contact_id`,
  document: `select id, 'Document "' || name || '"' as label from documents`,
  interaction: `select i.id, initcap(i.kind) || coalesce(' "' || nullif(i.subject, '') || '"', '') || coalesce(' with ' || c.display_name, '') as label
      from interactions i left join contacts c on c.id = i.contact_id`,
  note: `select n.id, 'Note' || coalesce(' on ' || c.display_name, '') as label from notes n left join contacts c on c.id = n.contact_id`,
  ticket_line_item: `select li.id, 'Line "' || li.description || '" on visit #' || t.number as label
      from ticket_line_items li join tickets t on t.id = li.ticket_id`,
}

/** The owner's words for each record, keyed "kind:id"; records the kind has no words for, or that are gone, are left out. */
export async function recordLabels(tx: Queryable, records: ReadonlyArray<{ entity: string; id: string }>): Promise<Map<string, string>> {
  const byKind = new Map<string, Set<string>>()
  for (const r of records) if (LABELS[r.entity]) (byKind.get(r.entity) ?? byKind.set(r.entity, new Set()).get(r.entity))?.add(r.id)
  const out = new Map<string, string>()
  for (const [entity, ids] of byKind) {
    const found = await tx.query<{ id: string; label: string }>(`select * from (${LABELS[entity]}) x where x.id = any($1::uuid[])`, [
      [...ids],
    ])
    for (const row of found.rows) out.set(`${entity}:${row.id}`, row.label)
  }
  return out
}
