import { Router } from 'express'
import type { Services } from '../../../core/kernel/context.js'
import { uploadFromForm } from '../../document-upload.js'
import { html } from '../../html.js'
import { sendOwnerPage } from '../owner-page.js'
import { callerOf, ownerRoute } from '../owner-route.js'
import { fieldErrorsOf, problemsSentence } from '../../form-kit.js'

/** The owner's uploads to a customer's, an invoice's and a quote's files; each returns to the page it came from. */
export function documentsPages(services: Services): Router {
  const router = Router()
  for (const [path, field] of [
    ['customers', 'contact_id'],
    ['invoices', 'invoice_id'],
    ['quotes', 'quote_id'],
  ] as const) {
    router.post(
      `/${path}/:id/documents`,
      ownerRoute(services, async ({ req, res, session, onError }) => {
        const back = `/${path}/${encodeURIComponent(req.params.id)}`
        onError((err) => {
          const lines = problemsSentence(fieldErrorsOf(err, { content_base64: 'file', content_type: 'file type' }))
          return sendOwnerPage(res, 'Not uploaded', html`<p><a href="${back}">Back</a></p>`, {
            status: err.status,
            error: `Nothing was saved. ${lines}`,
          })
        })
        await uploadFromForm(callerOf(services, session, res), { field, id: req.params.id }, req.body)
        res.redirect(303, `${back}?done=uploaded#files`)
      }),
    )
  }
  return router
}
