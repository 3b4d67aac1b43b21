import { createHash } from 'node:crypto'
import { validationError } from '../../kernel/errors.js'

/** Types whose first bytes say what they are: the bytes decide, whatever the upload declared. */
const SNIFFED = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf'] as const

/** Office documents: the newer ones are zip files, the older ones OLE compound files. */
const ZIPPED_OFFICE = [
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
] as const
const OLE_OFFICE = ['application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint'] as const
const TEXT = ['text/plain', 'text/csv'] as const

/** Every content type a document may have. */
export const ALLOWED_CONTENT_TYPES: readonly string[] = [...SNIFFED, ...TEXT, ...ZIPPED_OFFICE, ...OLE_OFFICE]

/** Image types a page may show as a thumbnail (the browser draws them; nothing is resized here). */
export const PICTURE_TYPES: readonly string[] = ['image/jpeg', 'image/png', 'image/webp']

/** A checked upload: its bytes, what they are and their hash. */
export interface CheckedContent {
  bytes: Buffer
  contentType: string
  sha256: string
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/**
 * Decodes and checks an upload: its size against the limit (from the text's length, before decoding), its type from
 * its first bytes for images and PDFs, and a declared type for the rest. Each refusal names its field.
 */
export function checkContent(base64: string, declared: string | undefined, maxBytes: number, prefix = 'data'): CheckedContent {
  const mb = `${Math.round((maxBytes / 1024 / 1024) * 10) / 10} MB`
  const text = base64.replace(/\s+/g, '')
  if (Math.floor((text.length * 3) / 4) - 2 > maxBytes) {
    throw validationError([{ field: `${prefix}.content_base64`, message: `is larger than ${mb}, the most a document may be` }])
  }
  if (!text.length || text.length % 4 === 1 || !BASE64.test(text)) {
    throw validationError([
      { field: `${prefix}.content_base64`, message: "must be the file's bytes in base64 (A-Z, a-z, 0-9, +, /, = padding)" },
    ])
  }
  const bytes = Buffer.from(text, 'base64')
  if (!bytes.length) throw validationError([{ field: `${prefix}.content_base64`, message: "is empty: give the file's bytes" }])
  if (bytes.length > maxBytes)
    throw validationError([{ field: `${prefix}.content_base64`, message: `is larger than ${mb}, the most a document may be` }])
  return { bytes, contentType: contentTypeOf(bytes, declared, prefix), sha256: createHash('sha256').update(bytes).digest('hex') }
}

/** What the bytes are: an image or PDF by its signature; anything else as declared, if its bytes can be that. */
function contentTypeOf(bytes: Buffer, declaredRaw: string | undefined, prefix: string): string {
  const declared = declaredRaw?.split(';')[0].trim().toLowerCase()
  const sniffed = sniff(bytes)
  const field = `${prefix}.content_type`
  if (sniffed) {
    if (
      declared &&
      declared !== 'application/octet-stream' &&
      declared !== sniffed &&
      !(declared === 'image/jpg' && sniffed === 'image/jpeg')
    ) {
      throw validationError([{ field, message: `says ${declared} but the file is ${sniffed}` }])
    }
    return sniffed
  }
  if (!declared || declared === 'application/octet-stream') {
    throw validationError([
      {
        field,
        message: `is needed: the file is none of the images or PDF known by their bytes; say which of ${ALLOWED_CONTENT_TYPES.join(', ')} it is`,
      },
    ])
  }
  if (!ALLOWED_CONTENT_TYPES.includes(declared)) {
    throw validationError([{ field, message: `${declared} is not accepted; accepted: ${ALLOWED_CONTENT_TYPES.join(', ')}` }])
  }
  const fits = (SNIFFED as readonly string[]).includes(declared)
    ? false
    : (ZIPPED_OFFICE as readonly string[]).includes(declared)
      ? startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])
      : (OLE_OFFICE as readonly string[]).includes(declared)
        ? startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])
        : !bytes.subarray(0, 8192).includes(0)
  if (!fits) throw validationError([{ field, message: `says ${declared} but the file's bytes are not that` }])
  return declared
}

/** The image or PDF type the first bytes announce, or null. */
export function sniff(bytes: Buffer): string | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg'
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png'
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp'
  if (
    bytes.subarray(4, 8).toString('latin1') === 'ftyp' &&
    ['heic', 'heix', 'hevc', 'hevx', 'mif1', 'msf1'].includes(bytes.subarray(8, 12).toString('latin1'))
  ) {
    return 'image/heic'
  }
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf'
  return null
}

function startsWith(bytes: Buffer, signature: number[]): boolean {
  return bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b)
}
