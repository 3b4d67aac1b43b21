import { Router, type Request, type Response } from 'express'
import { z } from 'zod'
import { consumeMagicLink, issueMagicLinks, MAGIC_LINK_TTL_MS } from '../../core/auth/magic-links.js'
import { createSession, endSession } from '../../core/auth/sessions.js'
import type { Services } from '../../core/kernel/context.js'
import { AppError } from '../../core/kernel/errors.js'
import { log } from '../../core/kernel/log.js'
import { parseInput } from '../../core/kernel/validation.js'
import { html, signInForm } from '../../console/html.js'
import { layout } from '../../console/layout.js'
import { sendPage } from '../../console/send-page.js'
import { returnPathAfterSignIn, signInLinkForm } from '../../console/sign-in-link-page.js'
import { sendData } from '../envelope.js'
import { clearSessionCookie, readCookie, SESSION_COOKIE, setSessionCookie } from '../middleware/cookies.js'
import { createRateLimiter } from '../../core/http/rate-limit.js'
import { clientIp, stateOf } from '../../core/http/request-state.js'

/** A sign-in link's secret: 32 random bytes, base64url. */
const LINK_TOKEN = /^[A-Za-z0-9_-]{43}$/

const SAME_ANSWER = 'If this address belongs to an account, a sign-in link is on its way. It works once, for 15 minutes.'

/** Magic-link sign-in, session check and sign-out. */
export function authRoutes(services: Services): Router {
  const router = Router()
  const perAddress = createRateLimiter(services.db, 'sign-in-link-email', 5, 15 * 60 * 1000)
  const perClient = createRateLimiter(services.db, 'sign-in-link-client', 20, 15 * 60 * 1000)
  const secure = services.config.publicBaseUrl.startsWith('https:')
  const isForm = (req: Request) => req.is('application/x-www-form-urlencoded') === 'application/x-www-form-urlencoded'

  router.post('/auth/magic-link', async (req, res) => {
    const { email } = parseInput(z.object({ email: z.email() }), req.body ?? {}, '')
    // Asked for from an app's consent page: the link leads back there once signed in.
    const next = returnPathAfterSignIn(req.body?.next)
    await perClient.hit(clientIp(req), 'sign-in link requests')
    await perAddress.hit(email.toLowerCase(), 'sign-in link requests for this address')
    const links = await issueMagicLinks(services.db, email)
    for (const link of links) {
      const url = `${services.config.publicBaseUrl}/auth/verify?token=${link.token}${next ? `&next=${encodeURIComponent(next)}` : ''}`
      // Not awaited: a slow or failing provider must not make the answer differ for addresses that have an account.
      services.email
        .send({
          to: link.email,
          subject: `Your sign-in link for ${link.businessName}`,
          text:
            `Sign in to ${link.businessName}: open ${url} and press "Sign in".\n\nThe link works once and expires in ${MAGIC_LINK_TTL_MS / 60000} minutes. ` +
            'If you did not ask for it, ignore this email.',
          idempotencyKey: `magic-link-${link.token.slice(0, 16)}`,
        })
        .catch((err: unknown) =>
          log('error', 'sign-in link email failed', {
            request_id: stateOf(res).requestId,
            user_id: link.userId,
            error: err instanceof Error ? err.message : String(err),
          }),
        )
    }
    if (isForm(req)) {
      sendPage(res, layout({ title: 'Check your email', body: html`<p>${SAME_ANSWER}</p>` }))
      return
    }
    sendData(res, { message: SAME_ANSWER })
  })

  // Opening the link only shows a button (mail scanners and HEAD requests open links too); the press posts the secret.
  router.get('/auth/verify', (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : ''
    if (!LINK_TOKEN.test(token)) return refuseLink(res)
    sendPage(
      res,
      layout({ title: 'Sign in', body: signInLinkForm(token, stateOf(res).session?.csrfToken, returnPathAfterSignIn(req.query.next)) }),
      { secretUrl: true },
    )
  })

  router.post('/auth/verify', async (req, res) => {
    const token = typeof req.body?.token === 'string' ? req.body.token : ''
    const used = LINK_TOKEN.test(token) ? await consumeMagicLink(services.db, token) : null
    if (!used) return refuseLink(res)
    setSessionCookie(res, await createSession(services.db, used.tenantId, used.userId), secure)
    res.redirect(303, returnPathAfterSignIn(req.body?.next) ?? '/')
  })

  router.get('/auth/session', (_req, res) => {
    const session = stateOf(res).session
    if (!session) throw new AppError('UNAUTHENTICATED', 'No session: sign in with a link from POST /auth/magic-link')
    sendData(res, { tenant_id: session.tenantId, user: { ...session.actor, email: session.email }, csrf_token: session.csrfToken })
  })

  router.post('/auth/logout', async (req, res) => {
    const token = readCookie(req, SESSION_COOKIE)
    if (token) await endSession(services.db, token)
    clearSessionCookie(res, secure)
    if (isForm(req)) {
      res.redirect(303, '/')
      return
    }
    sendData(res, { signed_out: true })
  })
  return router
}

/** The answer to a link that is malformed, unknown, used or expired: the sign-in form again. */
function refuseLink(res: Response): void {
  log('info', 'sign-in link refused', { request_id: stateOf(res).requestId })
  sendPage(
    res,
    layout({ title: 'Sign in', body: signInForm(), error: 'This sign-in link is invalid, already used or expired. Ask for a new one.' }),
    { status: 400, secretUrl: true },
  )
}
