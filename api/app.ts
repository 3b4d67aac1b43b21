import express, { type Express } from 'express'
import type { Services } from '../core/context.js'
import { AppError } from '../core/errors.js'
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
import { payLinkRoutes } from '../console/customer/pay-link-page.js'
import { paymentPages } from '../console/customer/payment-pages.js'
import { respondRoutes } from '../console/customer/respond-page.js'
import { stopRoutes } from '../console/customer/stop-page.js'
import { cardRoutes } from '../console/customer/card-page.js'
import { quoteRoutes } from '../console/customer/quote-page.js'
import { offerRoutes } from '../console/customer/offer-page.js'
import { approvalLinkRoutes } from '../console/owner/review/email-answer.js'
import { REQUEST_FORM_PATH, requestFormBodies, requestRoutes } from '../console/customer/request-page.js'
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
import { calendarFeedRoutes } from './routes/calendar-feed.js'
import { stripeWebhookRoutes } from './routes/webhooks-stripe.js'
import { resendWebhookRoutes } from './routes/webhooks-resend.js'
import { googleWebhookRoutes } from './routes/webhooks-google.js'
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
  // Before the JSON parser: the signature is checked over the raw body. Public, like the pages Stripe sends customers back to.
  app.use(stripeWebhookRoutes(services))
  app.use(resendWebhookRoutes(services))
  app.use(googleWebhookRoutes(services))
  app.use(capabilityWebhookRoutes(services))
  app.use(paymentPages())
  // One count of unknown secrets per client address for every public link: pay, calendar, appointment answers, quotes.
  const guesses = linkGuesses(services.db)
  app.use(payLinkRoutes(services, guesses))
  app.use(calendarFeedRoutes(services, guesses))
  app.use(['/api/actions', '/mcp'], fileBodies(services.config))
  app.use(express.json({ limit: services.config.bodyLimitBytes }))
  app.use(express.urlencoded({ extended: false, limit: services.config.bodyLimitBytes }))
  app.use(boundedBodyDepth)
  // Customers answer appointment, quote, offer and plan emails, save cards, and stop the emails inviting them back, without signing in: the link's secret is the credential, so no session or CSRF applies.
  app.use(respondRoutes(services, guesses))
  app.use(stopRoutes(services, guesses))
  app.use(cardRoutes(services, guesses))
  app.use(quoteRoutes(services, guesses))
  app.use(offerRoutes(services, guesses))
  // The owner answers a queued agent call from its email, often on a phone not signed in: the link's secret is the credential.
  app.use(approvalLinkRoutes(services, guesses))
  // Anyone may ask a business for work on its request page, or on a copy of the form pasted into the business's own site:
  // no session or CSRF token applies; the page's bot checks do (docs/customer-requests.md).
  app.use(REQUEST_FORM_PATH, requestFormBodies())
  app.use(requestRoutes(services))
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
