import type { PersonalTable } from '../../personal-data/declare.js'

/** Being on a list is not history: the customer leaves every segment, whose counts follow. */
export const segmentMembersPersonalData: PersonalTable = {
  table: 'segment_members',
  place: 240,
  reach: { contact_id: 'contacts' },
  rows: 'deleted',
  columns: {},
  counter: { table: 'segments', column: 'member_count', key: 'segment_id' },
  export: {
    part: 'segments',
    heading: 'Segments they are in',
    order: '(select s.name from segments s where s.tenant_id = t.tenant_id and s.id = t.segment_id), t.segment_id',
    adds: {
      name: '(select s.name from segments s where s.tenant_id = t.tenant_id and s.id = t.segment_id)',
      kind: '(select s.kind from segments s where s.tenant_id = t.tenant_id and s.id = t.segment_id)',
    },
  },
}
