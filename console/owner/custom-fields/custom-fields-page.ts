import { Router, type Response } from 'express'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { callAction } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { archiveCustomField, defineCustomField, updateCustomField } from '../../../core/domains/custom-fields/actions.js'
import type { Definition } from '../../../core/domains/custom-fields/model.js'
import { customFieldsQuery } from '../../../core/domains/custom-fields/queries.js'
import { form, html, type SafeHtml } from '../../html.js'
import { FIELD_TYPE_WORDS } from './custom-field-views.js'
import { sendOwnerPage } from '../owner-page.js'
import { callerOf, ownerRoute } from '../owner-route.js'
import { checkField, describedBy, doneLine, field, fieldError, fieldErrorsOf, type FieldErrors } from '../../form-kit.js'

/** What each applies_to is called on the page. */
const APPLIES_WORDS: Record<Definition['applies_to'], string> = {
  contact: 'Every customer',
  person: 'Customers who are people',
  organization: 'Customers that are organizations',
  ticket: 'Visits (tickets)',
}

const DONE: Record<string, string> = {
  added: 'Field added.',
  archived: 'Field archived: its values are kept.',
  restored: 'Field restored.',
}

/** The add form's values, as typed. */
type AddValues = Record<'applies_to' | 'label' | 'key' | 'field_type' | 'options' | 'required', string>

/** The settings page of the business's own fields: the list (archive, restore) and the form that adds one. GET and POST /settings/fields. */
export function customFieldsPages(services: Services): Router {
  const router = Router()

  const show = async (
    res: Response,
    session: SessionPrincipal,
    opts: { values?: AddValues; errors?: FieldErrors; status?: number; error?: string; ok?: string } = {},
  ) => {
    const caller = callerOf(services, session, res)
    const [live, archived] = await Promise.all(
      ['false', 'true'].map((a) => callQuery(caller, customFieldsQuery, { params: { archived: a as 'true' | 'false' }, limit: 100 })),
    )
    const body = html`<p><a href="/settings">Back to settings</a></p>
<p class="muted">Fields of your own on customers and visits, e.g. a gate code or the kind of building. They show on each customer's and visit's page, where you fill them in; the agent is told about them too.</p>
<h2>In use</h2>${live.items.length ? html`<ul class="history">${live.items.map((d) => fieldLine(d as Definition, session.csrfToken))}</ul>` : html`<p class="muted">No fields yet.</p>`}
${archived.items.length ? html`<h2>Archived</h2><ul class="history">${archived.items.map((d) => fieldLine(d as Definition, session.csrfToken))}</ul>` : ''}
<h2>Add a field</h2>${addForm(session.csrfToken, opts.values, opts.errors ?? new Map())}`
    sendOwnerPage(res, 'Custom fields', body, { status: opts.status, error: opts.error, ok: opts.ok })
  }

  router.get(
    '/settings/fields',
    ownerRoute(services, async ({ req, res, session }) => {
      await show(res, session, { ok: doneLine(req.query.done, DONE) })
    }),
  )

  router.post(
    '/settings/fields',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const values = Object.fromEntries(
        ['applies_to', 'label', 'key', 'field_type', 'options', 'required'].map((n) => [n, field(req.body, n)]),
      ) as AddValues
      const options = values.options
        .split(/\n|,/)
        .map((o) => o.trim())
        .filter(Boolean)
      const input = {
        applies_to: values.applies_to,
        label: values.label,
        ...(values.key ? { key: values.key } : {}),
        field_type: values.field_type,
        ...(options.length ? { options } : {}),
        required: values.required === 'on',
      }
      onError((err) => {
        return show(res, session, { values, errors: fieldErrorsOf(err), status: err.status, error: `Nothing was saved. ${err.message}` })
      })
      await callAction(callerOf(services, session, res), defineCustomField, input as never)
      res.redirect(303, '/settings/fields?done=added')
    }),
  )

  for (const [path, done] of [
    ['archive', 'archived'],
    ['restore', 'restored'],
  ] as const) {
    router.post(
      `/settings/fields/:id/${path}`,
      ownerRoute(services, async ({ req, res, session, onError }) => {
        const caller = callerOf(services, session, res)
        onError((err) => {
          return show(res, session, { status: err.status, error: `Nothing was changed. ${err.message}` })
        })
        if (path === 'archive') await callAction(caller, archiveCustomField, { custom_field_id: req.params.id })
        else await callAction(caller, updateCustomField, { custom_field_id: req.params.id, archived: false })
        res.redirect(303, `/settings/fields?done=${done}`)
      }),
    )
  }
  return router
}

/** One field: label, key, type and options, what it is on, and its archive or restore button. */
function fieldLine(d: Definition, csrf: string): SafeHtml {
  const type = d.field_type === 'choice' ? `${FIELD_TYPE_WORDS.choice}: ${d.options.join(', ')}` : FIELD_TYPE_WORDS[d.field_type]
  return html`<li><b>${d.label}</b> <span class="muted">${d.key} · ${type}${d.required ? ' · required' : ''} · ${APPLIES_WORDS[d.applies_to]}</span>${form(
    `/settings/fields/${d.id}/${d.archived_at ? 'restore' : 'archive'}`,
    csrf,
    html`<button class="small ${d.archived_at ? 'second' : 'deny'}">${d.archived_at ? 'Restore' : 'Archive'}</button>`,
  )}</li>`
}

/** The form that adds a field; the key is made from the label when left empty. */
function addForm(csrf: string, v: Partial<AddValues> = {}, errors: FieldErrors): SafeHtml {
  const choice = (name: keyof AddValues, label: string, options: Record<string, string>) =>
    html`<label>${label}<select name="${name}"${describedBy(errors, name)}>${Object.entries(options).map(
      ([value, words]) => html`<option value="${value}"${v[name] === value ? html` selected` : ''}>${words}</option>`,
    )}</select>${fieldError(errors, name)}</label>`
  return form(
    '/settings/fields',
    csrf,
    html`${choice('applies_to', 'On', APPLIES_WORDS)}
<label>Label<input name="label" required maxlength="100" value="${v.label ?? ''}" placeholder="Gate code"${describedBy(errors, 'label')}>${fieldError(errors, 'label')}</label>
<label>Key (optional)<input name="key" maxlength="40" value="${v.key ?? ''}" placeholder="gate_code" pattern="[a-z][a-z0-9_]*"${describedBy(errors, 'key')}>${fieldError(errors, 'key')}</label>
${choice('field_type', 'Type', FIELD_TYPE_WORDS)}
<label>Options, for a choice (one a line)<textarea name="options" rows="3"${describedBy(errors, 'options')}>${v.options ?? ''}</textarea>${fieldError(errors, 'options')}</label>
${checkField('required', 'Required on every new record', v.required === 'on')}
<button>Add field</button>`,
  )
}
