import type { ActionDefinition } from '../../core/registry.js'

/** The owner's areas of the business, in the order the permissions page shows them. */
export const AREAS = ['Customers', 'Appointments', 'Invoices', 'Leads and waiting list', 'Emails to customers', 'Your business', 'Other'] as const

const AREA_OF: Record<string, (typeof AREAS)[number]> = {
  contact: 'Customers', address: 'Customers', attribute: 'Customers', note: 'Customers',
  ticket: 'Appointments', invoice: 'Invoices', lead: 'Leads and waiting list', waitlist: 'Leads and waiting list',
  message: 'Emails to customers', template: 'Emails to customers', service: 'Your business', settings: 'Your business', user: 'Your business',
  custom_field: 'Your business',
}

/** What the agent may do, said so it completes "the agent may ...". */
const PHRASES: Record<string, string> = {
  'contact.create': 'add a customer', 'contact.update': 'change a customer\'s details', 'contact.archive': 'archive a customer',
  'contact.delete': 'delete a customer entered by mistake', 'contact.link': 'link two customers (employer, referral, family, parent company)', 'contact.unlink': 'unlink two customers',
  'contact.merge': 'merge two records of the same customer into one',
  'address.add': 'add an address to a customer', 'address.update': 'change an address', 'address.archive': 'archive an address',
  'attribute.set': 'record a fact about a customer (gate code, pet name)', 'attribute.remove': 'remove a fact about a customer', 'note.add': 'add a note',
  'ticket.create': 'book an appointment', 'ticket.update': 'change an appointment\'s notes, address or status', 'ticket.reschedule': 'move an appointment',
  'ticket.assign_technicians': 'assign technicians to an appointment', 'ticket.cancel': 'cancel an appointment', 'ticket.no_show': 'mark a customer as a no-show',
  'ticket.clock_in': 'clock a technician in', 'ticket.clock_out': 'clock a technician out', 'ticket.close': 'complete an appointment (it can never change again)',
  'ticket.add_line_item': 'add work to an appointment', 'ticket.update_line_item': 'change work or prices on an appointment', 'ticket.remove_line_item': 'remove work from an appointment',
  'invoice.create_from_ticket': 'make an invoice from an appointment', 'invoice.create': 'make an invoice', 'invoice.update': 'change an invoice',
  'invoice.record_payment': 'record a payment', 'invoice.void': 'void any invoice', 'invoice.archive': 'archive a settled invoice',
  'invoice.mark_sent': 'mark an invoice as sent', 'invoice.send': 'email an invoice to the customer',
  'lead.create': 'add a lead', 'lead.update': 'change a lead', 'lead.set_status': 'move a lead along', 'lead.archive': 'archive a lead', 'lead.convert': 'turn a lead into a customer',
  'waitlist.add': 'put a customer on the waiting list', 'waitlist.update': 'change a waiting-list entry', 'waitlist.remove': 'take a customer off the waiting list',
  'waitlist.mark_scheduled': 'mark a waiting-list entry as booked',
  'message.schedule': 'schedule an email to a customer', 'message.cancel': 'cancel a scheduled email', 'message.reschedule': 'move a scheduled email',
  'message.update': 'change a scheduled email', 'template.create': 'add an email template', 'template.update': 'change an email template',
  'template.archive': 'archive an email template', 'template.set_default': 'choose the default email template',
  'service.create': 'add a service to your price list', 'service.update': 'change a service or its price', 'service.archive': 'archive a service',
  'service.delete': 'delete a service entered by mistake', 'settings.update': 'change your business settings', 'user.add': 'add a team member', 'user.update': 'change a team member',
  'custom_field.define': 'add a field of your own to customers or visits', 'custom_field.update': 'change one of your own fields',
  'custom_field.archive': 'archive one of your own fields',
}

/** The area an action belongs to, for grouping. */
export function areaOf(def: Pick<ActionDefinition, 'domain'>): (typeof AREAS)[number] {
  return AREA_OF[def.domain] ?? 'Other'
}

/** What the action lets the agent do, completing "the agent may ...". */
export function phraseOf(def: Pick<ActionDefinition, 'domain' | 'name' | 'description'>): string {
  const known = PHRASES[`${def.domain}.${def.name}`]
  if (known) return known
  const first = def.description.split(/\.(\s|$)/)[0]
  return first.charAt(0).toLowerCase() + first.slice(1)
}

/** Sentence case of a phrase, for a heading or a list item. */
export function capitalized(phrase: string): string {
  return phrase.charAt(0).toUpperCase() + phrase.slice(1)
}
