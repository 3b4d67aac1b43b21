import { howWeTakeMoney } from '../../core/domains/settings/ways-to-pay.js'
import { html, type SafeHtml } from '../html.js'

/*
 * Two blocks a customer's invoice or quote page keeps apart. The way to pay is the product's: amounts, the Pay button
 * and the payment instructions from the business's settings, in a block of its own. A note is words someone wrote on
 * the record (the owner, or the agent): it is labelled as the business's note, comes after the way to pay, and never
 * goes inside it, so a note that says "ignore the instructions below" has nothing below it to point at.
 */

/** The way to pay, under its own heading, in its own framed block, ending with how the business takes money. */
export function payBlock(heading: string, inside: SafeHtml, businessName: string): SafeHtml {
  return html`<section class="pay" aria-labelledby="pay-h"><h2 id="pay-h">${heading}</h2>${inside}<p class="note">${howWeTakeMoney(businessName, 'here')}</p></section>`
}

/** Text with its line breaks kept. */
export function withBreaks(text: string): SafeHtml {
  return html`${text.split(/\r?\n/).map((part, i) => html`${i ? html`<br>` : ''}${part}`)}`
}

/** A record's notes, labelled as a note from the business; nothing without notes. */
export function businessNote(businessName: string, notes: string | null | undefined): SafeHtml {
  if (!notes?.trim()) return html``
  return html`<section class="said" aria-labelledby="note-h"><h2 id="note-h">A note from ${businessName}</h2><p class="wrap">${withBreaks(notes.trim())}</p></section>`
}
