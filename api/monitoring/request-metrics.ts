import type { NextFunction, Request, Response } from 'express'
import { Counter, Histogram, type Registry } from 'prom-client'

/** The route label of a request no route answered: refused before routing (405, 401 at sign-in) or a path that does not exist. */
export const NO_ROUTE = '(none)'

/** Seconds; from a cached read to the statement limit (15 s) and past it. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

/** Methods as labels: the ones the server answers, and one word for the rest (refused with 405). */
const METHODS = new Set(['GET', 'HEAD', 'POST'])

/**
 * Counts every request by method, route and status, and times it by method and route, on the registry given. The route is
 * the pattern express matched (`/api/data`, `/pay/:secret`), never the path asked for: ids, secrets and made-up paths
 * never become labels, so the label sets stay as few as the routes.
 */
export function requestMetrics(registry: Registry): (req: Request, res: Response, next: NextFunction) => void {
  const requests = new Counter({
    name: 'crm_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  })
  const latency = new Histogram({
    name: 'crm_http_request_duration_seconds',
    help: 'Time from a request arriving to its answer sent, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  })
  // Each label set's counter and timer, looked up once: the label sets are as few as the routes.
  const counted = new Map<string, { count: () => void; time: (seconds: number) => void }>()
  const series = (method: string, route: string, status: string) => {
    const key = `${method} ${status} ${route}`
    let found = counted.get(key)
    if (!found) {
      const count = requests.labels(method, route, status)
      const timer = latency.labels(method, route)
      found = { count: () => count.inc(), time: (seconds) => timer.observe(seconds) }
      counted.set(key, found)
    }
    return found
  }
  return (req, res, next) => {
    const started = process.hrtime.bigint()
    const route = keepRoutePattern(req)
    res.on('finish', () => {
      const one = series(METHODS.has(req.method) ? req.method : 'other', route(), String(res.statusCode))
      one.count()
      one.time(Number(process.hrtime.bigint() - started) / 1e9)
    })
    next()
  }
}

/**
 * Watches express set req.route as it matches one, and keeps the pattern with the mount path it was matched under: by the
 * time the answer is sent, an error may have left the router and express put req.baseUrl back. Mount paths here are plain
 * words (`/api`), matched without regard to case, so they are kept in lower case.
 */
function keepRoutePattern(req: Request): () => string {
  let current: unknown
  let pattern = NO_ROUTE
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => current,
    set(route: { path?: unknown } | undefined) {
      current = route
      const path = route?.path
      if (path !== undefined) pattern = `${req.baseUrl.toLowerCase()}${Array.isArray(path) ? path.join('|') : String(path)}`
    },
  })
  return () => pattern
}
