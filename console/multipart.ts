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
 * Reads a multipart/form-data body (a plain form posting a file, no JavaScript) into req.body: text fields as strings, files under
 * req.body._files. Runs before the CSRF check, which reads the form's _csrf field. A body over the limit is answered with a page that
 * says the limit, and nothing else runs.
 */
export function multipartBody(limitBytes: number, place: UploadPlace = IMPORT_PLACE) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const type = req.get('content-type') ?? ''
    const boundary = /^multipart\/form-data;.*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(type)
    if (req.method !== 'POST' || !boundary) return next()
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= limitBytes) chunks.push(chunk)
      else if (size > limitBytes + DRAIN_LIMIT_BYTES) req.destroy()
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
      try {
        req.body = partsOf(Buffer.concat(chunks), boundary[1] ?? boundary[2])
      } catch {
        sendOwnerPage(res, 'Upload not understood', html`<p><a href="${place.back(req)}">${place.backLabel}</a></p>`, {
          status: 400,
          error: 'The form could not be read. Choose the file again and send it.',
        })
        return
      }
      next()
    })
  }
}

/** The parts of a multipart body: fields as text (a repeated one as a list), files under _files by field name. */
function partsOf(body: Buffer, boundary: string): Record<string, unknown> {
  // Keyed by the form's own part names: no prototype, so a part named "__proto__" is a field like any other.
  const fields: Record<string, unknown> = Object.create(null)
  const files: Record<string, UploadedFile> = Object.create(null)
  const delimiter = Buffer.from(`--${boundary}`)
  let at = body.indexOf(delimiter)
  if (at < 0) throw new Error('no boundary')
  for (;;) {
    const start = at + delimiter.length
    if (body.subarray(start, start + 2).toString() === '--') break
    const next = body.indexOf(delimiter, start)
    if (next < 0) throw new Error('unterminated part')
    // A part is CRLF, its headers, a blank line, then its content up to the CRLF before the next delimiter.
    const part = body.subarray(start + 2, next - 2)
    const split = part.indexOf('\r\n\r\n')
    if (split < 0) throw new Error('part without headers')
    const headers = part.subarray(0, split).toString('utf8')
    const bytes = part.subarray(split + 4)
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(headers)?.[1]
    const filename = /content-disposition:[^\r\n]*\bfilename="([^"]*)"/i.exec(headers)?.[1]
    const contentType = /content-type:\s*([^\r\n;]+)/i.exec(headers)?.[1].trim() ?? 'application/octet-stream'
    if (name !== undefined && filename !== undefined) files[name] = { filename, text: bytes.toString('utf8'), bytes, contentType }
    else if (name !== undefined) {
      // A repeated field (a group of checkboxes) is a list, as the urlencoded parser makes it.
      const before = fields[name]
      const value = bytes.toString('utf8')
      fields[name] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value]
    }
    at = next
  }
  return { ...fields, _files: files }
}
