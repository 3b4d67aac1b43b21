import { Router, type Response } from 'express'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { callAction } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import type { Services } from '../../../core/kernel/context.js'
import { contactsQuery } from '../../../core/domains/contacts/queries.js'
import { addSegmentMembers, createSegment, refreshSegment, removeSegmentMembers } from '../../../core/domains/segments/actions.js'
import type { Segment } from '../../../core/domains/segments/model.js'
import { segmentMembersQuery, segmentsQuery } from '../../../core/domains/segments/queries.js'
import { describeRule } from '../../../core/domains/segments/rule.js'
import { sendToSegment } from '../../../core/domains/segments/send.js'
import { servicesQuery } from '../../../core/domains/services/queries.js'
import { AppError, validationError } from '../../../core/kernel/errors.js'
import { sendAtOf } from '../email-when.js'
import { html } from '../../html.js'
import { onceOf, postForm } from '../../technician/context.js'
import { sendOwnerPage } from '../owner-page.js'
import { currentSegment, RECOMPUTE_AFTER_MINUTES } from './segment-freshness.js'
import {
  addMemberForm,
  countLine,
  foundList,
  memberList,
  newSegmentForm,
  segmentList,
  sendForm,
  type SegmentValues,
  type SendValues,
} from './segment-views.js'
import { isUuid } from '../../../core/kernel/schema-types.js'
import { callerOf, ownerRoute } from '../owner-route.js'
import { businessFormat, doneLine, field, fieldErrorsOf, pageProblem, type FieldErrors } from '../../form-kit.js'
import { parseAmountCents } from '../../../core/vocabulary/money.js'

const DONE: Record<string, string> = { created: 'Segment made.', added: 'Added.', removed: 'Removed.', refreshed: 'Members recomputed.' }

const SEGMENT_FIELDS = ['name', 'kind', 'city', 'tag', 'lifecycle', 'last_visit_before', 'last_visit_after', 'spend_over'] as const
const SEND_FIELDS = ['subject', 'body', 'when', 'send_date', 'send_time'] as const

