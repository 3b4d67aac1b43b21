import { Router } from 'express'
import type { Caller } from '../../../core/kernel/call-action.js'
import { callAction } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { AppError } from '../../../core/kernel/errors.js'
import { isUuid } from '../../../core/kernel/schema-types.js'
import { contactsQuery } from '../../../core/domains/contacts/queries.js'
import {
  recordTextConsent,
  sendText,
  setMessageChannel,
  updateTextSettings,
  withdrawTextConsent,
} from '../../../core/domains/texts/actions.js'
import { textConsentQuery, textsQuery, textUsageQuery } from '../../../core/domains/texts/queries.js'
import { textSize } from '../../../core/domains/texts/segments.js'
import type { TEXT_CONSENT_RECORD } from '../../../core/domains/texts/records.js'
import type { z } from 'zod'
import { businessFormat, doneLine, field, fieldErrorsOf, selectField, textArea, textField } from '../../form-kit.js'
import { form, html, type SafeHtml } from '../../html.js'
import { formatInstant } from '../../../core/kernel/call-preview.js'
import { sendOwnerPage } from '../owner-page.js'
import { ownerRoute } from '../owner-route.js'

const SETTINGS = '/settings/texts'

/** One customer's texting, as the consent query reads it. */
type TextConsent = z.infer<typeof TEXT_CONSENT_RECORD>

/** The status lines of the thread page, by ?done=. */
const DONE = {
  sent: 'Text queued: it goes within seconds.',
  consent: 'Consent recorded.',
  withdrawn: 'Consent withdrawn.',
  channel: 'Saved how they hear from you.',
}

/** How a text's delivery reads to the owner. */
const STATUS_WORDS: Record<string, string> = {
  sending: 'sending',
  queued: 'sent to Twilio',
  sent: 'sent',
  delivered: 'delivered',
  undelivered: 'not delivered',
  failed: 'failed',
  received: 'received',
}

/** The owner's texts: a customer's thread with the reply form and their consent, and the business's texting settings and usage. */
export function textsPages(services: Services): Router {
  const router = Router()

  router.get(
    '/customers/:id/texts',
    ownerRoute(services, async ({ req, res, caller, session }) => {
      const contact = await customerOr404(caller, String(req.params.id), res)
      if (!contact) return
      sendOwnerPage(res, `Texts with ${contact.display_name}`, await threadBody(caller, contact, session.csrfToken, '', null), {
        ok: doneLine(req.query.done, DONE),
      })
    }),
  )

  /** A form posted from a customer's thread: the thread again with the refusal, or back to it with what was done. */
  const threadForm = (
    path: string,
    failed: string,
    act: (caller: Caller, contactId: string, body: unknown) => Promise<keyof typeof DONE>,
  ) =>
    router.post(
      `/customers/:id/texts${path}`,
      ownerRoute(services, async ({ req, res, caller, session, onError }) => {
        const contact = await customerOr404(caller, String(req.params.id), res)
        if (!contact) return
        const draft = path ? '' : field(req.body, 'body')
        onError(async (err) =>
          sendOwnerPage(res, `Texts with ${contact.display_name}`, await threadBody(caller, contact, session.csrfToken, draft, err), {
            status: err.status,
            error: `${failed} ${err.message}`,
          }),
        )
        const done = await act(caller, contact.id, req.body)
        res.redirect(303, `/customers/${contact.id}/texts?done=${done}`)
      }),
    )

  threadForm('', 'The text was not sent.', async (caller, contactId, body) => {
    await callAction(caller, sendText, { contact_id: contactId, body: field(body, 'body') })
    return 'sent'
  })

  threadForm('/consent', 'Nothing was changed.', async (caller, contactId, body) => {
    const kind = field(body, 'kind') as 'service'
    if (field(body, 'withdraw')) {
      await callAction(caller, withdrawTextConsent, { contact_id: contactId, kind })
      return 'withdrawn'
    }
    await callAction(caller, recordTextConsent, { contact_id: contactId, kind, how: field(body, 'how') as 'phone_call' })
    return 'consent'
  })

  threadForm('/channel', 'Nothing was changed.', async (caller, contactId, body) => {
    await callAction(caller, setMessageChannel, { contact_id: contactId, channel: field(body, 'channel') as 'email' })
    return 'channel'
  })

  router.get(
    SETTINGS,
    ownerRoute(services, async ({ req, res, caller, session }) => {
      sendOwnerPage(res, 'Texts', await settingsBody(caller, session.csrfToken, null), {
        ok: doneLine(req.query.done, { saved: 'Saved.' }),
      })
    }),
  )

  router.post(
    SETTINGS,
    ownerRoute(services, async ({ req, res, caller, session, onError }) => {
      onError(async (err) =>
        sendOwnerPage(res, 'Texts', await settingsBody(caller, session.csrfToken, err), {
          status: err.status,
          error: `Nothing was saved. ${err.message}`,
        }),
      )
      const number = field(req.body, 'from_number').trim()
      const limit = field(req.body, 'daily_limit').trim()
      await callAction(caller, updateTextSettings, {
        from_number: number || null,
        ...(limit ? { daily_limit: /^\d+$/.test(limit) ? Number(limit) : (limit as unknown as number) } : {}),
      })
      res.redirect(303, `${SETTINGS}?done=saved`)
    }),
  )

  return router
}

