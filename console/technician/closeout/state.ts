import { AppError } from '../../../core/kernel/errors.js'
import { callAction } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { startCloseout } from '../../../core/domains/closeouts/actions.js'
import { closeoutsQuery } from '../../../core/domains/closeouts/queries.js'
import { callerOf, type PageCall } from '../context.js'
import { STEP_NAMES, stepPath, type StepName, type View } from './shared.js'

/** The close-out of the ticket, or null when none was started. */
export async function viewOf(call: PageCall, id: string): Promise<View | null> {
  try {
    return await callQuery(callerOf(call), closeoutsQuery, { id })
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND') return null
    throw err
  }
}

/** The close-out of the ticket, started from the ticket as booked when there is none yet (starting is idempotent). */
export async function viewOrStart(call: PageCall, id: string): Promise<View> {
  return (await viewOf(call, id)) ?? ((await callAction(callerOf(call), startCloseout, { ticket_id: id })).result as View)
}

/** Whether a step may be shown: every earlier step done, and nothing before payment once the ticket is complete. */
export function reachable(view: View, step: StepName): boolean {
  if (view.completed_at) return step === 'payment'
  if (step === 'payment') return false
  return STEP_NAMES.slice(0, STEP_NAMES.indexOf(step)).every((s) => view.steps_done.includes(s))
}

/** The step to take now; a finished close-out shows its payment outcome. */
export function stepToShow(view: View): StepName {
  return view.next_step === 'done' ? 'payment' : (view.next_step as StepName)
}

/** The page of the step to take now. */
export function whereNext(view: View): string {
  return stepPath(view.ticket_id, stepToShow(view))
}

/**
 * Where a "Close out" button leads: straight to the step to take, saving a redirect on a slow connection; null for a
 * ticket closed without a close-out (by the API), which has none to show.
 */
export async function closeoutHref(call: PageCall, ticketId: string, closed = false): Promise<string | null> {
  return hrefOf(await viewOf(call, ticketId), ticketId, closed)
}

/** closeoutHref for a close-out already read (null: none started). */
export function hrefOf(view: View | null, ticketId: string, closed: boolean): string | null {
  return view ? whereNext(view) : closed ? null : stepPath(ticketId, 'work')
}
