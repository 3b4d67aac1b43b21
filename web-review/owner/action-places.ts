/** Where a person does an action in the pages: the page to open and the step to take there. */
export interface ActionPlace {
  path: string
  how: string
}

/** An action no page offers: the office manager (or the API) does it, and the search says so. */
export const BY_AGENT_OR_API = 'agent_or_api'

/** Where an action is done: one place for everyone, or the owner's and a technician's places. */
export type ActionDestination = ActionPlace | { owner: ActionPlace; technician: ActionPlace } | typeof BY_AGENT_OR_API

const customer = (how: string): ActionPlace => ({ path: '/customers', how: `open the customer, then ${how}` })
const visit = (how: string): ActionPlace => ({ path: '/schedule', how: `open the visit, then ${how}` })
const ownVisit = (how: string): ActionPlace => ({ path: '/today', how: `open the visit, then ${how}` })
const visitFor = (ownerHow: string, technicianHow = ownerHow) => ({ owner: visit(ownerHow), technician: ownVisit(technicianHow) })
const lead = (how: string): ActionPlace => ({ path: '/leads', how: `open the lead, then ${how}` })
const invoice = (path: string, how: string): ActionPlace => ({ path, how: `pick the invoice, then ${how}` })
const page = (path: string, how: string): ActionPlace => ({ path, how })

/**
 * Every registered action a person may run, by key, and where in the pages it is done; a test holds this to the registry,
 * so a new action must be placed here (or marked as the office manager's) before it ships.
 */
export const ACTION_PLACES: Readonly<Record<string, ActionDestination>> = {
  'contact.create': page('/customers/new', 'fill in the name and how to reach them'),
  'contact.update': customer('Edit'),
  'contact.archive': customer('Archive'),
  'contact.delete': customer('Delete'),
  'contact.link': customer('Link'),
  'contact.unlink': customer('Links'),
  'contact.merge': customer('Merge'),
  'contact.tag': customer('Tags'),
  'address.add': customer('Add an address'),
  'address.update': customer('Addresses'),
  'address.archive': customer('Addresses'),
  'attribute.set': { owner: customer('Details'), technician: ownVisit('Close out: confirm what the notes say') },
  'attribute.remove': customer('Details'),
  'note.add': { owner: customer('Add a note'), technician: ownVisit('Close out: Notes') },
  'import.square_customers': page('/import', 'choose the Square customer export'),
  'import.csv_customers': page('/import', 'choose the CSV file'),
  'import.square_items': page('/import', 'choose the Square item library export'),
  'import.square_sales': page('/import', 'choose the Square item sales export'),
  'lead.create': page('/leads', 'Add a lead'),
  'lead.update': lead('Edit'),
  'lead.set_status': lead('Status'),
  'lead.archive': lead('Archive'),
  'lead.convert': lead('Convert to customer'),
  'waitlist.add': BY_AGENT_OR_API,
  'waitlist.update': BY_AGENT_OR_API,
  'waitlist.remove': BY_AGENT_OR_API,
  'waitlist.mark_scheduled': BY_AGENT_OR_API,
  'invoice.create_from_ticket': visit('Invoice'),
  'invoice.create': page('/invoices', 'New invoice'),
  'invoice.update': invoice('/invoices?status=draft', 'Edit'),
  'invoice.record_payment': invoice('/invoices?status=open', 'Record a payment'),
  'invoice.void': invoice('/invoices?status=open', 'Void'),
  'invoice.archive': invoice('/invoices', 'Archive'),
  'invoice.mark_sent': invoice('/invoices?status=draft', 'Mark sent'),
  'invoice.send': invoice('/invoices?status=draft', 'Send'),
  'settings.update': page('/settings', 'change the business details and emails'),
  'user.add': page('/team', 'Add a team member'),
  'user.update': page('/team', 'pick the person, then Edit'),
  'service.create': page('/services', 'Add a service'),
  'service.update': page('/services', 'pick the service, then Edit'),
  'service.archive': page('/services', 'pick the service, then Archive'),
  'service.delete': page('/services', 'pick the service, then Delete'),
  'ticket.create': customer('Book a visit'),
  'ticket.update': visit('Edit'),
  'ticket.reschedule': visit('Move'),
  'ticket.assign_technicians': visit('Technicians'),
  'ticket.cancel': visit('Cancel'),
  'ticket.no_show': visit('No-show'),
  'ticket.add_line_item': visitFor('Add a service', 'Close out: Work'),
  'ticket.update_line_item': visitFor('Services', 'Close out: Work'),
  'ticket.remove_line_item': visitFor('Services', 'Close out: Work'),
  'ticket.clock_in': visitFor('Clock in'),
  'ticket.clock_out': visitFor('Clock out'),
  'ticket.close': visitFor('Close out'),
  'closeout.start': visitFor('Close out'),
  'closeout.save_work': visitFor('Close out: Work'),
  'closeout.save_notes': visitFor('Close out: Notes'),
  'closeout.record_extraction': visitFor('Close out: Notes'),
  'closeout.save_next': visitFor('Close out: Next visit'),
  'closeout.save_attributes': visitFor('Close out: Confirm'),
  'closeout.complete': visitFor('Close out: Confirm'),
  'closeout.finish': visitFor('Close out: Payment'),
  'series.create': customer('Repeat visits'),
  'series.update': visit('Repeat visits'),
  'series.skip': visit('Skip this visit'),
  'series.pause': visit('Repeat visits, then Pause'),
  'series.resume': visit('Repeat visits, then Resume'),
  'series.end': visit('Repeat visits, then End'),
  'template.create': page('/settings/templates', 'New template'),
  'template.update': page('/settings/templates', 'pick the template, then Edit'),
  'template.archive': page('/settings/templates', 'pick the template, then Archive'),
  'template.set_default': page('/settings/templates', 'pick the template, then Make default'),
  'message.schedule': customer('Send a message'),
  'message.cancel': page('/messages', 'pick the email, then Cancel'),
  'message.reschedule': page('/messages', 'pick the email, then Move'),
  'message.update': BY_AGENT_OR_API,
  'calendar_feed.create': page('/calendar', 'Make a subscription link'),
  'calendar_feed.revoke': page('/calendar', 'pick the link, then Revoke'),
  'agent_token.revoke': page('/review/connections', 'pick the app, then Disconnect'),
  'authorization.decide': page('/review', 'pick the request, then Allow or Deny'),
  'authorization.edit': page('/review', 'pick the request, then Edit'),
  'permission.set': page('/review/permissions', 'pick the action, then its level'),
  'standing_rule.create': page('/review/permissions', 'Add a standing rule'),
  'standing_rule.revoke': page('/review/permissions', 'pick the rule, then Revoke'),
}

/** Where the given role does the action, or null when no page offers it (or the action is not in the map). */
export function placeOf(key: string, role: 'owner' | 'technician'): ActionPlace | null {
  const destination = ACTION_PLACES[key]
  if (!destination || destination === BY_AGENT_OR_API) return null
  return 'path' in destination ? destination : destination[role]
}
