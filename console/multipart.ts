import { Busboy, type BusboyHeaders } from '@fastify/busboy'
import type { NextFunction, Request, Response } from 'express'
import { html } from './html.js'
import { layout } from './layout.js'
import { sendOwnerPage } from './owner/owner-page.js'
import { sendPage } from './send-page.js'

/** An uploaded file: its name and type as the browser sent them, and its content as bytes and as text. */
export interface UploadedFile {
  filename: string
  text: string
  bytes: Buffer
  contentType: string
}

/** What a refused upload's page says: where to go back to and what the limit is for. */
export interface UploadPlace {
  back(req: Request): string
  backLabel: string
  tooLarge(limitMb: number): string
  /** The refusal is shown to someone not signed in (the public request page): without the owner's nav. */
  anonymous?: boolean
}

/** The import's words, the first form that took a file. */
const IMPORT_PLACE: UploadPlace = {
  back: () => '/import',
  backLabel: 'Back to the import',
  tooLarge: (mb) =>
    `The file is larger than ${mb} MB, the most one import takes. Split it into smaller files and import them one after the other.`,
}

/** Past this much more than the limit, an upload is cut off instead of read to its end. */
const DRAIN_LIMIT_BYTES = 50 * 1024 * 1024

/**
 * Reads a multipart/form-data body (a plain form posting a file, no JavaScript) into req.body with busboy: text fields as
 * strings, files under req.body._files. Runs before the CSRF check, which reads the form's _csrf field. A body over the
 * limit is answered with a page that says the limit, a form that cannot be read with a page that says so, and nothing else runs.
 */
export function multipartBody(limitBytes: number, place: UploadPlace = IMPORT_PLACE) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const type = req.get('content-type') ?? ''
    if (req.method !== 'POST' || !/^multipart\/form-data;.*boundary=/i.test(type)) return next()
    const form = formReader(req)
    let size = 0
    // Answered only once the whole request is in: a page sent while the browser still sends would cut its upload off.
    let received = false
    let answered = false
    let state: 'reading' | 'read' | 'unreadable' = form.parser ? 'reading' : 'unreadable'
    const answer = () => {
      if (!received || state === 'reading' || answered) return
      answered = true
      if (state === 'read' && form.ok()) {
        req.body = form.body()
        return next()
      }
      sendOwnerPage(res, 'Upload not understood', html`<p><a href="${place.back(req)}">${place.backLabel}</a></p>`, {
        status: 400,
        error: 'The form could not be read. Choose the file again and send it.',
      })
    }
    form.parser?.on('finish', () => {
      if (state === 'reading') state = 'read'
      answer()
    })
    form.parser?.on('error', () => {
      if (state === 'reading') state = 'unreadable'
      answer()
    })
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= limitBytes) {
        if (state === 'reading') form.parser?.write(chunk)
      } else if (size > limitBytes + DRAIN_LIMIT_BYTES) req.destroy()
    })
    req.on('error', next)
    req.on('end', () => {
      if (size > limitBytes) {
        const body = html`<p><a href="${place.back(req)}">${place.backLabel}</a></p>`
        const error = place.tooLarge(Math.floor(limitBytes / 1_000_000))
        if (place.anonymous) return sendPage(res, layout({ title: 'File too large', body, error }), { status: 413 })
        sendOwnerPage(res, 'File too large', body, { status: 413, error })
        return
      }
      received = true
      if (state === 'reading') form.parser?.end()
      else answer()
    })
  }
}

/** A busboy parser for the request, gathering fields as text (a repeated one as a list) and files under _files by field name. */
function formReader(req: Request) {
  // Keyed by the form's own part names: no prototype, so a part named "__proto__" is a field like any other.
  const fields: Record<string, unknown> = Object.create(null)
  const files: Record<string, UploadedFile> = Object.create(null)
  let pending = 0
  let failed = false
  let parser: ReturnType<typeof Busboy> | undefined
  try {
    parser = Busboy({
      headers: req.headers as BusboyHeaders,
      // As the browser sent them: a part is a file when it has a filename, its name kept whole. The body's own limit is
      // checked above, so no field is cut short.
      isPartAFile: (_name, _type, filename) => filename !== undefined,
      preservePath: true,
      limits: { fieldSize: Number.POSITIVE_INFINITY },
    })
  } catch {
    // A boundary busboy cannot use: the form cannot be read.
  }
  parser?.on('field', (name, value) => {
    // A repeated field (a group of checkboxes) is a list, as the urlencoded parser makes it.
    const before = fields[name]
    fields[name] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value]
  })
  parser?.on('file', (name, stream, filename, _encoding, contentType) => {
    const chunks: Buffer[] = []
    pending++
    stream.on('data', (chunk: Buffer) => chunks.push(chunk))
    stream.on('error', () => {
      failed = true
    })
    stream.on('end', () => {
      pending--
      const bytes = Buffer.concat(chunks)
      files[name] = { filename, text: bytes.toString('utf8'), bytes, contentType }
    })
  })
  return {
    parser,
    /** Every part was read whole. */
    ok: () => !failed && pending === 0,
    /** The form as req.body: its fields, and its files under _files. */
    body: (): Record<string, unknown> => ({ ...fields, _files: files }),
  }
}
