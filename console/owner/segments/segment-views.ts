import type { z } from 'zod'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import type { SEGMENT_MEMBER } from '../../../core/domains/segments/queries.js'
import type { Segment } from '../../../core/domains/segments/model.js'
import { describeRule } from '../../../core/domains/segments/rule.js'
import { LIFECYCLES } from '../../../core/domains/contacts/lifecycle.js'
import { html, type SafeHtml } from '../../html.js'
import { postForm } from '../../technician/context.js'
import { shortMoment } from '../contacts/customer-words.js'
import { type EmailWhenValues, whenFieldset } from '../email-when.js'
import { fieldError, selectField, textArea, textField, type FieldErrors } from '../../form-kit.js'

type Member = z.output<typeof SEGMENT_MEMBER>

/** The segment form as typed: a name, and for a rule segment the conditions the form offers. */
export type SegmentValues = Record<
  'name' | 'kind' | 'city' | 'tag' | 'lifecycle' | 'last_visit_before' | 'last_visit_after' | 'spend_over',
  string
>

/** The email form as typed: subject, text, now or later. */
export type SendValues = EmailWhenValues

/** "12 members, computed Mon, Nov 23 9:00 AM": the count and when it was last computed or changed. */
export function countLine(s: Segment, timeZone: string): string {
  const when = s.computed_at ? `, ${s.kind === 'rule' ? 'computed' : 'changed'} ${shortMoment(s.computed_at, timeZone)}` : ''
  return `${s.member_count} member${s.member_count === 1 ? '' : 's'}${when}`
}

/** Every segment as a line: its name, what it holds and how many. */
export function segmentList(items: Segment[], timeZone: string): SafeHtml {
  if (!items.length) return html`<p class="muted">No segments yet.</p>`
  return html`<ul class="history">${items.map(
    (s) =>
      html`<li><a href="${`/segments/${s.id}`}">${s.name}</a> · <a href="${`/segments/${s.id}/send`}">Email</a><br><span class="muted">${
        s.rule ? describeRule(s.rule) : 'Chosen by hand'
      } · ${countLine(s, timeZone)}</span></li>`,
  )}</ul>`
}

/** The form that makes a segment: by hand, or by the conditions given (each one given must match). */
export function newSegmentForm(session: SessionPrincipal, v: SegmentValues, p: FieldErrors): SafeHtml {
  const lifecycles = [['', 'Any'], ...LIFECYCLES.map((l) => [l, l.replace('_', ' ')] as const)] as const
  return html`<h2 id="new">New segment</h2>${postForm(
    '/segments',
    session,
    html`${textField('name', 'Name', v.name, p, html` required maxlength="100"`)}
${selectField(
  'kind',
  'Members',
  v.kind,
  [
    ['manual', 'Chosen by hand'],
    ['rule', 'Every customer matching the conditions below'],
  ],
  p,
)}
<fieldset><legend>Conditions (for matching)</legend>
${textField('city', 'Town', v.city, p)}${textField('tag', 'Tag', v.tag, p)}
${selectField('lifecycle', 'Stage', v.lifecycle, lifecycles, p)}${textField('spend_over', 'Spent over ($)', v.spend_over, p, html` inputmode="decimal"`)}
${textField('last_visit_after', 'Last visit after', v.last_visit_after, p, html` type="date"`)}${textField(
  'last_visit_before',
  'Last visit before',
  v.last_visit_before,
  p,
  html` type="date"`,
)}${fieldError(p, 'rule')}</fieldset>
<button>Make the segment</button>`,
  )}`
}

/** One page of members, each with a Remove button on a manual segment, and the way to the next page. */
export function memberList(segment: Segment, members: Member[], next: string | null, session: SessionPrincipal): SafeHtml {
  const base = `/segments/${segment.id}`
  const manual = segment.kind === 'manual' && !segment.archived_at
  const items = members.map(
    (m) =>
      html`<li><a href="${`/customers/${m.id}`}">${m.display_name}</a><br><span class="muted">${[
        m.email ?? 'no email',
        m.email_status === 'ok' ? '' : `email ${m.email_status}`,
        m.city ?? '',
      ]
        .filter(Boolean)
        .join(' · ')}</span>${
        manual
          ? postForm(
              `${base}/remove`,
              session,
              html`<input type="hidden" name="contact_id" value="${m.id}"><button class="small second">Remove</button>`,
            )
          : ''
      }</li>`,
  )
  return html`${members.length ? html`<ul class="history">${items}</ul>` : html`<p class="muted">No members.</p>`}${
    next ? html`<p class="row pager"><a href="${`${base}?cursor=${encodeURIComponent(next)}`}">More members</a></p>` : ''
  }`
}

/** Finding customers by name to add to a manual segment. */
export function addMemberForm(segment: Segment, q: string): SafeHtml {
  return html`<h2 id="add">Add customers</h2><form method="get" action="${`/segments/${segment.id}`}"><label>Name, email or phone<input name="q" value="${q}" maxlength="200"></label>
<button class="second">Find</button></form>`
}

/** Customers found by name, each with an Add button. */
export function foundList(
  segment: Segment,
  found: Array<{ id: string; display_name: string; email: string | null }>,
  session: SessionPrincipal,
): SafeHtml {
  if (!found.length) return html`<p class="muted">No customer matches.</p>`
  return html`<ul class="history">${found.map(
    (c) =>
      html`<li>${c.display_name} <span class="muted">${c.email ?? ''}</span>${postForm(
        `/segments/${segment.id}/add`,
        session,
        html`<input type="hidden" name="contact_id" value="${c.id}"><button class="small">Add</button>`,
      )}</li>`,
  )}</ul>`
}

/** The email to every member: subject, text ({{customer_first_name}} and the other variables), now or at a local time. */
export function sendForm(segment: Segment, session: SessionPrincipal, v: SendValues, p: FieldErrors): SafeHtml {
  return postForm(
    `/segments/${segment.id}/send`,
    session,
    html`${textField('subject', 'Subject', v.subject, p, html` required maxlength="300"`)}
${textArea('body', 'Message', v.body, p, 6)}
<p class="muted">Write {{customer_first_name}} for each customer's first name. Members without an email, or whose email bounced or complained, are skipped.</p>
${whenFieldset(v, p)}
<button>Send to ${String(segment.member_count)} members</button>`,
  )
}
