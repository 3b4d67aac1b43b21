import type { Request, RequestHandler, Response } from 'express'
import { stateOf } from '../core/http/request-state.js'
import type { SessionPrincipal } from '../core/auth/sessions.js'
import type { Caller } from '../core/kernel/call-action.js'
import type { Services } from '../core/kernel/context.js'
import { translateDatabaseError } from '../core/db/translate-error.js'
import { AppError } from '../core/kernel/errors.js'
import { personWithRole } from './session.js'

/** What every page handler works with: the signed-in person, the request and its answer. */
export interface PageCall {
  services: Services
  session: SessionPrincipal
  requestId: string
  /** The request; its route parameters are single path segments. */
  req: Request<Record<string, string>>
  res: Response
  /** The signed-in person as the caller of registered queries and actions. */
  caller: Caller
  /** From here on, a refusal (a typed error) is answered by `render` (the form again, with the problem next to its field) instead of the error page. */
  onError(render: (err: AppError) => unknown): void
}

/** Who may open a group of pages, and how a refusal nobody re-renders is shown to them. */
export interface Audience {
  roles: Array<'owner' | 'technician'>
  /** The error page: the refusal's message and status, with the way back. */
  errorPage(call: PageCall, title: string, err: AppError): void
}

/**
 * A page route: the signed-in person with one of the audience's roles (otherwise the sign-in redirect or the 403 page),
 * then the handler; a typed error goes to the form's re-render the handler gave with onError, else to the error page with
 * its message and status. Forms need nothing more here: every cookie-signed write was checked for the session's CSRF
 * token before any page (api/middleware/csrf.ts).
 */
export function pageRoute(services: Services, audience: Audience, handler: (call: PageCall) => Promise<unknown> | unknown): RequestHandler {
  return async (req, res) => {
    const session = personWithRole(res, audience.roles)
    if (!session) return
    let render: ((err: AppError) => unknown) | undefined
    const requestId = stateOf(res).requestId
    const call: PageCall = {
      services,
      session,
      requestId,
      req: req as Request<Record<string, string>>,
      res,
      caller: { services, principal: session, requestId },
      onError: (r) => {
        render = r
      },
    }
    try {
      await handler(call)
    } catch (err) {
      const e = translateDatabaseError(err)
      if (!(e instanceof AppError)) throw err
      try {
        if (render) return void (await render(e))
      } catch (again) {
        const e2 = translateDatabaseError(again)
        if (!(e2 instanceof AppError)) throw again
        return audience.errorPage(call, titleOf(e2), e2)
      }
      audience.errorPage(call, titleOf(e), e)
    }
  }
}

function titleOf(err: AppError): string {
  return err.status === 403 ? 'Not allowed' : err.status === 404 ? 'Not found' : 'Something is wrong'
}
