import { Router, type Request, type Response } from 'express'
import type { Services } from '../../core/kernel/context.js'
import {
  REQUEST_PHOTO_MAX_BYTES,
  type RequestPage,
  type RequestTyped,
  requestPage,
  requestPageTenant,
  submitRequest,
} from '../../core/domains/leads/request-form.js'
import type { FieldIssue } from '../../core/kernel/errors.js'
import { stateOf } from '../../core/http/request-state.js'
import { field, fieldError, describedBy, type FieldErrors } from '../form-kit.js'
import { html, type SafeHtml } from '../html.js'
import { layout } from '../layout.js'
import { multipartBody, type UploadedFile } from '../multipart.js'
import { sendPage } from '../send-page.js'
import { defineCustomerPage } from './page-declaration.js'

/** The request pages' addresses: /r/<slug>, where the form and any pasted copy of it post. */
export const REQUEST_FORM_PATH = /^\/r\/[^/]+$/

/**
 * What happened when the form came back without a lead, said above it: not sent yet, one press left (a copy of the
 * form pasted before it had its stamp, a stamp not ours, sent too fast, an old page). Not a failure, so not in red.
 */
const CHECK: Record<string, string> = {
  missing: 'Almost done: your request is not sent yet.',
  bad_stamp: 'Almost done: your request is not sent yet.',
  too_fast: 'Your request is not sent yet.',
  expired: 'This page was open a long time, so your request is not sent yet.',
}

/** The form's fields by the label a person sees, to say exactly what a request still lacks. */
const LABELS: Record<string, string> = {
  name: 'Your name',
  email: 'Email or phone',
  phone: 'Phone',
  address: 'Address of the work',
  service_ids: 'What do you need',
  need: 'What do you need',
  preferred_times: 'Preferred days and times',
  notes: 'Notes',
  photo: 'Photo',
}

/** The form's own fields, empty. */
const EMPTY: RequestTyped = {
  name: '',
  email: '',
  phone: '',
  address: '',
  service_ids: [],
  need: '',
  preferred_times: '',
  notes: '',
  website: '',
  stamp: '',
  texts: false,
}

/** Reads the request form's multipart body (it carries a photo) up to the largest photo; a bigger one gets a page saying so. */
export function requestFormBodies() {
  return multipartBody(REQUEST_PHOTO_MAX_BYTES + 64 * 1024, {
    back: (req: Request) => req.originalUrl,
    backLabel: 'Back to the form',
    tooLarge: (mb) => `The photo is larger than ${mb} MB. Choose a smaller one, or send the request without it.`,
    anonymous: true,
  })
}

/**
 * The public request page of a business, /r/<slug>: anyone may open it and send it, without signing in and without
 * JavaScript. No session, cookie or CSRF token applies (there is no ambient authority to borrow); the bot checks in
 * core/domains/leads/request-form.ts stand in for them. A pasted copy of the form on the owner's own site posts here as
 * a plain cross-site form (no preflight) and is answered like our own.
 */
export function requestRoutes(services: Services): Router {
  const router = Router()
  router.get('/r/:slug', async (req, res) => {
    const tenantId = await requestPageTenant(services, req.params.slug)
    if (!tenantId) return notFound(res)
    sendForm(res, req.params.slug, await requestPage(services, tenantId), EMPTY, new Map(), {})
  })
  router.post('/r/:slug', async (req, res) => {
    const tenantId = await requestPageTenant(services, req.params.slug)
    if (!tenantId) return notFound(res)
    const typed = typedOf(req.body)
    const outcome = await submitRequest(services, tenantId, req.params.slug, typed, req.ip ?? '', stateOf(res).requestId)
    switch (outcome.kind) {
      case 'made':
      case 'dropped':
        return void res.redirect(303, `/r/${req.params.slug}/thanks`)
      case 'rate_limited':
        res.set('Retry-After', String(outcome.retryAfterSeconds))
        return sendPage(
          res,
          layout({
            title: 'Please try again later',
            body: html`<p>Too many requests came from here in the last hour. Please try again in ${String(Math.ceil(outcome.retryAfterSeconds / 60))} minutes, or call us.</p>`,
            error: 'Your request was not sent.',
          }),
          { status: 429 },
        )
      case 'check':
        return sendForm(res, req.params.slug, outcome.page, typed, errorsOf(outcome.issues), {
          status: 200,
          notice: outcome.issues.length
            ? `${CHECK[outcome.why]} Please fix: ${whatIsMissing(outcome.issues)}; then press Send request.`
            : `${CHECK[outcome.why]} Check it below and press Send request.`,
        })
      case 'invalid':
        return sendForm(res, req.params.slug, outcome.page, typed, errorsOf(outcome.issues), {
          status: 400,
          error: `Your request was not sent yet. Please fix: ${whatIsMissing(outcome.issues)}.`,
        })
    }
  })
  router.get('/r/:slug/thanks', async (req, res) => {
    const tenantId = await requestPageTenant(services, req.params.slug)
    if (!tenantId) return notFound(res)
    const page = await requestPage(services, tenantId)
    sendPage(
      res,
      layout({
        title: page.businessName,
        body: html`<p>We will be in touch soon, by email or phone.</p><p><a href="/r/${req.params.slug}">Send another request</a></p>`,
        ok: 'Thank you: we have your request.',
      }),
    )
  })
  return router
}

