import type { z } from 'zod'
import { formatInstant } from '../../../core/kernel/call-preview.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { type GMAIL_MAILBOX_RECORD, gmailMailboxQuery } from '../../../core/domains/google/gmail-actions.js'
import { DEFAULT_GMAIL_LABELS } from '../../../core/domains/google/gmail-mailbox.js'
import { NEVER_READ_LABELS } from '../../../core/domains/google/gmail-rules.js'
import { form, html, type SafeHtml } from '../../html.js'
import { featureOnFor, type GoogleSectionView } from './google-section.js'
import { GOOGLE_PAGE } from './google-views.js'

/** Where the choice of labels posts (google.choose_gmail_labels). */
export const GMAIL_LABELS = `${GOOGLE_PAGE}/gmail/labels`

type Mailbox = z.output<typeof GMAIL_MAILBOX_RECORD>

/** Gmail's own labels as Gmail shows them to people (the API names them by their ids). */
const SYSTEM_WORDS: Record<string, string> = {
  INBOX: 'Inbox',
  SENT: 'Sent',
  IMPORTANT: 'Important',
  STARRED: 'Starred',
  UNREAD: 'Unread',
  CATEGORY_PERSONAL: 'Primary',
  CATEGORY_SOCIAL: 'Social',
  CATEGORY_PROMOTIONS: 'Promotions',
  CATEGORY_UPDATES: 'Updates',
  CATEGORY_FORUMS: 'Forums',
}

/** A label's name as a person knows it. */
export function labelWords(label: { id: string; name: string }): string {
  return SYSTEM_WORDS[label.id] ?? label.name
}

/** Names joined as a person says them: "Inbox, Sent and Customers". */
export function listWords(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`
}

/** The rule of what becomes a lead, in one sentence. */
const LEAD_RULE = `An email becomes a lead when it comes from someone who is neither a customer nor an open lead, a person
wrote it (not a newsletter, a mailing list, an automatic answer or a no-reply address), it is addressed to the business (in To
or Cc), it is not from the business itself, and it does not answer an email the business sent; other mail from strangers is
left alone.`

/**
 * The Gmail section of the Google page, the owner's only: while Gmail is on, the labels read and a form to choose them
 * among the mailbox's (google.choose_gmail_labels), what reading made so far (gmail_mailbox), and the rule for leads.
 */
export async function gmailSection(view: GoogleSectionView): Promise<SafeHtml> {
  const on = featureOnFor(view, 'gmail')
  const intro = html`<p class="note">Emails with a customer's address appear on the customer's timeline (subject, the email's own words
with card numbers hidden, direction and date; never attachments). An email from someone new asking for work becomes a lead.</p>`
  const body =
    on && view.mine
      ? await controls(view, view.mine.id, view.mine.google_email)
      : html`<p class="muted">Off: connect Google with Gmail ticked to turn it on.</p>`
  return html`<section aria-labelledby="google-gmail"><h2 id="google-gmail">Gmail</h2>${intro}${body}</section>`
}

/** The labels read and their form, what was read, and the rule for leads. */
async function controls(view: GoogleSectionView, userId: string, email: string): Promise<SafeHtml> {
  const box = (await callQuery(view.call.caller, gmailMailboxQuery, {})).items.find((b) => b.id === userId) ?? null
  const read = box ? box.labels.map(labelWords) : DEFAULT_GMAIL_LABELS.map((id) => labelWords({ id, name: id }))
  return html`<p class="wrap">Read from <b>${email}</b>: ${listWords(read)}.</p>${readFacts(box, view.timezone)}
<p class="note">${LEAD_RULE}</p>${labelsForm(box, view.call.session.csrfToken)}`
}

/** When reading began and got to, and what it made; Google's lost start points, when there were any. */
function readFacts(box: Mailbox | null, tz: string): SafeHtml {
  if (!box?.started_at) {
    return html`<p class="muted">Nothing has been read yet: the first read, within a minute, brings in the last week of mail in these
labels, then each new email.</p>`
  }
  const emails = box.interactions === 1 ? '1 email went on a timeline' : `${box.interactions} emails went on timelines`
  const leads = box.leads === 1 ? '1 lead was made' : `${box.leads} leads were made`
  const resyncs = box.resyncs
    ? html`<p class="muted wrap">Google lost track of where reading had got to ${box.resyncs === 1 ? 'once' : `${box.resyncs} times`}${
        box.last_resync_at ? ` (last ${formatInstant(box.last_resync_at, tz)})` : ''
      }: the mail since the last read was listed again, so nothing was missed.</p>`
    : ''
  return html`<p class="muted">Reading began ${formatInstant(box.started_at, tz)}, with the week of mail before it${
    box.read_through ? `; last read ${formatInstant(box.read_through, tz)}` : ''
  }. So far ${emails} and ${leads} from emails.</p>${resyncs}`
}

/** A box for each label of the mailbox that may be read (those read ticked), posting to google.choose_gmail_labels. */
function labelsForm(box: Mailbox | null, csrf: string): SafeHtml {
  const choices = (box?.available ?? []).filter((l) => !NEVER_READ_LABELS.includes(l.id))
  if (!box || !choices.length) return html`<p class="muted">The labels to choose from appear here after the first read.</p>`
  const ticked = new Set(box.labels.map((l) => l.id))
  // Gmail's own labels first, in Gmail's order, then the business's labels by name.
  const ordered = [
    ...choices.filter((l) => l.type === 'system'),
    ...choices.filter((l) => l.type === 'user').sort((a, b) => a.name.localeCompare(b.name)),
  ]
  return html`${form(
    GMAIL_LABELS,
    csrf,
    html`<fieldset><legend>Labels read</legend>${ordered.map(
      (l) =>
        html`<label class="c wrap"><input type="checkbox" name="labels" value="${l.id}"${ticked.has(l.id) ? html` checked` : ''}> ${labelWords(l)}</label>`,
    )}</fieldset><button class="second">Read these labels</button>`,
  )}
<p class="note">New emails in the ticked labels are read from now on; earlier ones are not brought in. Drafts, spam, the bin and
chats are never read.</p>`
}
