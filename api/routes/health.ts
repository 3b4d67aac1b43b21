import { Router } from 'express'
import type { Services } from '../../core/kernel/context.js'
import { withDeadline } from '../../core/kernel/deadline.js'
import { pendingMigrations } from '../../core/db/migrate.js'
import { AppError, databaseUnavailable } from '../../core/kernel/errors.js'
import { sendData } from '../envelope.js'

/** GET /healthz (the process answers) and GET /readyz (database reachable, migrations applied), each answering in bounded time. */
export function healthRoutes(services: Services): Router {
  const router = Router()
  router.get('/healthz', (_req, res) => sendData(res, { status: 'ok' }))
  router.get('/readyz', async (_req, res) => {
    const limit = services.config.readyTimeoutMs
    let pending: string[]
    try {
      // A load balancer asks often and gives up quickly: a database that does not answer within the limit is not ready.
      pending = await withDeadline(pendingMigrations(services.db), limit, () =>
        databaseUnavailable(`The database did not answer within ${limit} ms`),
      )
    } catch (err) {
      throw err instanceof AppError ? err : databaseUnavailable('The database is not reachable')
    }
    if (pending.length) throw databaseUnavailable(`Migrations not applied: ${pending.join(', ')}`)
    sendData(res, { status: 'ready', database: services.db.engine })
  })
  return router
}
