// Few imports here, none of a package: the database starts opening before the rest of the product loads (imported below
// when main runs; the bundle keeps each in a chunk of its own, cli/entry-bundles.mjs).
import { claimDatabase } from '../core/kernel/claim-database.js'
import { loadConfig } from '../core/kernel/config.js'
import { log, setLogLevel } from '../core/kernel/log.js'

/** How long a stop may wait for the delivery worker's pass before the database is closed under it. */
const WORKER_STOP_MS = 1_000

/** The longest a stop may take in all; past it the process exits anyway (the embedded database recovers on its next open). */
const STOP_DEADLINE_MS = 8_000

/** `npm start`: migrate, create the first business if needed, serve. */
async function main(): Promise<void> {
  const config = loadConfig()
  setLogLevel(config.logLevel)
  // Listening for signals comes first, so a stop asked for while starting (a long recovery of the data folder) is clean too.
  let letGo: () => Promise<void> = async () => {}
  let stopping = false
  const stop = (signal: NodeJS.Signals) => {
    // A second signal while stopping means: now.
    if (stopping) process.exit(1)
    stopping = true
    log('info', 'stopping', { signal })
    setTimeout(() => process.exit(1), STOP_DEADLINE_MS).unref()
    void letGo().finally(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)

  // The database opens (in its own thread on the embedded engine) while the modules of the server load.
  const claiming = claimDatabase(config, 'server')
  claiming.catch(() => {}) // awaited below; this keeps a failure from counting as unhandled meanwhile
  letGo = async () => {
    const claimed = await claiming.catch(() => null)
    await claimed?.db.close()
    claimed?.lock?.release()
  }
  const [{ openMigratedDatabase }, { PERSONAL_DATA }] = await Promise.all([
    import('../core/kernel/runtime.js'),
    import('../core/domains/personal-data.js'),
  ])
  const opening = openMigratedDatabase(config, 'server', PERSONAL_DATA, claiming)
  letGo = async () => (await opening.catch(() => null))?.close()
  opening.catch(() => {})
  const [{ createServices }, { banner, startServer }, { removeControlFile, writeControlFile }] = await Promise.all([
    import('./product.js'),
    import('./server.js'),
    import('../core/backup/control.js'),
  ])
  const opened = await opening
  if (stopping) return
  const services = createServices(config, opened.db)
  const running = await startServer(services).catch(async (err) => {
    await opened.close()
    throw err
  })
  // The worker's pass gets a moment to finish; if it waits on a long statement, closing the database ends that wait.
  letGo = async () => {
    await Promise.race([running.close(), new Promise((resolve) => setTimeout(resolve, WORKER_STOP_MS).unref())])
    await opened.close()
  }
  if (stopping) return
  opened.announce(running.publicUrl)
  // `crm backup` reaches this server through the data folder it holds (core/backup/control.ts).
  if (!config.databaseUrl) {
    writeControlFile(config.dataDir, running.url.replace('0.0.0.0', '127.0.0.1').replace('[::]', '[::1]'))
    const close = letGo
    letGo = async () => {
      removeControlFile(config.dataDir)
      await close()
    }
  }
  process.stdout.write(`${banner(services, running, opened.applied.length ? opened.backupBeforeMigrations : undefined)}\n`)
}

main().catch((err) => {
  process.stderr.write(`Could not start: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
