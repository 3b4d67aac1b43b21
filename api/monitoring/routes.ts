import { type RequestHandler, Router } from 'express'
import { collectDefaultMetrics, Registry } from 'prom-client'
import type { Services } from '../../core/kernel/context.js'
import { withDeadline } from '../../core/kernel/deadline.js'
import { readDatabaseFacts, settingsOf, type DoctorFacts } from '../../core/monitoring/doctor-facts.js'
import { readServiceState } from '../../core/monitoring/service-state.js'
import { backupFolderCensus } from '../../core/backup/folder-census.js'
import { sendData } from '../envelope.js'
import { doctorProbes, seenOf } from './doctor-probes.js'
import { hiddenRoute, operatorMayRead } from './operator-access.js'
import { requestMetrics } from './request-metrics.js'
import { scrape } from './scrape.js'

/** The operator's view of one app: the middleware that counts its requests, and the routes that report them. */
export interface Monitoring {
  /** Mounted first, so every request is counted and timed. */
  counting: RequestHandler
  /** GET /metrics and GET /healthz/doctor. */
  routes: Router
}

/**
 * GET /metrics (Prometheus' text format) and GET /healthz/doctor (the facts `crm doctor` asks the running server for),
 * over a registry of this app's own with the process's default metrics. Both answer only a direct loopback connection
 * without proxy headers, or a request carrying CRM_METRICS_TOKEN as a bearer token; anyone else gets the 404 of a path
 * that does not exist (docs/monitoring.md).
 */
export function monitoring(services: Services): Monitoring {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const probes = doctorProbes()
  const routes = Router()
  routes.get('/metrics', async (req, res) => {
    if (!operatorMayRead(req, services.config.metricsToken)) throw hiddenRoute(req)
    const { contentType, text } = await scrape(services, registry)
    res.setHeader('Content-Type', contentType)
    res.setHeader('Cache-Control', 'no-store')
    res.send(text)
  })
  routes.get('/healthz/doctor', async (req, res) => {
    if (!operatorMayRead(req, services.config.metricsToken)) {
      probes.note(req)
      throw hiddenRoute(req)
    }
    res.setHeader('Cache-Control', 'no-store')
    sendData(res, await doctorFacts(services, seenOf(req), probes.take(req.query.probe)))
  })
  return { counting: requestMetrics(registry), routes }
}

/** The facts of GET /healthz/doctor; the database's part within CRM_READY_TIMEOUT_MS, else null with the reason. */
async function doctorFacts(services: Services, seen: DoctorFacts['seen'], probe: DoctorFacts['probe']): Promise<DoctorFacts> {
  const { config, db } = services
  const facts: DoctorFacts = {
    server_time: new Date().toISOString(),
    settings: settingsOf(config, services.secrets !== null, db.engine),
    seen,
    probe,
    database: null,
    state: null,
    backup_folder: null,
    database_error: null,
  }
  const limit = config.readyTimeoutMs
  try {
    const [database, state, backupFolder] = await withDeadline(
      Promise.all([
        readDatabaseFacts(db),
        readServiceState(db, config.backup.key !== null, services.now()),
        backupFolderCensus(db, config.backup.dir),
      ]),
      limit,
      () => new Error(`the database did not answer within ${limit} ms`),
    )
    Object.assign(facts, { database, state, backup_folder: backupFolder })
  } catch (err) {
    facts.database_error = err instanceof Error ? err.message : String(err)
  }
  return facts
}
