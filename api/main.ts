import { loadConfig } from '../core/config.js'
import { setLogLevel } from '../core/log.js'
import { openMigratedDatabase } from '../core/runtime.js'
import { createServices } from './product.js'
import { banner, startServer } from './server.js'

/** `npm start`: migrate, create the first business if needed, serve. */
async function main(): Promise<void> {
  const config = loadConfig()
  setLogLevel(config.logLevel)
  const opened = await openMigratedDatabase(config, 'server')
  const services = createServices(config, opened.db)
  const running = await startServer(services)
  process.stdout.write(banner(services, running) + '\n')
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    await running.close()
    await opened.close()
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((err) => {
  process.stderr.write(`Could not start: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
