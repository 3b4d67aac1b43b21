import type { z } from 'zod'
import { PICTURE_TYPES } from '../../../core/domains/documents/content.js'
import { DOCUMENT_CATEGORIES } from '../../../core/domains/documents/model.js'
import type { documentsQuery } from '../../../core/domains/documents/queries.js'
import { form, html, type SafeHtml } from '../../html.js'
import { shortMoment } from '../contacts/customer-words.js'

type DocumentItem = z.output<typeof documentsQuery.record>

/** Largest photo a page shows as a thumbnail: the browser scales the image itself, so a bigger one is only linked. */
export const THUMBNAIL_LIMIT_BYTES = 3 * 1024 * 1024

/** The words a category is shown with. */
const CATEGORY_WORDS: Record<(typeof DOCUMENT_CATEGORIES)[number], string> = {
  contract: 'Contract',
  photo: 'Photo',
  estimate: 'Estimate',
  other: 'File',
}

/** "1.2 MB", "35 KB": a file's size as people read it. */
export function sizeWords(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`
}

/** The files of a record, newest first: a thumbnail for photos small enough, and a download link for each. */
export function documentList(items: DocumentItem[], timeZone: string): SafeHtml {
  if (!items.length) return html`<p class="muted">No files yet.</p>`
  return html`<ul class="docs">${items.map((d) => {
    const href = `/documents/${d.id}/file`
    const thumb =
      PICTURE_TYPES.includes(d.content_type) && d.size_bytes <= THUMBNAIL_LIMIT_BYTES
        ? html`<a href="${`${href}?inline=1`}"><img src="${`${href}?inline=1`}" alt="${d.name}" width="64" height="64" loading="lazy"></a>`
        : ''
    return html`<li>${thumb}<span><a href="${href}">${d.name}</a><br><span class="muted">${CATEGORY_WORDS[d.category]} · ${sizeWords(d.size_bytes)}${
      d.version > 1 ? ` · version ${d.version}` : ''
    } · ${shortMoment(d.created_at, timeZone)}${d.tags.length ? ` · ${d.tags.join(', ')}` : ''}</span></span></li>`
  })}</ul>`
}

/** The form that uploads a file to a record: a plain file input posted as multipart, no JavaScript needed. */
export function documentUploadForm(action: string, csrf: string): SafeHtml {
  return form(
    action,
    csrf,
    html`<label>File<input type="file" name="file" required accept="image/*,application/pdf,text/plain,text/csv,.doc,.docx,.xls,.xlsx,.odt,.ods"></label>
<div class="row"><label>Name (optional)<input name="name" maxlength="200" placeholder="the file's name"></label>
<label>Kind<select name="category"><option value="">Photo or file</option>${DOCUMENT_CATEGORIES.map((c) => html`<option value="${c}">${CATEGORY_WORDS[c]}</option>`)}</select></label></div>
<label>Tags (optional, comma-separated)<input name="tags" maxlength="400"></label>
<button class="second">Upload</button>`,
    html` enctype="multipart/form-data"`,
  )
}