/** The customer, or the not-found page sent and null. */
async function customerOr404(caller: Caller, id: string, res: Parameters<typeof sendOwnerPage>[0]) {
  const found = isUuid(id) ? await callQuery(caller, contactsQuery, { id }).catch(notFoundAsNull) : null
  if (found) return found
  sendOwnerPage(res, 'Customer not found', html`<p>There is no such customer.</p><p><a href="/customers">All customers</a></p>`, {
    status: 404,
  })
  return null
}

function notFoundAsNull(err: unknown): null {
  if (err instanceof AppError && err.code === 'NOT_FOUND') return null
  throw err
}

/** The thread, oldest first, with the reply form, the consent and how the customer hears from the business. */
async function threadBody(
  caller: Caller,
  contact: { id: string; display_name: string },
  csrf: string,
  draft: string,
  err: AppError | null,
): Promise<SafeHtml> {
  const { timezone } = await businessFormat(caller)
  const texts = (await callQuery(caller, textsQuery, { params: { contact_id: contact.id }, limit: 100 })).items.reverse()
  const consent = await callQuery(caller, textConsentQuery, { id: contact.id })
  const usage = (await callQuery(caller, textUsageQuery, {})).items[0]
  const errors = err ? fieldErrorsOf(err, (path) => path.replace(/^data\./, '')) : new Map()
  const size = draft ? textSize(draft) : null
  const thread = texts.length
    ? html`<ol class="thread">${texts.map(
        (t) =>
          html`<li class="${t.direction === 'in' ? 'in' : 'out'}"><span class="muted">${t.direction === 'in' ? contact.display_name : 'You'}, ${formatInstant(new Date(t.created_at), timezone)} · ${STATUS_WORDS[t.status] ?? t.status}${t.segments > 1 ? `, ${t.segments} segments` : ''}${t.needs_answer ? ' · waiting for an answer' : ''}</span><br>${t.body}${t.error_message ? html`<br><span class="warn">${t.error_message}</span>` : ''}</li>`,
      )}</ol>`
    : html`<p class="muted">No texts yet.</p>`
  const off = usage && !usage.on ? html`<p class="warn">Texts are off on this server: ${usage.off_reason}.</p>` : ''
  const reply =
    consent.service && !consent.stopped
      ? form(
          `/customers/${contact.id}/texts`,
          csrf,
          html`${textArea('body', 'Your text (your business name goes in front)', draft, errors, 3)}${
            size ? html`<p class="muted">${String(size.segments)} segment${size.segments === 1 ? '' : 's'} (${size.encoding})</p>` : ''
          }<p class="muted">One segment is 160 plain characters, or 70 with an accent or emoji.</p><button>Send the text</button>`,
        )
      : html`<p class="muted">${consent.stopped ? 'They replied STOP: they can be texted again only after they reply START.' : 'They have not agreed to texts yet: record their consent below first.'}</p>`
  return html`<p><a href="/customers/${contact.id}">Back to ${contact.display_name}</a></p>${off}
<h2>Thread</h2>${thread}${reply}
<h2>Consent and preference</h2>${consentPart(contact.id, consent, csrf)}`
}

