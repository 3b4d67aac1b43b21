import { Router } from 'express'
import type { z } from 'zod'
import { callAction } from '../../../core/kernel/call-action.js'
import type { Services } from '../../../core/kernel/context.js'
import { importGoogleContacts } from '../../../core/domains/google/contacts-import.js'
import { field } from '../../form-kit.js'
import { html, type SafeHtml } from '../../html.js'
import { sendOwnerPage } from '../owner-page.js'
import { ownerRoute } from '../owner-route.js'
import { CONTACTS_IMPORT, importForm, REFRESH_WORDS } from './google-contacts-section.js'
import { showGoogle } from './google-page.js'
import { GOOGLE_PAGE } from './google-views.js'

/** What google.import_contacts answers. */
type Report = z.output<typeof importGoogleContacts.output>
type Row = Report['rows'][number]

/** Rows listed on the preview and the result; the rest are counted. */
const LISTED = 25

/**
 * The owner's import of their Google contacts, from the Contacts section of the Google page: a preview first (nothing
 * written, what each contact would become), then Import from the preview's page, both through google.import_contacts.
 */
export function googleContactsPages(services: Services): Router {
  const router = Router()
  router.post(
    CONTACTS_IMPORT,
    ownerRoute(services, async (call) => {
      call.onError((err) => showGoogle(call, { status: err.status, error: `Nothing was imported. ${err.message}` }))
      const dryRun = field(call.req.body, 'dry_run') !== 'false'
      const done = await callAction(call.caller, importGoogleContacts, { dry_run: dryRun })
      if (done.queued) throw new Error('an owner’s import is never queued')
      const report = done.result
      const back = html`<p><a href="${GOOGLE_PAGE}">Back to Google</a></p>`
      if (dryRun) {
        sendOwnerPage(
          call.res,
          'Contacts Google would bring',
          html`${counts(report, true)}<p class="note">Nothing has been written yet.</p>${rowList(report, true)}${importForm(
            call.session.csrfToken,
            false,
            'Import these contacts',
          )}${back}`,
        )
        return
      }
      sendOwnerPage(
        call.res,
        'Contacts imported from Google',
        html`${counts(report, false)}<p class="wrap">${REFRESH_WORDS}</p>${rowList(report, false)}${back}`,
        { ok: 'Imported.' },
      )
    }),
  )
  return router
}

/** The counts in one sentence: new customers, matched ones, skipped ones. */
function counts(r: Report, dry: boolean): SafeHtml {
  const verb = dry ? 'would be' : 'were'
  return html`<p class="total wrap" role="status">${r.total} contacts in Google (<b>${r.google_email}</b>): ${r.created} ${
    dry ? 'would become new customers' : 'became new customers'
  }, ${r.matched} ${verb} matched to customers you have, ${r.refused} ${verb} skipped.</p>`
}

/** A short list of the contacts: the skipped and matched first (what the owner checks), then the new ones. */
function rowList(r: Report, dry: boolean): SafeHtml | '' {
  const order: Record<Row['outcome'], number> = { refused: 0, matched: 1, created: 2 }
  const rows = [...r.rows].sort((a, b) => order[a.outcome] - order[b.outcome] || a.line - b.line)
  if (!rows.length) return html`<p class="muted">Google has no contacts in this account.</p>`
  const more = rows.length - LISTED
  return html`<ul>${rows.slice(0, LISTED).map((row) => html`<li class="wrap">${rowWords(row, dry)}</li>`)}</ul>${
    more > 0 ? html`<p class="muted">And ${more} more.</p>` : ''
  }`
}

/** One contact's outcome in words, linked to its customer where there is one. */
function rowWords(row: Row, dry: boolean): SafeHtml {
  const name = html`<b>${row.name || 'A contact without a name'}</b>`
  const customer = (words: string) => (row.contact_id && !dry ? html`<a href="/customers/${row.contact_id}">${words}</a>` : words)
  const warnings = row.warnings?.length ? html` <span class="muted">(${row.warnings.join('; ')})</span>` : ''
  if (row.outcome === 'refused') return html`${name}: <span class="err">skipped</span>. ${row.reason ?? ''}`
  if (row.outcome === 'matched') {
    const by = row.matched_by === 'external_id' ? 'brought in before' : `same ${row.matched_by ?? 'details'}`
    return html`${name}: ${dry ? 'would be matched to' : 'matched to'} ${customer('a customer you have')} (${by})${warnings}`
  }
  return html`${name}: ${dry ? 'would become' : 'became'} ${customer('a new customer')}${warnings}`
}
