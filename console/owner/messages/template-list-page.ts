import { Router, type Response } from 'express'
import { stateOf } from '../../../core/http/request-state.js'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { callAction } from '../../../core/kernel/call-action.js'
import { callQuery, callQueryAll } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { DEFAULT_TEMPLATES } from '../../../core/domains/messages/default-templates.js'
import type { MessageKind } from '../../../core/domains/messages/model.js'
import { TEMPLATE_KINDS } from '../../../core/domains/messages/kinds.js'
import { templatePreviewQuery } from '../../../core/domains/messages/preview-queries.js'
import { templatesQuery } from '../../../core/domains/messages/queries.js'
import { createTemplate } from '../../../core/domains/messages/template-actions.js'
import { AppError } from '../../../core/kernel/errors.js'
import { form, html } from '../../html.js'
import { sendOwnerPage } from '../owner-page.js'
import { KIND_WORDS, previewCard, variablesHelp } from './template-preview.js'
import { ownerRoute } from '../owner-route.js'
import { checkField, field, fieldErrorsOf, pageProblem, selectField, textArea, textField, type FieldErrors } from '../../form-kit.js'

const KIND_OPTIONS = TEMPLATE_KINDS.map((k) => [k, KIND_WORDS[k]] as const)

/** The email templates by kind, and writing a new one (starting from the kind's current default). */
export function templatesPages(services: Services): Router {
  const router = Router()
  const caller = (session: SessionPrincipal, res: Response) => ({ services, principal: session, requestId: stateOf(res).requestId })

  router.get(
    '/settings/templates',
    ownerRoute(services, async ({ req, res, session }) => {
      const archived = req.query.status === 'archived'
      const all = await callQueryAll(caller(session, res), templatesQuery, { params: { status: archived ? 'archived' : 'active' } })
      const kinds = TEMPLATE_KINDS.map((kind) => {
        const mine = all.filter((t) => t.kind === kind)
        return html`<h2>${KIND_WORDS[kind]}</h2>${
          mine.length
            ? mine.map(
                (t) =>
                  html`<p class="card"><a href="${`/settings/templates/${t.id}`}">${t.name}</a>${
                    t.is_default ? html` <b class="ok">Default</b>` : ''
                  }<br><span class="muted">${t.subject}</span></p>`,
              )
            : html`<p class="note">${archived ? 'None archived.' : 'No template of its own: the built-in text is used.'}</p>`
        }`
      })
      sendOwnerPage(
        res,
        archived ? 'Archived email templates' : 'Email templates',
        html`<p class="note">${
          archived
            ? html`Templates no longer offered for new emails. <a href="/settings/templates">Templates in use</a>`
            : html`The default of each kind is what the customer gets unless an email names another. <a href="/settings/templates?status=archived">Archived templates</a>`
        }</p>
${kinds}${
  archived
    ? ''
    : html`<form method="get" action="/settings/templates/new" class="card">${selectField('kind', 'Kind of the new template', 'confirmation', KIND_OPTIONS, new Map())}
<button>Start a new template</button></form>`
}<p><a href="/settings">More</a></p>`,
        { ok: req.query.done === 'archived' ? 'Template archived.' : undefined },
      )
    }),
  )

  const showNew = async (res: Response, session: SessionPrincipal, v: Record<string, string>, problems: FieldErrors, status = 200) => {
    const kind = v.kind as MessageKind
    let preview = null
    try {
      preview = (
        await callQuery(caller(session, res), templatePreviewQuery, {
          params: { kind, subject: v.subject || undefined, body: v.body || undefined },
        })
      ).items[0]
    } catch (err) {
      if (!(err instanceof AppError)) throw err
    }
    sendOwnerPage(
      res,
      `New ${KIND_WORDS[kind].toLowerCase()} template`,
      html`${form(
        '/settings/templates',
        session.csrfToken,
        html`<input type="hidden" name="kind" value="${kind}">
${textField('name', 'Name (only you see it)', v.name, problems, html` required maxlength="200"`)}
${textField('subject', 'Subject', v.subject, problems, html` required maxlength="300"`)}
${textArea('body', 'Text of the email', v.body, problems, 12)}${checkField('is_default', `Make it the default ${KIND_WORDS[kind].toLowerCase()} email`, v.is_default === 'on')}
<button name="intent" value="save">Create template</button><button name="intent" value="preview" class="second">Preview without saving</button>`,
      )}
${variablesHelp()}${preview ? previewCard(preview, null) : ''}<p><a href="/settings/templates">All templates</a></p>`,
      { status, error: status >= 400 ? pageProblem(problems, ['name', 'subject', 'body']) : undefined },
    )
  }

  router.get(
    '/settings/templates/new',
    ownerRoute(services, async ({ req, res, session }) => {
      const kind = TEMPLATE_KINDS.find((k) => k === req.query.kind) ?? 'confirmation'
      const current = (await callQuery(caller(session, res), templatesQuery, { params: { kind }, limit: 100 })).items.find(
        (t) => t.is_default,
      )
      const start = current ?? DEFAULT_TEMPLATES[kind]
      await showNew(res, session, { kind, name: '', subject: start.subject, body: start.body, is_default: '' }, new Map())
    }),
  )

  router.post(
    '/settings/templates',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const kind = TEMPLATE_KINDS.find((k) => k === field(req.body, 'kind')) ?? 'confirmation'
      const v = {
        kind,
        name: field(req.body, 'name'),
        subject: field(req.body, 'subject'),
        body: field(req.body, 'body'),
        is_default: field(req.body, 'is_default'),
      }
      if (field(req.body, 'intent') === 'preview') return showNew(res, session, v, new Map())
      onError((err) => {
        return showNew(res, session, v, fieldErrorsOf(err), err.status)
      })
      const made = await callAction(caller(session, res), createTemplate, {
        kind,
        name: v.name,
        subject: v.subject,
        body: v.body,
        is_default: v.is_default === 'on',
      })
      const id: string = (made.result as { id: string }).id
      res.redirect(303, `/settings/templates/${encodeURIComponent(id)}?done=created`)
    }),
  )
  return router
}
