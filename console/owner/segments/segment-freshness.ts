import { callAction, type Caller } from '../../../core/kernel/call-action.js'
import { refreshSegment } from '../../../core/domains/segments/actions.js'
import type { Segment } from '../../../core/domains/segments/model.js'
import { AppError } from '../../../core/kernel/errors.js'

/** A rule segment's members older than this are recomputed when the owner opens it; younger ones are shown as stored. */
export const RECOMPUTE_AFTER_MINUTES = 5

/**
 * The segment with members current enough to act on: a rule segment computed more than RECOMPUTE_AFTER_MINUTES ago
 * (or never) is recomputed first, so opening the page again and again recomputes at most once in that time. A
 * recompute the action refuses leaves the stored members, with the reason.
 */
export async function currentSegment(caller: Caller, segment: Segment, now: Date): Promise<{ segment: Segment; problem?: string }> {
  if (segment.kind !== 'rule' || segment.archived_at) return { segment }
  const age = segment.computed_at ? now.getTime() - new Date(segment.computed_at).getTime() : Infinity
  if (age <= RECOMPUTE_AFTER_MINUTES * 60_000) return { segment }
  try {
    const done = await callAction(caller, refreshSegment, { segment_id: segment.id })
    return { segment: done.queued ? segment : (done.result as Segment) }
  } catch (err) {
    if (!(err instanceof AppError)) throw err
    return { segment, problem: err.message }
  }
}
