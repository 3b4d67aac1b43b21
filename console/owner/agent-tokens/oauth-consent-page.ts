import { Router, type Response } from 'express'
import { stateOf } from '../../../core/http/request-state.js'
import {
  type AuthorizationRequest,
  type CheckedAuthorizationRequest,
  checkAuthorizationRequest,
  redirectWith,
} from '../../../core/auth/oauth/authorization-request.js'
import { approveClient } from '../../../core/auth/oauth/grants.js'
import { issuerUrl } from '../../../core/auth/oauth/urls.js'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import type { Services } from '../../../core/kernel/context.js'
import { businessNameOf } from '../../../core/kernel/tenants.js'
import { form, html, signInForm, type SafeHtml } from '../../html.js'
import { layout, viewerOf } from '../../layout.js'
import { sendPage } from '../../send-page.js'

/** The request's fields the consent form carries to its POST. */
const CARRIED = ['response_type', 'client_id', 'redirect_uri', 'code_challenge', 'code_challenge_method', 'state', 'resource', 'scope']

/**
 * The consent page of OAuth's authorization endpoint: an app asks to connect; the owner, signed in by a sign-in link
 * if need be, sees who asks and what it may do, and allows or denies. The answer goes back to the app's redirect URI.
 */
export function oauthConsentPages(services: Services): Router {
  const router = Router()

  router.get('/oauth/authorize', async (req, res) => {
    const checked = await checkAuthorizationRequest(services.db, services.config, req.query)
    if (checked.kind !== 'ok') return answerRefused(res, services, checked)
    const session = stateOf(res).session
    if (!session) {
      return sendPage(
        res,
        layout({
          title: `Connect ${checked.request.client.clientName}`,
          body: html`${whoAsks(checked.request)}
<p>Sign in as the owner of the business to continue. We will email you a sign-in link that brings you back here.</p>${signInForm(req.originalUrl)}`,
        }),
      )
    }
    if (!isOwner(session)) return notOwnerPage(res)
    const business = await businessName(services, session)
    const fields = CARRIED.map((k) =>
      typeof req.query[k] === 'string' ? html`<input type="hidden" name="${k}" value="${req.query[k] as string}">` : html``,
    )
    sendPage(
      res,
      layout({
        title: `Connect ${checked.request.client.clientName}?`,
        viewer: viewerOf(session),
        body: html`${whoAsks(checked.request)}
<div class="card"><p><b>What it will be able to do</b></p>
<p>Act as the office manager of ${business}: the same tools as an agent token, to look up and change customers, appointments, invoices and messages.</p>
<p>Anything that asks you first waits on your <a href="/review">Waiting</a> page for your answer, and the history records everything it does as "${checked.request.client.clientName} (OAuth)".</p>
<p class="note">It then appears under <a href="/review/connections">Connected apps</a>, where you can disconnect it at any time.</p></div>
${form('/oauth/authorize', session.csrfToken, html`${fields}<div class="row"><button name="decision" value="deny" class="deny">Deny</button><button name="decision" value="approve">Allow</button></div>`)}`,
      }),
      { formTargets: [formTargetOf(checked.request.redirectUri)] },
    )
  })

  router.post('/oauth/authorize', async (req, res) => {
    const session = stateOf(res).session
    if (!session) return refusePage(res, 'Your sign-in has ended. Go back to the app and connect again.', 401)
    if (!isOwner(session)) return notOwnerPage(res)
    const checked = await checkAuthorizationRequest(services.db, services.config, req.body ?? {})
    if (checked.kind !== 'ok') return answerRefused(res, services, checked)
    const { redirectUri, state } = checked.request
    if (req.body?.decision !== 'approve') {
      return sendBack(res, services, redirectUri, {
        error: 'access_denied',
        error_description: 'The owner did not allow the connection',
        state,
      })
    }
    const code = await approveClient(services.db, session, checked.request, stateOf(res).requestId)
    sendBack(res, services, redirectUri, { code, state })
  })
  return router
}

/** Who asks: the app's name, where it sends the answer, and how it identified itself. */
function whoAsks(request: AuthorizationRequest): SafeHtml {
  const c = request.client
  const how =
    c.source === 'metadata_document'
      ? `It identified itself with the document it publishes at ${c.clientId}.`
      : 'It registered itself with this server just now (dynamic registration): its name is what it says it is.'
  return html`<div class="card"><p><b>${c.clientName}</b> asks to connect to your business.</p>
<p>It will be sent back to <b>${hostOf(request.redirectUri)}</b>.</p><p class="note">${how}</p></div>`
}

/** The 303 back to the client with the answer, naming this server as the issuer (RFC 9207). */
function sendBack(res: Response, services: Services, redirectUri: string, params: Record<string, string | null>): void {
  res.redirect(303, redirectWith(redirectUri, { ...params, iss: issuerUrl(services.config) }))
}

/** A request the check refused: said on the page when the app cannot be trusted, else sent back to the app as its error. */
function answerRefused(res: Response, services: Services, checked: Exclude<CheckedAuthorizationRequest, { kind: 'ok' }>): void {
  if (checked.kind === 'refuse') return refusePage(res, checked.message)
  sendBack(res, services, checked.redirectUri, { error: checked.error, error_description: checked.description, state: checked.state })
}

function refusePage(res: Response, message: string, status = 400): void {
  sendPage(res, layout({ title: 'Cannot connect this app', error: message, body: html`<p><a href="/">Home</a></p>` }), { status })
}

function notOwnerPage(res: Response): void {
  sendPage(
    res,
    layout({
      title: 'Not allowed',
      body: html`<p>Only the owner of the business can connect an app. Ask the owner to connect it.</p><p><a href="/">Home</a></p>`,
    }),
    { status: 403 },
  )
}

function isOwner(session: SessionPrincipal): boolean {
  return session.actor.type === 'user' && session.actor.role === 'owner'
}

async function businessName(services: Services, session: SessionPrincipal): Promise<string> {
  return (
    (await businessNameOf(services.db, { tenantId: session.tenantId, actorType: 'user', actorId: session.actor.id })) ?? 'your business'
  )
}

/** The redirect URI's host, or its scheme for an app's own scheme (cursor://...). */
function hostOf(uri: string): string {
  const url = new URL(uri)
  return url.host || url.protocol
}

/** Where the form's answer leads, for the policy (browsers check the redirect after a POST): the app's origin, or its own scheme. */
function formTargetOf(redirectUri: string): string {
  const url = new URL(redirectUri)
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : url.protocol
}
