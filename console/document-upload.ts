import type { Request } from 'express'
import { callAction, type Caller } from '../core/kernel/call-action.js'
import type { Config } from '../core/kernel/config.js'
import { uploadDocument } from '../core/domains/documents/actions.js'
import type { DOCUMENT_TARGETS } from '../core/domains/documents/model.js'
import { validationError } from '../core/kernel/errors.js'
import { multipartBody, type UploadedFile } from './multipart.js'

/** Room around the file in its form: the other fields and the multipart boundaries. */
const FORM_OVERHEAD_BYTES = 64 * 1024

/** The pages whose forms post a document: a customer's, an invoice's or a quote's files, and a visit's photos. */
export const DOCUMENT_FORM_PATHS = /^\/(customers|invoices|quotes)\/[^/]+\/documents$|^\/tickets\/[^/]+\/photos$/

/** Reads the document forms' multipart bodies up to the largest document; a bigger file gets a page saying the limit. */
export function documentFormBodies(config: Config) {
  return multipartBody(config.documents.maxBytes + FORM_OVERHEAD_BYTES, {
    back: (req: Request) => req.originalUrl.replace(/\/(documents|photos)$/, ''),
    backLabel: 'Back',
    tooLarge: (mb) =>
      `The file is larger than ${mb} MB, the most one file may be. Send a smaller one (a photo at a lower resolution, a shorter PDF).`,
  })
}

/**
 * Uploads the form's file to one record through document.upload: the name typed, else the file's own name without its
 * folder and extension; tags comma-separated. No file chosen is a refusal naming the file field.
 */
export async function uploadFromForm(
  caller: Caller,
  target: { field: (typeof DOCUMENT_TARGETS)[number]['field']; id: string },
  body: unknown,
  opts: { category?: 'photo'; idempotencyKey?: string } = {},
) {
  const fields = (body ?? {}) as Record<string, unknown>
  const file = (fields._files as Record<string, UploadedFile> | undefined)?.file
  if (!file?.bytes.length) throw validationError([{ field: 'file', message: 'choose a file to upload' }])
  const typed = typeof fields.name === 'string' ? fields.name.trim() : ''
  const fromFile =
    file.filename
      .split(/[\\/]/)
      .pop()
      ?.replace(/\.[A-Za-z0-9]{1,5}$/, '')
      .trim() ?? ''
  const category = typeof fields.category === 'string' && fields.category ? fields.category : opts.category
  const tags =
    typeof fields.tags === 'string'
      ? fields.tags
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean)
      : []
  return callAction(
    caller,
    uploadDocument,
    {
      [target.field]: target.id,
      name: typed || fromFile || 'File',
      ...(category ? { category } : {}),
      ...(tags.length ? { tags } : {}),
      content_base64: file.bytes.toString('base64'),
      ...(file.contentType !== 'application/octet-stream' ? { content_type: file.contentType } : {}),
    } as never,
    { idempotencyKey: opts.idempotencyKey },
  )
}
