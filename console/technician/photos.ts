import type { Router } from 'express'
import type { SessionPrincipal } from '../../core/auth/sessions.js'
import { callQuery } from '../../core/kernel/call-query.js'
import type { Services } from '../../core/kernel/context.js'
import { documentsQuery } from '../../core/domains/documents/queries.js'
import { AppError } from '../../core/kernel/errors.js'
import { uploadFromForm } from '../document-upload.js'
import { html, type SafeHtml } from '../html.js'
import { documentList } from '../owner/documents/document-views.js'
import { callerOf, onceOf, pageRoute, postForm, sendWorkPage, type PageCall } from './context.js'
import { field } from '../form-kit.js'

/** Where a photo's form may return to: the visit's page or a step of its close-out. */
const BACK = /^\/tickets\/[0-9a-f-]{36}(\/closeout\/[a-z]+)?$/

/**
 * POST /tickets/:id/photos: a photo of the visit, from its page or any close-out step, in a form of its own, so a slow
 * upload never holds up the close-out. Open to the owner and to the technicians assigned (document.upload's access); a
 * closed visit takes photos too, since they are not part of its record.
 */
export function mountPhotos(router: Router, services: Services): void {
  router.post(
    '/tickets/:id/photos',
    pageRoute(services, async (call) => {
      const id = String(call.req.params.id)
      const asked = field(call.req.body, 'back')
      const back = BACK.test(asked) && asked.startsWith(`/tickets/${id}`) ? asked : `/tickets/${id}`
      try {
        await uploadFromForm(callerOf(call), { field: 'ticket_id', id }, call.req.body, {
          category: 'photo',
          idempotencyKey: onceOf(call.req),
        })
      } catch (err) {
        if (!(err instanceof AppError) || err.details?.field === 'Idempotency-Key') throw err
        return sendWorkPage(
          call,
          {
            title: 'Photo not added',
            body: html`<p><a class="btn" href="${back}">Back</a></p>`,
            error: `The photo was not added. ${err.message.replace(/\bdata\./g, '').replace(/content_base64|content_type/g, 'file')}`,
          },
          err.status,
        )
      }
      call.res.redirect(303, `${back}${back.includes('?') ? '&' : '?'}photo=added`)
    }),
  )
}

/** The visit's photos and the form that adds one: a file input that opens the camera on a phone, posted on its own. */
export async function photosBlock(call: PageCall, ticketId: string, back: string, timeZone: string): Promise<SafeHtml> {
  const photos = await callQuery(callerOf(call), documentsQuery, { params: { ticket_id: ticketId }, limit: 25 })
  const added = call.req.query?.photo === 'added' ? html`<p class="ok">Photo added.</p>` : ''
  return html`<h2 id="photos">Photos</h2>${added}${documentList(photos.items, timeZone)}${photoForm(call.session, ticketId, back)}`
}

/** The "Add photo" form alone, for pages that show no list (the close-out steps). */
export function photoForm(session: SessionPrincipal, ticketId: string, back: string): SafeHtml {
  return postForm(
    `/tickets/${ticketId}/photos`,
    session,
    html`<input type="hidden" name="back" value="${back}">
<label>Photo of the work<input type="file" name="file" accept="image/*" capture="environment" required></label><button class="second">Add photo</button>`,
    html` enctype="multipart/form-data" data-photo`,
  )
}
