import type { Response } from 'express'
import type { SessionPrincipal } from '../../core/auth/sessions.js'
import type { Caller } from '../../core/kernel/call-action.js'
import type { Services } from '../../core/kernel/context.js'
import { AppError } from '../../core/kernel/errors.js'
import { callerOf } from './owner-route.js'

/** A record's page shown again, with the status line a refused change gives it. */
export type ShowRecord = (
  services: Services,
  session: SessionPrincipal,
  res: Response,
  id: string,
  line: { status: number; error: string },
) => Promise<unknown>

/** One small change made on a record's page: `done` names its status line, `run` makes it. */
export type RecordChange = (
  services: Services,
  session: SessionPrincipal,
  res: Response,
  id: string,
  done: string,
  run: (caller: Caller) => Promise<unknown>,
) => Promise<unknown>

/**
 * The changes of the record pages under `base` (/leads): a success sends the owner back to the record with `?done=`, a
 * refusal shows the record again with "Nothing was changed." and what `refusal` says went wrong.
 */
export function recordChanges(base: string, show: ShowRecord, refusal: (err: AppError) => string): RecordChange {
  return async (services, session, res, id, done, run) => {
    try {
      await run(callerOf(services, session, res))
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      return show(services, session, res, id, { status: err.status, error: `Nothing was changed. ${refusal(err)}` })
    }
    res.redirect(303, `${base}/${encodeURIComponent(id)}?done=${done}`)
  }
}
