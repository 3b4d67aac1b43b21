import { html, type SafeHtml } from '../../html.js'
import { shortMoment } from './customer-words.js'

/** One audit entry as audit_trail gives it. */
export interface AuditEntry {
  entity_type: string
  entity_id: string
  action: string
  changes: Record<string, unknown>
  actor_type: 'user' | 'agent' | 'system'
  actor_id: string | null
  created_at: string
}

/** Verbs for the audit's actions; any other action is shown by its own words. */
const VERBS: Record<string, string> = {
  create: 'added',
  add: 'added',
  update: 'changed',
  archive: 'archived',
  delete: 'deleted',
  remove: 'removed',
  cancel: 'cancelled',
  close: 'closed',
  reschedule: 'rescheduled',
  void: 'voided',
  record_payment: 'recorded a payment on',
  merge: 'merged',
  schedule: 'scheduled',
  link: 'linked',
  unlink: 'unlinked',
  update_link: 'changed a link of',
  resume: 'resumed',
  mark_sent: 'marked as sent',
  set_status: 'changed the status of',
  lifecycle: 'moved',
}

/** Fields whose change says nothing to the owner. */
const QUIET_FIELDS = new Set(['id', 'contact_id', 'created_at', 'updated_at', 'tenant_id', 'search_text', 'phone_digits', 'phone_key'])

/** Who acted, by name: a team member's name, the office manager (the agent), or the system. */
export function actorName(entry: Pick<AuditEntry, 'actor_type' | 'actor_id'>, names: Map<string, string>): string {
  if (entry.actor_type === 'agent') return 'Agent'
  if (entry.actor_type === 'system') return 'System'
  return (entry.actor_id && names.get(entry.actor_id)) || 'A team member'
}

function change(entry: AuditEntry, field: string): { old: unknown; new: unknown } | undefined {
  const c = entry.changes[field] as { old: unknown; new: unknown } | undefined
  return c && typeof c === 'object' ? c : undefined
}

/** What the entry was about: "ticket #1042", "the customer", "an address". */
function thing(entry: AuditEntry, ticketNumbers: Map<string, number>): string {
  const newer = (field: string) => change(entry, field)?.new ?? change(entry, field)?.old
  switch (entry.entity_type) {
    case 'contact':
      return 'the customer'
    case 'ticket': {
      const number = ticketNumbers.get(entry.entity_id) ?? newer('number')
      return number ? `ticket #${number}` : 'a ticket'
    }
    case 'address':
      return newer('line1') ? `the address ${String(newer('line1'))}` : 'an address'
    case 'attribute':
      return newer('key') ? `the fact "${String(newer('key')).replace(/_/g, ' ')}"` : 'a fact'
    case 'note':
      return 'a note'
    case 'invoice':
      return newer('number') ? `invoice ${String(newer('number'))}` : 'an invoice'
    case 'series':
      return 'a recurring series'
    case 'scheduled_message':
      return 'an email'
    default:
      return entry.entity_type.replace(/_/g, ' ')
  }
}

/** A value in a sentence, short: text as it is (cut at 60 characters), lists joined, nothing as "nothing". */
function shown(value: unknown): string {
  if (value === null || value === undefined || value === '') return 'nothing'
  const text = Array.isArray(value)
    ? value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ')
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

/** "phone from 555-0100 to 555-0199" for each field an update changed (at most four). */
function changedFields(entry: AuditEntry): string {
  const fields = Object.keys(entry.changes).filter((f) => !QUIET_FIELDS.has(f) && change(entry, f))
  const parts = fields
    .slice(0, 4)
    .map((f) => `${f.replace(/_/g, ' ')} from ${shown(change(entry, f)?.old)} to ${shown(change(entry, f)?.new)}`)
  return parts.length ? `: ${parts.join('; ')}${fields.length > 4 ? ` and ${fields.length - 4} more` : ''}` : ''
}

/** One readable line of the customer's history: "Thu, Nov 5, 2:02 PM — Agent changed the customer: phone from … to …". */
export function timelineLine(
  entry: AuditEntry,
  names: Map<string, string>,
  ticketNumbers: Map<string, number>,
  timeZone: string,
): SafeHtml {
  const verb = VERBS[entry.action] ?? entry.action.replace(/_/g, ' ')
  const details = entry.action === 'update' || entry.action === 'set_status' || entry.action === 'lifecycle' ? changedFields(entry) : ''
  return html`<li><span class="muted">${shortMoment(entry.created_at, timeZone)}</span> — ${actorName(entry, names)} ${verb} ${thing(entry, ticketNumbers)}${details}</li>`
}
