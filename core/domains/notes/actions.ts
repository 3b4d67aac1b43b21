import { z } from 'zod'
import { defineAction } from '../../kernel/registry.js'
import { noteText } from '../../kernel/sanitize.js'
import { oneSubjectOf, LEAD_SUBJECT, subjectReadAhead } from '../record-subject.js'
import { NOTE_COLUMNS, NOTE_RECORD, NOTE_TABLE } from './model.js'
import { auditedInsert } from '../../vocabulary/records.js'
import { customer, ownVisit } from '../../vocabulary/places.js'

/** The record kinds a note can be written on: the input field and the table it points into. */
const SUBJECTS = [
  { field: 'contact_id', table: 'contacts', entity: 'contact' },
  { field: 'ticket_id', table: 'tickets', entity: 'ticket' },
  LEAD_SUBJECT,
] as const

/** Writes a note on a contact, a ticket or a lead. */
export const addNote = defineAction({
  key: 'note.add',
  phrases: ['write a note on a customer', 'note something about the job', 'jot down a comment', 'comment', 'memo', 'remark'],
  title: 'Add a note',
  place: { owner: customer('Add a note'), technician: ownVisit('Close out: Notes') },
  words: { phrase: 'add a note' },
  description:
    "Add a note to exactly one of: a contact (contact_id), a ticket (ticket_id) or a lead (lead_id; a converted lead's goes on its customer). " +
    'Card numbers and SSNs in content are replaced by [REDACTED] and the result lists the redactions.',
  access: { agent: 'unrestricted', technician: 'assigned' },
  input: z.strictObject({
    contact_id: z.uuid().optional(),
    ticket_id: z.uuid().optional(),
    lead_id: z.uuid().optional(),
    content: noteText().describe('The note, up to 10,000 characters'),
  }),
  output: NOTE_RECORD,
  readAhead: (input) => subjectReadAhead(input, SUBJECTS),
  async run(ctx, input) {
    const { kind: subject, id } = await oneSubjectOf(ctx.db, input, SUBJECTS)
    return auditedInsert(
      ctx,
      NOTE_TABLE,
      `insert into notes (tenant_id, ${subject.field}, content, author_type, author_id) values ($1, $2, $3, $4, $5) returning ${NOTE_COLUMNS}`,
      [ctx.tenantId, id, input.content, ctx.actor.type, ctx.actor.id],
    )
  },
})
