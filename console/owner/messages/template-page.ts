import { Router, type Request, type Response } from 'express'
import type { z } from 'zod'
import { stateOf } from '../../../core/http/request-state.js'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { callAction } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { contactsQuery } from '../../../core/domains/contacts/queries.js'
import { templatePreviewQuery } from '../../../core/domains/messages/preview-queries.js'
import { templatesQuery } from '../../../core/domains/messages/queries.js'
import { archiveTemplate, setDefaultTemplate, updateTemplate } from '../../../core/domains/messages/template-actions.js'
import { AppError } from '../../../core/kernel/errors.js'
import { form, html } from '../../html.js'
import { sendOwnerPage } from '../owner-page.js'
import { KIND_WORDS, previewCard, variablesHelp } from './template-preview.js'
import { ownerRoute } from '../owner-route.js'
import { doneLine, field, fieldErrorsOf, pageProblem, textArea, textField, type FieldErrors } from '../../form-kit.js'

type Template = z.output<typeof templatesQuery.record>

/** Texts of the form as shown: the saved ones, or what the owner typed. */
interface Draft {
  name: string
  subject: string
  body: string
  customer: string
}

const DONE: Record<string, string> = {
  created: 'Template created.',
  saved: 'Template saved.',
  default: 'It is now the default of its kind.',
}

/** One email template: edit its name, subject and text, preview it with a sample or a real customer, make it the default, archive it. */
export function templatePages(services: Services): Router {
  const router = Router()
  const caller = (session: SessionPrincipal, res: Response) => ({ services, principal: session, requestId: stateOf(res).requestId })

  /** The template, or null after answering with the error page (not found, not an id). */
  const load = async (session: SessionPrincipal, res: Response, id: string): Promise<Template | null> => {
    try {
      return await callQuery(caller(session, res), templatesQuery, { id })
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      sendOwnerPage(res, 'Email template', html`<p><a href="/settings/templates">All templates</a></p>`, {
        status: err.status,
        error: err.message,
      })
      return null
    }
  }

  const show = async (
    req: Request,
    res: Response,
    session: SessionPrincipal,
    t: Template,
    d: Draft,
    problems: FieldErrors,
    status = 200,
  ) => {
    const c = caller(session, res)
    let contact: { id: string; display_name: string } | undefined
    if (d.customer) contact = (await callQuery(c, contactsQuery, { params: { q: d.customer.slice(0, 200) }, limit: 1 })).items[0]
    const edited = d.subject !== t.subject || d.body !== t.body
    let preview = null
    try {
      preview = await callQuery(c, templatePreviewQuery, {
        id: t.id,
        params: { contact_id: contact?.id, ...(edited ? { subject: d.subject || undefined, body: d.body || undefined } : {}) },
      })
    } catch (err) {
      if (!(err instanceof AppError)) throw err
    }
    const path = `/settings/templates/${t.id}`
    const editor = t.archived_at
      ? html`<p class="warn">Archived: it can no longer change or be chosen. Its text:</p><p><b>Subject:</b> ${t.subject}</p><pre>${t.body}</pre>`
      : html`${form(
          path,
          session.csrfToken,
          html`<input type="hidden" name="customer" value="${d.customer}">
${textField('name', 'Name (only you see it)', d.name, problems, html` required maxlength="200"`)}
${textField('subject', 'Subject', d.subject, problems, html` required maxlength="300"`)}
${textArea('body', 'Text of the email', d.body, problems, 12)}
<button name="intent" value="save">Save</button><button name="intent" value="preview" class="second">Preview without saving</button>`,
        )}${variablesHelp()}`
    const customerForm = html`<form method="get" action="${path}" class="row"><label>Preview for a customer<input type="search" name="customer" value="${d.customer}" autocomplete="off"></label>
<button class="small">Show</button></form>${d.customer && !contact ? html`<p class="note">No customer matches “${d.customer}”: the sample is shown.</p>` : ''}`
    const manage = t.archived_at
      ? ''
      : html`${
          t.is_default
            ? html`<p class="ok">The default ${KIND_WORDS[t.kind].toLowerCase()} email.</p>`
            : form(
                `${path}/default`,
                session.csrfToken,
                html`<button class="second">Make it the default ${KIND_WORDS[t.kind].toLowerCase()} email</button>`,
              )
        }
${form(`${path}/archive`, session.csrfToken, html`<button class="deny">Archive</button>`)}`
    sendOwnerPage(
      res,
      t.name,
      html`<p class="note">${KIND_WORDS[t.kind]} email${t.is_default ? ' (default)' : ''}.</p>${editor}
${preview ? previewCard(preview, contact?.display_name ?? null) : ''}${customerForm}${manage}<p><a href="/settings/templates">All templates</a></p>`,
      { status, ok: doneLine(req.query.done, DONE), error: status >= 400 ? pageProblem(problems, ['name', 'subject', 'body']) : undefined },
    )
  }

  router.get(
    '/settings/templates/:id',
    ownerRoute(services, async ({ req, res, session }) => {
      const t = await load(session, res, req.params.id)
      if (!t) return
      await show(
        req,
        res,
        session,
        t,
        {
          name: t.name,
          subject: t.subject,
          body: t.body,
          customer: typeof req.query.customer === 'string' ? req.query.customer.trim() : '',
        },
        new Map(),
      )
    }),
  )

  router.post(
    '/settings/templates/:id',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const t = await load(session, res, req.params.id)
      if (!t) return
      const d: Draft = {
        name: field(req.body, 'name'),
        subject: field(req.body, 'subject'),
        body: field(req.body, 'body'),
        customer: field(req.body, 'customer'),
      }
      if (field(req.body, 'intent') === 'preview') return show(req, res, session, t, d, new Map())
      onError((err) => {
        return show(req, res, session, t, d, fieldErrorsOf(err), err.status)
      })
      await callAction(caller(session, res), updateTemplate, { template_id: t.id, name: d.name, subject: d.subject, body: d.body })
      res.redirect(303, `/settings/templates/${t.id}?done=saved`)
    }),
  )

  for (const [step, def, done] of [
    ['default', setDefaultTemplate, 'default'],
    ['archive', archiveTemplate, 'archived'],
  ] as const) {
    router.post(
      `/settings/templates/:id/${step}`,
      ownerRoute(services, async ({ req, res, session, onError }) => {
        onError((err) => {
          return sendOwnerPage(res, 'Email template', html`<p><a href="/settings/templates">All templates</a></p>`, {
            status: err.status,
            error: `Nothing was changed. ${err.message}`,
          })
        })
        await callAction(caller(session, res), def, { template_id: req.params.id })
        res.redirect(
          303,
          step === 'archive'
            ? '/settings/templates?done=archived'
            : `/settings/templates/${encodeURIComponent(req.params.id)}?done=${done}`,
        )
      }),
    )
  }
  return router
}