/** The fields as sent, by a plain form or a pasted copy of it (either encoding). */
function typedOf(body: unknown): RequestTyped {
  const raw = (body ?? {}) as Record<string, unknown>
  const ids = raw.service_ids
  const photo = (raw._files as Record<string, UploadedFile> | undefined)?.photo
  return {
    name: field(body, 'name'),
    email: field(body, 'email'),
    phone: field(body, 'phone'),
    address: field(body, 'address'),
    service_ids: (Array.isArray(ids) ? ids : ids === undefined ? [] : [ids]).map(String).filter(Boolean),
    need: field(body, 'need'),
    preferred_times: field(body, 'preferred_times'),
    notes: field(body, 'notes'),
    website: field(body, 'website'),
    stamp: field(body, 'stamp'),
    texts: field(body, 'texts') === 'yes',
    ...(photo?.bytes.length ? { photo: { bytes: photo.bytes, contentType: photo.contentType } } : {}),
  }
}

/** Each field a request lacks, by its label and what it needs: "Your name (tell us your name); Address of the work (...)". */
function whatIsMissing(issues: FieldIssue[]): string {
  return issues.map((i) => `${LABELS[i.field] ?? i.field} (${i.message})`).join('; ')
}

function errorsOf(issues: FieldIssue[]): FieldErrors {
  const out: FieldErrors = new Map()
  for (const i of issues) out.set(i.field, out.has(i.field) ? `${out.get(i.field)}; ${i.message}` : i.message)
  return out
}

function sendForm(
  res: Response,
  slug: string,
  page: RequestPage,
  typed: RequestTyped,
  errors: FieldErrors,
  line: { status?: number; error?: string; notice?: string },
): void {
  // A notice is what is left to do, not a failure: a status line above the form, never the layout's red alert.
  const body = html`${line.notice ? html`<p role="status" class="warn">${line.notice}</p>` : ''}${requestForm(slug, page, typed, errors)}`
  sendPage(res, layout({ title: page.businessName, body, error: line.error }), { status: line.status ?? 200 })
}

/** The request form: one column, every field labelled, the honeypot hidden from people. */
function requestForm(slug: string, page: RequestPage, typed: RequestTyped, errors: FieldErrors): SafeHtml {
  const input = (name: keyof RequestTyped, label: string, attrs: SafeHtml) =>
    html`<label>${label}<input name="${name}" value="${String(typed[name])}"${attrs}${describedBy(errors, name)}>${fieldError(errors, name)}</label>`
  const area = (name: keyof RequestTyped, label: string, rows: number, attrs: SafeHtml = html``) =>
    html`<label>${label}<textarea name="${name}" rows="${String(rows)}"${attrs}${describedBy(errors, name)}>${String(typed[name])}</textarea>${fieldError(errors, name)}</label>`
  const offered = page.services.length
    ? html`<fieldset><legend>What do you need?</legend>${page.services.map(
        (s) =>
          html`<label class="c"><input type="checkbox" name="service_ids" value="${s.id}"${typed.service_ids.includes(s.id) ? html` checked` : ''}>${s.name}</label>`,
      )}${fieldError(errors, 'service_ids')}</fieldset>`
    : ''
  return html`<p>Tell us what you need and we will get back to you.</p>
<form method="post" action="/r/${slug}" enctype="multipart/form-data"><input type="hidden" name="stamp" value="${page.stamp}">
<div class="hp"><label>Leave this empty<input name="website" tabindex="-1" autocomplete="off"></label></div>
${input('name', 'Your name', html` required maxlength="200" autocomplete="name"`)}
${input('email', 'Email', html` type="email" maxlength="320" autocomplete="email"`)}
${input('phone', 'Phone', html` type="tel" maxlength="25" autocomplete="tel"`)}
<p class="note">An email or a phone number, so we can answer.</p>
${area('address', 'Address of the work', 2, html` required maxlength="500" autocomplete="street-address"`)}
${offered}${area('need', page.services.length ? 'Anything else, in your own words' : 'What do you need?', 3, html` maxlength="2000"`)}
${input('preferred_times', 'Preferred days and times', html` maxlength="500" placeholder="e.g. weekday mornings"`)}
${area('notes', 'Notes (gate code, pets, parking)', 2, html` maxlength="4000"`)}
<label>A photo (optional)<input type="file" name="photo" accept="image/*">${fieldError(errors, 'photo')}</label>
<label class="c"><input type="checkbox" name="texts" value="yes"${typed.texts ? html` checked` : ''}>Text me about my visits (reply STOP at any time)</label>
<button>Send request</button></form>`
}

function notFound(res: Response): void {
  sendPage(res, layout({ title: 'Not found', body: html``, error: 'There is no request page at this address.' }), { status: 404 })
}

/** A business's public request form: its multipart body (with a photo) read by its own parser. */
export const requestFormPage = defineCustomerPage({
  mount: 'after_bodies',
  countsGuesses: false,
  bodies: { path: REQUEST_FORM_PATH, parser: requestFormBodies },
  routes: (services) => requestRoutes(services),
})
