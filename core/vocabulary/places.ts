/** Where a person does an action in the pages: the page to open and the step to take there. */
export interface ActionPlace {
  path: string
  how: string
}

/** An action no page offers: the office manager (or the API) does it, and the search says so. */
export const BY_AGENT_OR_API = 'agent_or_api'

/** Where an action is done: one place for everyone, or the owner's and a technician's places. */
export type ActionDestination = ActionPlace | { owner: ActionPlace; technician: ActionPlace } | typeof BY_AGENT_OR_API

/** A step on a customer's page. */
export const customer = (how: string): ActionPlace => ({ path: '/customers', how: `open the customer, then ${how}` })
/** A step on a visit opened from the owner's schedule. */
export const visit = (how: string): ActionPlace => ({ path: '/schedule', how: `open the visit, then ${how}` })
/** A step on a visit opened from a technician's day. */
export const ownVisit = (how: string): ActionPlace => ({ path: '/today', how: `open the visit, then ${how}` })
/** A step on a visit, for the owner from the schedule and for a technician from their day. */
export const visitFor = (ownerHow: string, technicianHow = ownerHow) => ({ owner: visit(ownerHow), technician: ownVisit(technicianHow) })
/** A step on a lead's page. */
export const lead = (how: string): ActionPlace => ({ path: '/leads', how: `open the lead, then ${how}` })
/** A step on an opportunity in the pipeline. */
export const opportunity = (how: string): ActionPlace => ({ path: '/pipeline', how: `open the opportunity, then ${how}` })
/** A step on an invoice picked from an invoice list. */
export const invoice = (path: string, how: string): ActionPlace => ({ path, how: `pick the invoice, then ${how}` })
/** A step on a page of its own. */
export const page = (path: string, how: string): ActionPlace => ({ path, how })

/** Where the given role does an action, or null when no page offers it (or the action declares no place). */
export function placeOf(destination: ActionDestination | undefined, role: 'owner' | 'technician'): ActionPlace | null {
  if (!destination || destination === BY_AGENT_OR_API) return null
  return 'path' in destination ? destination : destination[role]
}
