import { Router } from 'express'
import type { Services } from '../../core/context.js'
import { pendingMigrations } from '../../core/db/migrate.js'
import { AppError } from '../../core/errors.js'
import { sendData } from '../envelope.js'

/** GET /healthz (the process answers) and GET /readyz (database reachable, migrations applied). */
export function healthRoutes(services: Services): Router {
  const router = Router()
  router.get('/healthz', (_req, res) => sendData(res, { status: 'ok' }))
  router.get('/readyz', async (_req, res) => {
    let pending: string[]
    try {
      pending = await pendingMigrations(services.db)
    } catch {
      throw new AppError('UNAVAILABLE', 'The database is not reachable')
    }
    if (pending.length) throw new AppError('UNAVAILABLE', `Migrations not applied: ${pending.join(', ')}`)
    sendData(res, { status: 'ready', database: services.db.engine })
  })
  return router
}
