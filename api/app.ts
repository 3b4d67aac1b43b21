import express, { type Express } from 'express'
import type { Services } from '../core/context.js'
import { AppError } from '../core/errors.js'
import { mcpRoutes } from '../mcp/http.js'
import { homePage } from '../web-review/home.js'
import { reviewPages } from '../web-review/review-pages.js'
import { errorHandler } from './error-handler.js'
import { authenticate } from './middleware/authenticate.js'
import { csrfProtection } from './middleware/csrf.js'
import { createRateLimiter } from './middleware/rate-limit.js'
import { requestLog } from './middleware/request-log.js'
import { actionsRoutes } from './routes/actions.js'
import { authRoutes } from './routes/auth.js'
import { capabilitiesRoutes } from './routes/capabilities.js'
import { dataRoutes } from './routes/data.js'
import { healthRoutes } from './routes/health.js'

/** The whole HTTP application: API, sign-in, pages and health checks. */
export function createApp(services: Services): Express {
  const app = express()
  app.disable('x-powered-by')
  app.set('trust proxy', 'loopback')
  app.use(requestLog)
  app.use(healthRoutes(services))
  app.use(express.json({ limit: services.config.bodyLimitBytes }))
  app.use(express.urlencoded({ extended: false, limit: services.config.bodyLimitBytes }))
  app.use(authenticate(services, createRateLimiter(20, 15 * 60 * 1000)))
  app.use(csrfProtection)
  app.use(authRoutes(services))
  app.use('/api', actionsRoutes(services), dataRoutes(services), capabilitiesRoutes(services))
  app.use(mcpRoutes(services))
  app.get('/', homePage)
  app.use(reviewPages(services))
  app.use((req) => {
    throw new AppError('NOT_FOUND', `No route ${req.method} ${req.path}`)
  })
  app.use(errorHandler)
  return app
}
