import express, { Router } from 'express'
import { z } from 'zod'
import { readControlFile } from '../../core/backup/control.js'
import { BackupsOff, makeBackup } from '../../core/backup/make.js'
import type { Services } from '../../core/kernel/context.js'
import { AppError } from '../../core/kernel/errors.js'
import { parseInput } from '../../core/kernel/validation.js'
import { sendData } from '../envelope.js'
import { directFromLoopback, hiddenRoute, sameSecret } from '../monitoring/operator-access.js'

const backupRequest = z.object({ tenant_id: z.uuid().optional() })

/**
 * POST /internal/backup: `crm backup` asks the server that holds the embedded data folder to make the backup (only it
 * can read the folder while it runs). Answered only to a direct loopback request presenting the control secret the
 * server wrote into that folder; to anything else it does not exist.
 */
export function backupControlRoutes(services: Services): Router {
  const router = Router()
  router.post('/internal/backup', express.json({ limit: '4kb' }), async (req, res) => {
    // Only a server on the embedded engine writes the file (api/main.ts); on a server's database every process can back up itself.
    const secret = services.db.engine === 'pglite' ? (readControlFile(services.config.dataDir)?.secret ?? null) : null
    const presented = req.get('x-crm-control')
    if (!secret || !presented || !directFromLoopback(req) || !sameSecret(presented, secret)) throw hiddenRoute(req)
    const input = parseInput(backupRequest, req.body ?? {}, '')
    try {
      const result = await makeBackup(
        { db: services.db, config: services.config, documents: services.documents, now: services.now },
        { tenantId: input.tenant_id, reason: 'manual' },
      )
      sendData(res, result)
    } catch (err) {
      if (err instanceof BackupsOff) throw serverLacksKey()
      throw new AppError('UNAVAILABLE', `The backup failed: ${err instanceof Error ? err.message : String(err)}`)
    }
  })
  return router
}

/** This server has no CRM_BACKUP_KEY: the one set where `crm backup` runs does not reach it, so it goes in the server's environment. */
function serverLacksKey(): AppError {
  return new AppError(
    'CONFLICT',
    'The running server has no CRM_BACKUP_KEY in its environment, so it makes no backup (the key set where crm backup runs ' +
      "does not reach it). Add CRM_BACKUP_KEY to the server's environment (with the systemd units of docs/deploy.md, " +
      '/etc/service-crm/env) and restart the server, then run crm backup again.',
    { field: 'CRM_BACKUP_KEY' },
  )
}
