import { Router, type Response } from 'express'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { customerExportQuery, EXPORT_PARTS } from '../../../core/domains/privacy/export.js'
import { AppError } from '../../../core/kernel/errors.js'
import { html, type SafeHtml } from '../../html.js'
import { sendOwnerPage } from '../owner-page.js'
import { MISSING_CUSTOMER, sendNotFound } from '../not-found.js'
import { callerOf, ownerRoute } from '../owner-route.js'
import type {} from '../../form-kit.js'

/** The parts of an export in the order a person reads them, with their headings: the declared parts, then the audit. */
const HEADINGS: Array<[string, string]> = [
  ...EXPORT_PARTS.map((p): [string, string] => [p.part, p.heading]),
  ['audit', 'Every change, with who made it'],
]

/** A customer's data export: to read on a page, and to download as JSON (owner only, as the data type). */
export function customerExportPages(services: Services): Router {
  const router = Router()
  router.get(
    '/customers/:id/export',
    ownerRoute(services, async ({ req, res, session }) => {
      const data = await exportOr404(services, session, res, req.params.id)
      if (!data) return
      const contact = data.contact as Record<string, unknown>
      const body = html`<p><a href="${`/customers/${req.params.id}`}">Back to the customer</a> · <a href="${`/customers/${req.params.id}/export.json`}" download>Download as JSON</a></p>
<p class="muted">Everything this business holds about ${String(contact.display_name)}, as of ${data.exported_at}.</p>
<h2>The customer</h2>${fields(contact)}
${HEADINGS.map(([key, heading]) => {
  const rows = (data as Record<string, unknown>)[key] as Record<string, unknown>[]
  return html`<h2>${heading}: ${rows.length}</h2>${rows.length ? rows.map((r) => html`<div class="card">${fields(r)}</div>`) : html`<p class="muted">None.</p>`}`
})}`
      sendOwnerPage(res, `Data held about ${String(contact.display_name)}`, body)
    }),
  )
  router.get(
    '/customers/:id/export.json',
    ownerRoute(services, async ({ req, res, session }) => {
      const data = await exportOr404(services, session, res, req.params.id)
      if (!data) return
      res.set({
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Disposition': `attachment; filename="customer-${req.params.id}.json"`,
        'Cache-Control': 'no-store',
      })
      res.send(JSON.stringify(data, null, 2))
    }),
  )
  return router
}

async function exportOr404(services: Services, session: SessionPrincipal, res: Response, id: string) {
  try {
    const [found] = (await callQuery(callerOf(services, session, res), customerExportQuery, { params: { contact_id: id } })).items
    if (found) return found
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'VALIDATION_ERROR') throw err
  }
  sendNotFound(res, MISSING_CUSTOMER)
  return null
}

/** A stored row as "field: value" lines, leaving out what is empty. */
function fields(row: Record<string, unknown>): SafeHtml {
  const shown = Object.entries(row).filter(([, v]) => v !== null && v !== '' && !(Array.isArray(v) && !v.length))
  return html`<dl class="facts">${shown.map(
    ([k, v]) =>
      html`<dt>${k.replace(/_/g, ' ')}</dt><dd>${
        k === 'download' ? html`<a href="${String(v)}">Download</a>` : typeof v === 'object' ? JSON.stringify(v) : String(v)
      }</dd>`,
  )}</dl>`
}