/** The owner's segments: the list with a form for a new one, a segment's members, and an email to all of them. */
export function segmentsPages(services: Services): Router {
  const router = Router()

  router.get(
    '/segments',
    ownerRoute(services, async ({ res, session }) => {
      await listPage(services, session, res, blankSegment(), new Map())
    }),
  )

  router.post(
    '/segments',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const values = Object.fromEntries(SEGMENT_FIELDS.map((f) => [f, field(req.body, f)])) as SegmentValues
      onError(async (err) => {
        const problems = fieldErrorsOf(err, (path) => (path.startsWith('rule.') ? ruleField(path) : path.split('.')[0]))
        await listPage(services, session, res, values, problems, {
          status: err.status,
          error: `The segment was not made. ${pageProblem(problems, SEGMENT_FIELDS)}`,
        })
      })
      const made = await callAction(callerOf(services, session, res), createSegment, segmentInput(values) as never, {
        idempotencyKey: onceOf(req),
      })
      res.redirect(303, `/segments/${(made.result as { id: string }).id}?done=created`)
    }),
  )

  router.get(
    '/segments/:id',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const stored = await segmentOr404(services, session, res, String(req.params.id))
      if (!stored) return
      const caller = callerOf(services, session, res)
      const { segment, problem } = await currentSegment(caller, stored, services.now())
      const { timezone } = await businessFormat(caller)
      const cursor = typeof req.query.cursor === 'string' ? req.query.cursor : undefined
      const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 200) : ''
      onError((err) => {
        return sendOwnerPage(res, segment.name, html`<p><a href="${`/segments/${segment.id}`}">Start again</a></p>`, {
          status: err.status,
          error: err.message,
        })
      })
      const members = await callQuery(caller, segmentMembersQuery, { params: { segment_id: segment.id }, limit: 50, cursor })
      const serviceIds = [segment.rule?.had_service?.service_id, segment.rule?.lacks_service?.service_id].filter((id): id is string => !!id)
      const serviceNames = new Map<string, string>()
      for (const serviceId of serviceIds) serviceNames.set(serviceId, (await callQuery(caller, servicesQuery, { id: serviceId })).name)
      const found = q && segment.kind === 'manual' ? (await callQuery(caller, contactsQuery, { params: { q }, limit: 10 })).items : null
      const base = `/segments/${segment.id}`
      const body = html`<p><a href="/segments">All segments</a></p>
<p><b>${segment.rule ? `Every customer ${describeRule(segment.rule, serviceNames)}` : 'Customers chosen by hand'}</b><br><span class="muted">${countLine(segment, timezone)}</span>${
        segment.kind === 'rule' && !segment.archived_at
          ? html`<br><span class="note">Recomputed when this page opens if older than ${RECOMPUTE_AFTER_MINUTES} minutes.</span>`
          : ''
      }</p>
${problem ? html`<p class="err">The members could not be recomputed now: ${problem}</p>` : ''}
${segment.description ? html`<p class="pre">${segment.description}</p>` : ''}
<p class="row"><a href="${`${base}/send`}">Email every member</a></p>
${segment.kind === 'rule' && !segment.archived_at ? postForm(`${base}/refresh`, session, html`<button class="second small">Recompute now</button>`) : ''}
<h2 id="members">Members</h2>${memberList(segment, members.items, members.next_cursor, session)}
${segment.kind === 'manual' && !segment.archived_at ? html`${addMemberForm(segment, q)}${found ? foundList(segment, found, session) : ''}` : ''}`
      sendOwnerPage(res, segment.name, body, { ok: sentLine(req.query) ?? doneLine(req.query.done, DONE) })
    }),
  )

  for (const [path, def] of [
    ['add', addSegmentMembers],
    ['remove', removeSegmentMembers],
  ] as const) {
    router.post(
      `/segments/:id/${path}`,
      ownerRoute(services, async ({ req, res, session }) => {
        const id = String(req.params.id)
        try {
          await callAction(callerOf(services, session, res), def, { segment_id: id, contact_ids: [field(req.body, 'contact_id')] } as never)
        } catch (err) {
          return refused(res, err, `/segments/${encodeURIComponent(id)}`)
        }
        res.redirect(303, `/segments/${id}?done=${path === 'add' ? 'added' : 'removed'}#members`)
      }),
    )
  }

  router.post(
    '/segments/:id/refresh',
    ownerRoute(services, async ({ req, res, session }) => {
      const id = String(req.params.id)
      try {
        await callAction(callerOf(services, session, res), refreshSegment, { segment_id: id })
      } catch (err) {
        return refused(res, err, `/segments/${encodeURIComponent(id)}`)
      }
      res.redirect(303, `/segments/${id}?done=refreshed`)
    }),
  )

  router.get(
    '/segments/:id/send',
    ownerRoute(services, async ({ req, res, session }) => {
      const segment = await segmentOr404(services, session, res, String(req.params.id))
      if (segment) sendPage(res, segment, session, { subject: '', body: '', when: 'now', send_date: '', send_time: '' }, new Map())
    }),
  )

  router.post(
    '/segments/:id/send',
    ownerRoute(services, async ({ req, res, session, onError }) => {
      const segment = await segmentOr404(services, session, res, String(req.params.id))
      if (!segment) return
      const caller = callerOf(services, session, res)
      const values = Object.fromEntries(SEND_FIELDS.map((f) => [f, field(req.body, f)])) as SendValues
      values.when = values.when === 'later' ? 'later' : 'now'
      onError((err) => {
        const problems = fieldErrorsOf(err)
        sendPage(res, segment, session, values, problems, {
          status: err.status,
          error: `Nothing was sent. ${pageProblem(problems, SEND_FIELDS)}`,
        })
      })
      const sendAt = sendAtOf(values, (await businessFormat(caller)).timezone)
      const done = await callAction(
        caller,
        sendToSegment,
        { segment_id: segment.id, subject: values.subject, body: values.body, ...(sendAt ? { send_at: sendAt.toISOString() } : {}) },
        { idempotencyKey: onceOf(req) },
      )
      const r = done.result as { scheduled_count: number; skipped_no_email: number; skipped_opted_out: number; repeated: boolean }
      res.redirect(
        303,
        `/segments/${segment.id}?sent=${r.scheduled_count}&no_email=${r.skipped_no_email}&opted_out=${r.skipped_opted_out}${r.repeated ? '&repeated=1' : ''}`,
      )
    }),
  )

  return router
}

