import { Router, type Response } from 'express'
import { callQuery, readTogether } from '../core/kernel/call-query.js'
import type { Services } from '../core/kernel/context.js'
import { PICTURE_TYPES } from '../core/domains/documents/content.js'
import { documentsQuery } from '../core/domains/documents/queries.js'
import { readDocumentFile } from '../core/domains/documents/read-file.js'
import { AppError } from '../core/kernel/errors.js'
import { html } from './html.js'
import { layout, viewerOf } from './layout.js'
import { sendPage } from './send-page.js'
import { personWithRole } from './session.js'
import type {} from './form-kit.js'
import { callerOf } from './owner/owner-route.js'

/** The file extension a download is named with, by its type. */
const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/vnd.oasis.opendocument.spreadsheet': 'ods',
  'application/msword': 'doc',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.ms-powerpoint': 'ppt',
}

/**
 * GET /documents/:id/file (?version=, ?inline=1 for a photo shown in a page): a document's bytes for a signed-in person, read
 * through the registered documents query first, so the owner reaches every file and a technician only those of their tickets.
 */
export function documentFileRoutes(services: Services): Router {
  const router = Router()
  router.get('/documents/:id/file', async (req, res) => {
    const session = personWithRole(res, ['owner', 'technician'])
    if (!session) return
    const rawVersion = typeof req.query.version === 'string' ? req.query.version : ''
    const version = /^\d{1,6}$/.test(rawVersion) ? Number(rawVersion) : undefined
    try {
      await readTogether(callerOf(services, session, res), async (caller) => {
        const doc = await callQuery(caller, documentsQuery, { id: req.params.id })
        const file = await readDocumentFile({ db: caller.transaction!, tenantId: session.tenantId, services }, doc.id, version)
        const bytes = await file.bytes()
        const inline = req.query.inline === '1' && PICTURE_TYPES.includes(file.content_type)
        const name = `${file.name}.${EXTENSIONS[file.content_type] ?? 'bin'}`
        res.set({
          'content-type': file.content_type,
          'content-length': String(bytes.length),
          // A file is never a page of this site: no script runs in it, even opened directly.
          'content-security-policy': "default-src 'none'; img-src 'self'; sandbox",
          'cache-control': 'private, max-age=600',
          'content-disposition': `${inline ? 'inline' : 'attachment'}; filename="${name.replace(/[^\w .-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
        })
        res.end(bytes)
      })
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      refused(res, err, session)
    }
  })
  return router
}

function refused(res: Response, err: AppError, session: Parameters<typeof viewerOf>[0]): void {
  sendPage(
    res,
    layout({
      title: err.status === 404 ? 'File not found' : 'Not allowed',
      viewer: viewerOf(session),
      body: html`<p><a href="/">Home</a></p>`,
      error: err.message,
    }),
    { status: err.status },
  )
}
