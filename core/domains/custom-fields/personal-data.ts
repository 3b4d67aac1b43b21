import type { ExportView } from '../../personal-data/declare.js'

/** The customer's custom field values and their visits', each beside its field's definition, so it reads as "Gate code: 4821" rather than a bare key. */
export const customFieldsExportView: ExportView = {
  part: 'custom_fields',
  heading: 'Custom fields',
  async rows(db, reach) {
    const r = await db.query(
      `select f.record, f.record_id, f.key, d.label, d.field_type, f.value from (
        select 'contact' as record, c.id as record_id, e.key, e.value, 0 as at from contacts c, jsonb_each(c.custom_fields) e where c.id = any($1::uuid[])
        union all select 'ticket', t.id, e.key, e.value, 1 from tickets t, jsonb_each(t.custom_fields) e where t.id = any($2::uuid[])
      ) f left join custom_field_definitions d on d.key = f.key order by f.at, f.record_id, d.position, f.key`,
      [reach.contacts ?? [], reach.tickets ?? []],
    )
    return r.rows
  },
}
