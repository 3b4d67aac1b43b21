import express, { type Express } from 'express'
import type { Services } from '../core/kernel/context.js'
import { AppError } from '../core/kernel/errors.js'
import { mcpBodyErrors } from '../mcp/body-errors.js'
import { mcpRoutes } from '../mcp/http.js'
import { mcpWwwAuthenticate } from '../mcp/www-authenticate.js'
import { iconRoutes } from '../mcp/icon.js'
import { homePage } from '../console/home.js'
import { documentFileRoutes } from '../console/document-file.js'
import { DOCUMENT_FORM_PATHS, documentFormBodies } from '../console/document-upload.js'
import { LOGO_FORM_PATH, logoFormBodies } from '../console/owner/settings/logo-page.js'
import { IMPORT_FILE_LIMIT_BYTES } from '../console/owner/imports/import-page.js'
import { multipartBody } from '../console/multipart.js'
import { customerPageBodies, customerPages } from '../console/customer/index.js'
import { ownerConsolePages } from '../console/owner/index.js'
import { technicianPages } from '../console/technician/index.js'
import { errorHandler } from './error-handler.js'
import { backupControlRoutes } from './routes/backup-control.js'
import { oauthEndpointErrors } from './oauth-errors.js'
import { authenticate } from './middleware/authenticate.js'
import { boundedBodyDepth } from './middleware/body-depth.js'
import { csrfProtection } from './middleware/csrf.js'
import { linkGuesses } from '../core/http/link-guesses.js'
import { fileBodies } from './middleware/file-bodies.js'
import { allowedMethods } from './middleware/methods.js'
import { securityHeaders } from './middleware/security-headers.js'
import { requestLog } from './middleware/request-log.js'
import { actionsRoutes } from './routes/actions.js'
import { authRoutes } from './routes/auth.js'
import { capabilitiesRoutes } from './routes/capabilities.js'
import { dataRoutes } from './routes/data.js'
import { healthRoutes } from './routes/health.js'
import { monitoring } from './monitoring/routes.js'
import { oauthMetadataRoutes } from './routes/oauth-metadata.js'
import { oauthTokenRoutes } from './routes/oauth-token.js'
import { resendWebhookRoutes } from './routes/webhooks-resend.js'
import { capabilityWebhookRoutes } from './routes/capability-webhooks.js'

/** The whole HTTP application: API, sign-in, pages and health checks. */
export function createApp(services: Services): Express {
  const app = express()
  app.disable('x-powered-by')
  // Answers are made per request (envelopes carry a timestamp, pages a nonce): a hash of each body would never match. The
  // calendar feed sets and checks its own.
  app.set('etag', false)
  // Rate limits key on the client's address: X-Forwarded-For counts only from proxies the operator named.
  app.set('trust proxy', services.config.trustProxy)
  const operator = monitoring(services)
  app.use(operator.counting)
  app.use(requestLog)
  app.use(securityHeaders)
  app.use(allowedMethods)
  app.use(healthRoutes(services))
  app.use(backupControlRoutes(services))
  app.use(operator.routes)
  app.use(iconRoutes())
  app.use(oauthMetadataRoutes(services))
  // Before the JSON parser: the signature is checked over the raw body. Public, like the pages a payment provider sends customers back to.
  app.use(resendWebhookRoutes(services))
  app.use(capabilityWebhookRoutes(services))
  // Public pages (console/customer): a link's secret is the credential, so no session or CSRF applies; one count of
  // unknown secrets per client address covers every kind of link. Pages that read no body come before the body parsers.
  const guesses = linkGuesses(services.db)
  app.use(customerPages(services, guesses, 'before_bodies'))
  app.use(['/api/actions', '/mcp'], fileBodies(services.config))
  app.use(customerPageBodies())
  app.use(express.json({ limit: services.config.bodyLimitBytes }))
  app.use(express.urlencoded({ extended: false, limit: services.config.bodyLimitBytes }))
  app.use(boundedBodyDepth)
  app.use(customerPages(services, guesses, 'after_bodies'))
  // OAuth clients call these without a session or bearer token (a Basic header is theirs, not ours to refuse).
  app.use(oauthTokenRoutes(services))
  app.use(authenticate(services))
  // The import page posts its file as a plain form; the form's _csrf field is read from that body.
  app.use('/import', multipartBody(IMPORT_FILE_LIMIT_BYTES))
  app.use(DOCUMENT_FORM_PATHS, documentFormBodies(services.config))
  app.use(LOGO_FORM_PATH, logoFormBodies())
  app.use(csrfProtection)
  app.use(authRoutes(services))
  app.use('/api', actionsRoutes(services), dataRoutes(services), capabilitiesRoutes(services))
  app.use(mcpRoutes(services))
  app.get('/', homePage)
  app.use(ownerConsolePages(services))
  app.use(technicianPages(services))
  app.use(documentFileRoutes(services))
  app.use((req) => {
    throw new AppError('NOT_FOUND', `No route ${req.method} ${req.path}`)
  })
  app.use(mcpBodyErrors)
  app.use(oauthEndpointErrors)
  app.use(mcpWwwAuthenticate(services))
  app.use(errorHandler)
  return app
}
