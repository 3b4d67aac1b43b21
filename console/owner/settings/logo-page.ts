import { Router } from 'express'
import { callAction } from '../../../core/kernel/call-action.js'
import { callQuery, readTogether } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { LOGO_MAX_BYTES, setLogo } from '../../../core/domains/settings/logo-actions.js'
import { settingsQuery } from '../../../core/domains/settings/queries.js'
import { validationError } from '../../../core/kernel/errors.js'
import { form, html, type SafeHtml } from '../../html.js'
import { multipartBody, type UploadedFile } from '../../multipart.js'
import { personWithRole } from '../../session.js'
import { callerOf, ownerRoute } from '../owner-route.js'

/** Where the logo form posts; its multipart body is read before the CSRF check (api/app.ts). */
export const LOGO_FORM_PATH = '/settings/logo'

/** Reads the logo form's multipart body, up to a little more than the largest logo. */
export function logoFormBodies() {
  return multipartBody(LOGO_MAX_BYTES + 64 * 1024, {
    back: () => '/settings#logo',
    backLabel: 'Back to the settings',
    tooLarge: () => `The picture is larger than ${LOGO_MAX_BYTES / 1024} KB, the most a logo may be. Send a smaller one.`,
  })
}

/** The Logo part of the settings page: the logo now, a file to replace it, and Remove. */
export function logoSection(csrf: string, logo: string | null): SafeHtml {
  const now = logo
    ? html`<p><img class="logo" src="${LOGO_FORM_PATH}?v=${logo.slice(0, 12)}" alt="Your logo" width="96"></p>`
    : html`<p class="note">No logo yet.</p>`
  const remove = logo
    ? form(LOGO_FORM_PATH, csrf, html`<input type="hidden" name="remove" value="1"><button class="alt">Remove the logo</button>`)
    : ''
  return html`<h2 id="logo">Logo</h2><p class="note">Shown to customers on their quote and invoice pages: a PNG, JPEG or WebP picture of at most ${
    LOGO_MAX_BYTES / 1024
  } KB.</p>${now}
${form(LOGO_FORM_PATH, csrf, html`<label>Logo file<input type="file" name="file" accept="image/png,image/jpeg,image/webp" required></label><button>Upload the logo</button>`, html` enctype="multipart/form-data"`)}${remove}`
}

/** GET /settings/logo: the business's logo for its owner's page; POST: a new logo from the form, or its removal. */
export function logoPages(services: Services): Router {
  const router = Router()
  router.get(LOGO_FORM_PATH, async (_req, res) => {
    const session = personWithRole(res, ['owner'])
    if (!session) return
    const logo = await readTogether(callerOf(services, session, res), async (caller) => {
      const [settings] = (await callQuery(caller, settingsQuery, { limit: 1 })).items
      if (!settings.logo_sha256 || !settings.logo_content_type) return null
      return {
        type: settings.logo_content_type,
        bytes: await services.documents.get(caller.transaction!, session.tenantId, settings.logo_sha256),
      }
    })
    if (!logo) {
      res.status(404).type('text/plain').send('No logo')
      return
    }
    res.set({ 'Content-Type': logo.type, 'Cache-Control': 'private, max-age=86400' }).send(logo.bytes)
  })
  router.post(
    LOGO_FORM_PATH,
    ownerRoute(services, async ({ req, res, session }) => {
      const fields = (req.body ?? {}) as Record<string, unknown>
      const file = (fields._files as Record<string, UploadedFile> | undefined)?.file
      if (fields.remove !== '1' && !file?.bytes.length) throw validationError([{ field: 'file', message: 'choose a picture to upload' }])
      await callAction(callerOf(services, session, res), setLogo, {
        content_base64: fields.remove === '1' ? null : (file as UploadedFile).bytes.toString('base64'),
      })
      res.redirect(303, `/settings?done=${fields.remove === '1' ? 'logo_removed' : 'logo'}#logo`)
    }),
  )
  return router
}
