import { type RequestHandler, Router } from 'express'
import { collectDefaultMetrics, Registry } from 'prom-client'
import type { Services } from '../../core/context.js'
import { hiddenRoute, operatorMayRead } from './operator-access.js'
import { requestMetrics } from './request-metrics.js'
import { scrape } from './scrape.js'

/** The operator's view of one app: the middleware that counts its requests, and the routes that report them. */
export interface Monitoring {
  /** Mounted first, so every request is counted and timed. */
  counting: RequestHandler
  /** GET /metrics. */
  routes: Router
}

/**
 * GET /metrics (Prometheus' text format), over a registry of this app's own with the process's default metrics. It
 * answers only a direct loopback connection without proxy headers, or a request carrying CRM_METRICS_TOKEN as a bearer
 * token; anyone else gets the 404 of a path that does not exist (docs/monitoring.md).
 */
export function monitoring(services: Services): Monitoring {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const routes = Router()
  routes.get('/metrics', async (req, res) => {
    if (!operatorMayRead(req, services.config.metricsToken)) throw hiddenRoute(req)
    const { contentType, text } = await scrape(services, registry)
    res.setHeader('Content-Type', contentType)
    res.setHeader('Cache-Control', 'no-store')
    res.send(text)
  })
  return { counting: requestMetrics(registry), routes }
}