/** The list of segments with the new-segment form. */
async function listPage(
  services: Services,
  session: SessionPrincipal,
  res: Response,
  values: SegmentValues,
  problems: FieldErrors,
  extra: { status?: number; error?: string } = {},
) {
  const caller = callerOf(services, session, res)
  const { timezone } = await businessFormat(caller)
  const page = await callQuery(caller, segmentsQuery, { limit: 100 })
  sendOwnerPage(
    res,
    'Segments',
    html`<p class="muted">Named lists of customers, to email all at once.</p>${segmentList(page.items as Segment[], timezone)}
${newSegmentForm(session, values, problems)}`,
    extra,
  )
}

function sendPage(
  res: Response,
  segment: Segment,
  session: SessionPrincipal,
  values: SendValues,
  problems: FieldErrors,
  extra: { status?: number; error?: string } = {},
) {
  sendOwnerPage(
    res,
    `Email ${segment.name}`,
    html`<p><a href="${`/segments/${segment.id}`}">Back to ${segment.name}</a></p>
<p>One email to each of the ${String(segment.member_count)} members, with their own name.</p>${sendForm(segment, session, values, problems)}`,
    extra,
  )
}

/** The segment named in the address, or a 404 page (and null) when this business has none such. */
async function segmentOr404(services: Services, session: SessionPrincipal, res: Response, id: string): Promise<Segment | null> {
  try {
    if (!isUuid(id)) throw new AppError('NOT_FOUND', 'no such segment')
    return (await callQuery(callerOf(services, session, res), segmentsQuery, { id })) as Segment
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'NOT_FOUND') throw err
    sendOwnerPage(res, 'Segment not found', html`<p>There is no such segment.</p><p><a href="/segments">All segments</a></p>`, {
      status: 404,
    })
    return null
  }
}

/** The form's words as segment.create takes them: empty conditions are left out, so only those given must match. */
function segmentInput(v: SegmentValues): Record<string, unknown> {
  const input: Record<string, unknown> = { name: v.name, kind: v.kind || 'manual' }
  if (v.kind !== 'rule') return input
  const rule: Record<string, unknown> = {}
  if (v.city) rule.city = v.city
  if (v.tag) rule.tags = [v.tag]
  if (v.lifecycle) rule.lifecycle = [v.lifecycle]
  if (v.last_visit_before) rule.last_visit_before = v.last_visit_before
  if (v.last_visit_after) rule.last_visit_after = v.last_visit_after
  if (v.spend_over) {
    const cents = parseAmountCents(v.spend_over)
    if (cents === null || cents < 0)
      throw validationError([{ field: 'data.rule.spend_over_cents', message: `expected an amount such as 250, not "${v.spend_over}"` }])
    rule.spend_over_cents = cents
  }
  return { ...input, rule }
}

/** The form field a rule's refused part was typed in. */
function ruleField(path: string): string {
  const part = path.split('.')[1] ?? ''
  return (
    ({ tags: 'tag', spend_over_cents: 'spend_over' } as Record<string, string>)[part] ??
    (SEGMENT_FIELDS.includes(part as never) ? part : 'rule')
  )
}

/** "2 emails scheduled; 1 skipped without an email; 1 skipped (bounced or complained)" after a send. */
function sentLine(query: Record<string, unknown>): string | undefined {
  const n = (name: string) => (/^\d{1,7}$/.test(String(query[name] ?? '')) ? Number(query[name]) : null)
  const scheduled = n('sent')
  if (scheduled === null) return undefined
  const parts = [
    `${scheduled} email${scheduled === 1 ? '' : 's'} ${query.repeated ? 'were already scheduled by the same send' : 'scheduled'}`,
  ]
  if (n('no_email')) parts.push(`${n('no_email')} skipped without an email address`)
  if (n('opted_out')) parts.push(`${n('opted_out')} skipped (email bounced or complained)`)
  return `${parts.join('; ')}.`
}

/** A refusal as a page: what was wrong and the way back; nothing was changed. */
function refused(res: Response, err: unknown, back: string): void {
  if (!(err instanceof AppError)) throw err
  sendOwnerPage(res, 'Not changed', html`<p><a href="${back}">Back</a></p>`, {
    status: err.status,
    error: `Nothing was changed. ${err.message}`,
  })
}

/** The new-segment form before anything is typed: a manual segment. */
function blankSegment(): SegmentValues {
  return { name: '', kind: 'manual', city: '', tag: '', lifecycle: '', last_visit_before: '', last_visit_after: '', spend_over: '' }
}
