import type { NextFunction, Request, Response } from 'express'
import { boundedDepth } from '../../core/kernel/input-bounds.js'

/** Every parsed body, whoever reads it next (an action, an MCP call, a page, OAuth), is refused when nested too deep. */
export function boundedBodyDepth(req: Request, _res: Response, next: NextFunction): void {
  boundedDepth(req.body)
  next()
}
