import { Router, type Response } from 'express'
import type { z } from 'zod'
import { stateOf } from '../../../core/http/request-state.js'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { callAction } from '../../../core/kernel/call-action.js'
import { callQueryAll } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { addUser, updateUser } from '../../../core/domains/users/actions.js'
import { moveTechnicianDay } from '../../../core/domains/tickets/day-move.js'
import { DAY_MOVE_FIELDS, dayMoveForm } from './day-move-form.js'
import { usersQuery } from '../../../core/domains/users/queries.js'
import { form, html } from '../../html.js'
import { sendOwnerPage } from '../owner-page.js'
import { ownerRoute } from '../owner-route.js'
import { doneLine, field, fieldErrorsOf, pageProblem, selectField, textField, type FieldErrors } from '../../form-kit.js'

type Member = z.output<typeof usersQuery.record>

const ROLES = [
  ['technician', 'Technician'],
  ['owner', 'Owner'],
] as const

/** A refused change: whose card (or '' for the new member's form), what was typed and what to fix. */
interface Refused {
  userId: string
  values: Record<string, string>
  problems: FieldErrors
  status: number
}

const DONE: Record<string, string> = {
  added: 'Added. They sign in by entering their email on the sign-in page, which emails them a link.',
  saved: 'Saved.',
  deactivated: 'Deactivated: they can no longer sign in, and their calendar feeds and the agent tokens and apps they made stop.',
  reactivated: 'Reactivated: they can sign in again. Their old calendar feeds and tokens stay revoked: make new ones if they need them.',
  day_moved:
    "Moved. Each customer whose visit changed day or time gets an email saying it moved; the schedule shows the visits' new times.",
}

/** The team: who works here, adding a technician or an owner, renaming, changing roles, deactivating and reactivating. */
export function teamPages(services: Services): Router {
  const router = Router()
  const caller = (session: SessionPrincipal, res: Response) => ({ services, principal: session, requestId: stateOf(res).requestId })

  const show = async (res: Response, session: SessionPrincipal, done: unknown, refused?: Refused) => {
    const people = await callQueryAll(caller(session, res), usersQuery)
    const active = people.filter((m: Member) => !m.deactivated_at)
    const dayRefused = (userId: string) => refused?.userId === `${userId}/day`
    const typed = (userId: string, field: string, saved: string) => (refused?.userId === userId ? (refused.values[field] ?? saved) : saved)
    const problems = (userId: string) => (refused?.userId === userId ? refused.problems : new Map())
    const cards = people.map(
      (m: Member) => html`<section class="card" aria-labelledby="${`m_${m.id}`}"><h2 id="${`m_${m.id}`}">${m.name || m.email}${
        m.id === session.actor.id ? ' (you)' : ''
      }</h2><p class="muted">${m.email} · ${m.role === 'owner' ? 'Owner' : 'Technician'} · ${
        m.deactivated_at ? html`<b class="err">Deactivated</b>` : 'Active'
      }</p>
${form(
  `/team/${m.id}`,
  session.csrfToken,
  html`<div class="row">${textField('name', 'Name', typed(m.id, 'name', m.name), problems(m.id), html` maxlength="200"`)}
${selectField('role', 'Role', typed(m.id, 'role', m.role), ROLES, problems(m.id))}</div><button class="second">Save ${m.name || m.email}</button>`,
)}
${form(
  `/team/${m.id}/active`,
  session.csrfToken,
  html`<input type="hidden" name="active" value="${m.deactivated_at ? 'true' : 'false'}">${
    m.deactivated_at
      ? html`<button class="alt">Reactivate ${m.name || m.email}</button>`
      : html`<button class="deny">Deactivate ${m.name || m.email}</button>`
  }`,
)}
${
  m.deactivated_at
    ? ''
    : dayMoveForm({
        member: m,
        team: active,
        session,
        values: dayRefused(m.id) ? refused!.values : {},
        problems: dayRefused(m.id) ? refused!.problems : new Map(),
      })
}</section>`,
    )
    const added = problems('')
    const status = refused?.status ?? 200
    sendOwnerPage(
      res,
      'Team',
      html`<p class="note">Technicians see and close their own jobs; owners run everything. A deactivated person keeps their history but cannot sign in.</p>
${cards}<h2>Add someone</h2>${form(
        '/team',
        session.csrfToken,
        html`${textField('name', 'Name', typed('', 'name', ''), added, html` required maxlength="200" autocomplete="off"`)}
${textField('email', 'Email they sign in with', typed('', 'email', ''), added, html` type="email" required autocomplete="off"`)}
${selectField('role', 'Role', typed('', 'role', 'technician'), ROLES, added)}<button>Add to the team</button>`,
      )}
<p class="note">They get no email now: they sign in by entering this address on the sign-in page, which emails them a link.</p>`,
      {
        status,
        ok: doneLine(done, DONE),
        error: refused ? pageProblem(refused.problems, ['name', 'email', 'role', ...DAY_MOVE_FIELDS]) : undefined,
      },
    )
  }

  router.get(
    '/team',
    ownerRoute(services, async ({ req, res, session }) => {
      await show(res, session, req.query.done)
    }),
  )

  router.post(
    '/team',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const values = { name: field(req.body, 'name'), email: field(req.body, 'email'), role: field(req.body, 'role') }
      onError((err) => {
        return show(res, session, null, { userId: '', values, problems: fieldErrorsOf(err), status: err.status })
      })
      await callAction(caller(session, res), addUser, {
        name: values.name,
        email: values.email,
        role: values.role === 'owner' ? 'owner' : 'technician',
      })
      res.redirect(303, '/team?done=added')
    }),
  )

  router.post(
    '/team/:id',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const values = { name: field(req.body, 'name'), role: field(req.body, 'role') }
      onError((err) => {
        return show(res, session, null, { userId: req.params.id, values, problems: fieldErrorsOf(err), status: err.status })
      })
      await callAction(caller(session, res), updateUser, {
        user_id: req.params.id,
        name: values.name || undefined,
        role: values.role === 'owner' || values.role === 'technician' ? values.role : undefined,
      })
      res.redirect(303, '/team?done=saved')
    }),
  )

  router.post(
    '/team/:id/active',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const active = field(req.body, 'active') === 'true'
      onError((err) => {
        // The refusal is about the person, not a field of the form: its sentence goes on the status line as it is.
        return show(res, session, null, { userId: req.params.id, values: {}, problems: fieldErrorsOf(err, () => ''), status: err.status })
      })
      await callAction(caller(session, res), updateUser, { user_id: req.params.id, active })
      res.redirect(303, active ? '/team?done=reactivated' : '/team?done=deactivated')
    }),
  )
  router.post(
    '/team/:id/day',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const values = Object.fromEntries(DAY_MOVE_FIELDS.map((name) => [name, field(req.body, name)]))
      onError((err) => {
        const problems = fieldErrorsOf(err, (path) => (path === 'to_technician_id' ? 'to_technician' : path))
        return show(res, session, null, { userId: `${req.params.id}/day`, values, problems, status: err.status })
      })
      await callAction(caller(session, res), moveTechnicianDay, {
        technician_id: req.params.id,
        date: values.date,
        to_date: values.to_date || values.date,
        to_technician_id: values.to_technician || undefined,
        message: values.message || undefined,
      })
      res.redirect(303, '/team?done=day_moved')
    }),
  )
  return router
}
