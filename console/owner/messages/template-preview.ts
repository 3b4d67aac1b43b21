import type { z } from 'zod'
import type { templatePreviewQuery } from '../../../core/domains/messages/preview-queries.js'
import { KIND_DECLARATIONS } from '../../../core/domains/message-kinds.js'
import { TEMPLATE_VARIABLES } from '../../../core/domains/message-kinds.js'
import { html, type SafeHtml } from '../../html.js'

/** A template rendered as the preview query answers it. */
export type TemplatePreview = z.output<typeof templatePreviewQuery.record>

/** How the pages name each kind of message: the label its declaration gives. */
export const KIND_WORDS: Readonly<Record<string, string>> = Object.fromEntries(
  [...KIND_DECLARATIONS.values()].map((k) => [k.kind, k.label]),
)

/** The email as the customer would read it (plain text, shown escaped), with what rendered empty and what no message can fill. */
export function previewCard(p: TemplatePreview, customer: string | null): SafeHtml {
  return html`<section class="card" aria-labelledby="preview"><h2 id="preview">Preview</h2>
<p class="note">${p.sample ? 'With a sample customer and visit.' : html`As ${customer ?? 'this customer'} would read it, with their next (else last) visit.`}
Links are made when the email is sent.</p>
${
  p.unknown.length
    ? html`<p class="err">Unknown ${p.unknown.length > 1 ? 'placeholders' : 'placeholder'}: ${p.unknown.map((n) => `{{${n}}}`).join(', ')}.
No email can fill ${p.unknown.length > 1 ? 'them' : 'it'}: saving is refused until ${p.unknown.length > 1 ? 'they are' : 'it is'} fixed.</p>`
    : ''
}
<p><b>Subject:</b> <span data-preview-subject>${p.subject}</span></p><pre data-preview-body>${p.body}</pre>
${p.missing.length ? html`<p class="note">Empty here: ${p.missing.join(', ')}.</p>` : ''}</section>`
}

/** The placeholders a template may use, folded away until opened. */
export function variablesHelp(): SafeHtml {
  return html`<details><summary>Placeholders you can use</summary><ul class="vars">${Object.entries(TEMPLATE_VARIABLES).map(
    ([name, words]) => html`<li><code>{{${name}}}</code> ${words}</li>`,
  )}</ul></details>`
}