/** The customer's consents with the forms that record or withdraw them, and their choice of email or text. */
function consentPart(contactId: string, consent: TextConsent, csrf: string): SafeHtml {
  const given = (c: { at: string; how: string } | null) => (c ? `yes, ${c.how.replace('_', ' ')}, ${c.at.slice(0, 10)}` : 'no')
  const hows = [
    ['phone_call', 'On a phone call'],
    ['in_person', 'In person'],
    ['in_writing', 'In writing'],
    ['request_form', 'On the request form'],
  ] as const
  const none = new Map()
  return html`<p>Number: ${consent.phone ?? 'no mobile number'}${consent.stopped ? ' · replied STOP' : ''}</p>
<p>Visit texts (reminders, confirmations, on my way, invoices): ${given(consent.service)}. Marketing texts: ${given(consent.marketing)}.</p>
${form(
  `/customers/${contactId}/texts/consent`,
  csrf,
  html`${selectField(
    'kind',
    'Consent to',
    'service',
    [
      ['service', 'Visit texts'],
      ['marketing', 'Marketing texts'],
    ],
    none,
  )}${selectField('how', 'Given', 'phone_call', hows, none)}<button>Record their consent</button> <button class="alt" name="withdraw" value="1">Withdraw it</button>`,
)}
${form(
  `/customers/${contactId}/texts/channel`,
  csrf,
  html`${selectField(
    'channel',
    'They hear from you by',
    consent.message_channel,
    [
      ['email', 'Email'],
      ['text', 'Text'],
      ['both', 'Email and text'],
    ],
    none,
  )}<button class="second">Save</button>`,
)}`
}

/** The business's texting number and daily limit, and texts and segments by month. */
async function settingsBody(caller: Caller, csrf: string, err: AppError | null): Promise<SafeHtml> {
  const usage = (await callQuery(caller, textUsageQuery, {})).items[0]
  const errors = err ? fieldErrorsOf(err, (path) => path.replace(/^data\./, '')) : new Map()
  const off = usage.on ? '' : html`<p class="warn">Texts are off on this server: ${usage.off_reason}.</p>`
  return html`${off}${form(
    SETTINGS,
    csrf,
    html`${textField('from_number', 'Your texting number (from Twilio; customers see it and answer it)', usage.from_number ?? '', errors)}${textField(
      'daily_limit',
      'Texts a day at most (past it, texts wait for the next day)',
      String(usage.daily_limit),
      errors,
      html` inputmode="numeric"`,
    )}<button>Save</button>`,
  )}
<p>Sent today: ${String(usage.sent_today)} of ${String(usage.daily_limit)}. Waiting for an answer: ${String(usage.waiting)}.</p>
<h2>Texts by month</h2>${
    usage.months.length
      ? html`<table><thead><tr><th>Month</th><th>Sent</th><th>Segments (billed)</th><th>Received</th></tr></thead><tbody>${usage.months.map(
          (m) => html`<tr><td>${m.month}</td><td>${String(m.sent)}</td><td>${String(m.segments)}</td><td>${String(m.received)}</td></tr>`,
        )}</tbody></table>`
      : html`<p class="muted">No texts yet.</p>`
  }`
}
