import { formatInstant } from '../../../core/kernel/call-preview.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { googleContactsQuery } from '../../../core/domains/google/contacts-query.js'
import { GOOGLE_SYNC_EVERY_SECONDS } from '../../../core/domains/google/sync-job.js'
import { form, html, type SafeHtml } from '../../html.js'
import { featureOnFor, type GoogleSectionView } from './google-section.js'
import { GOOGLE_PAGE } from './google-views.js'

/** Where the contacts import's forms post: dry_run true for the preview, false for the import. */
export const CONTACTS_IMPORT = `${GOOGLE_PAGE}/contacts/import`

/** People deleted in Google listed by name on the page. */
const DELETED_LISTED = 25

/** What happens after the first import, in one plain paragraph. */
export const REFRESH_WORDS = `Changes made in Google come back by themselves every ${GOOGLE_SYNC_EVERY_SECONDS} seconds: a new contact becomes a
customer, an email or phone a customer lacks here is filled in, and a new address or note is added. Nothing typed here is
overwritten, and a contact deleted in Google stays a customer here.`

/** A form posting to the import: the preview (nothing written) or the real run. */
export function importForm(csrf: string, dryRun: boolean, label: string, style = ''): SafeHtml {
  return form(
    CONTACTS_IMPORT,
    csrf,
    html`<input type="hidden" name="dry_run" value="${dryRun ? 'true' : 'false'}"><button${style ? html` class="${style}"` : ''}>${label}</button>`,
  )
}

/**
 * The Contacts section of the Google page, the owner's only: while contacts is on, Preview the import before the first
 * one, and after it the refresh in words, the people deleted in Google whose customers were kept, and a preview again.
 */
export async function contactsSection(view: GoogleSectionView): Promise<SafeHtml> {
  const on = featureOnFor(view, 'contacts')
  const intro = html`<p class="note">Your Google contacts come in as customers through the same import as a spreadsheet: you see first
what would be made and matched (by email or phone), nothing is brought in twice, and later changes in Google follow.</p>`
  const body =
    on && view.mine
      ? await controls(view, view.mine.google_email)
      : html`<p class="muted">Off: connect Google with Contacts ticked to turn it on.</p>`
  return html`<section aria-labelledby="google-contacts"><h2 id="google-contacts">Contacts</h2>${intro}${body}</section>`
}

/** Preview before the first import; after it, the refresh, the deleted people and a preview again. */
async function controls(view: GoogleSectionView, email: string): Promise<SafeHtml> {
  const { caller, session } = view.call
  const [any, deleted] = await Promise.all([
    callQuery(caller, googleContactsQuery, { limit: 1 }),
    callQuery(caller, googleContactsQuery, { params: { state: 'deleted_in_google' }, limit: DELETED_LISTED }),
  ])
  if (!any.items.length) {
    return html`<p class="wrap">Bring the contacts of <b>${email}</b> in as customers. First preview the import: who would become a
new customer, who matches a customer you have, and who would be skipped. Nothing is written until you press Import.</p>
${importForm(session.csrfToken, true, 'Preview the import')}`
  }
  const gone = deleted.items.length
    ? html`<h3>Deleted in Google, kept here</h3>
<p class="note">These people were deleted from your Google contacts. They stay your customers here, with everything about them.</p>
<ul>${deleted.items.map(
        (p) =>
          html`<li class="wrap"><a href="/customers/${p.id}">${p.name}</a>${
            p.deleted_in_google_at
              ? html` <span class="muted">deleted in Google ${formatInstant(p.deleted_in_google_at, view.timezone)}</span>`
              : ''
          }</li>`,
      )}</ul>${deleted.next_cursor ? html`<p class="muted">The ${DELETED_LISTED} most recently read are listed.</p>` : ''}`
    : ''
  return html`<p class="wrap">Your Google contacts were imported. ${REFRESH_WORDS}</p>${gone}
<p class="note">Running the import again brings nobody in twice: preview it first, as the first time.</p>
${importForm(session.csrfToken, true, 'Preview the import again', 'second')}`
}
