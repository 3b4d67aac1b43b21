import type { NextFunction, Request, Response } from 'express'
import { validationError } from '../../core/kernel/errors.js'

/** The methods this server answers; it takes no cross-origin browser calls, so OPTIONS is not among them. */
const ALLOWED = ['GET', 'HEAD', 'POST']

/** Any other method is refused in the envelope with 405 and Allow, before routing (whose own OPTIONS answer is plain text). */
export function allowedMethods(req: Request, res: Response, next: NextFunction): void {
  if (ALLOWED.includes(req.method)) return next()
  res.setHeader('Allow', ALLOWED.join(', '))
  throw validationError(
    [
      {
        field: 'method',
        message: `${req.method} is not supported: use ${ALLOWED.join(', ')} (GET /api/capabilities lists what each path takes)`,
      },
    ],
    405,
  )
}
