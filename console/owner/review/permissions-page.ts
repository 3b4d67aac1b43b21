import { Router, type Response } from 'express'
import { stateOf } from '../../../core/http/request-state.js'
import type { SessionPrincipal } from '../../../core/auth/sessions.js'
import { formatInstant } from '../../../core/kernel/call-preview.js'
import type { Services } from '../../../core/kernel/context.js'
import { AppError, validationError } from '../../../core/kernel/errors.js'
import { parseAmountCents } from '../../../core/vocabulary/money.js'
import type { z } from 'zod'
import { callAction, type Caller } from '../../../core/kernel/call-action.js'
import { callQuery } from '../../../core/kernel/call-query.js'
import { areaOf, AREAS, phraseOf } from '../../../core/text/action-words.js'
import { settingsQuery } from '../../../core/domains/settings/queries.js'
import { updateSettings } from '../../../core/domains/settings/actions.js'
import { createStandingRule, revokeStandingRule, setPermission } from '../../../core/domains/approvals/actions.js'
import { permissionsQuery, standingRulesQuery } from '../../../core/domains/approvals/queries.js'
import type { ActionDefinition } from '../../../core/kernel/registry.js'
import { addDays, zonedInstant } from '../../../core/vocabulary/time.js'
import { form, html, type SafeHtml } from '../../html.js'
import { sendOwnerPage } from '../owner-page.js'
import { ownerRoute } from '../owner-route.js'
import { field } from '../../form-kit.js'

/** How the rule form names each unit a fact is in. */
const UNIT_WORDS: Record<string, string> = { money: ' ($)', hours: ' (hours)', count: ' (how many)' }

/** Each level as the owner reads it. */
const LEVEL_WORDS: Record<string, string> = {
  unrestricted: 'Goes ahead',
  soft_limit: 'Goes ahead, says why',
  requires_authorization: 'Asks you first',
}

/** One action's level as the permissions data type reads it. */
type Permission = z.output<typeof permissionsQuery.record>
/** One standing rule as its data type reads it. */
type StandingRule = z.output<typeof standingRulesQuery.record>

/** What the page says after a change: ?done= names what changed (an action key), never text of its own; the words come from the server. */
function doneWords(done: string, perms: Permission[], services: Services): string {
  if (done === 'revoked') return 'Rule revoked: the agent asks you again.'
  if (done === 'expiry') return 'Saved: requests you have not answered expire after that many hours from now on.'
  const [kind, key] = done.split(':')
  const def = key ? services.registry.actions.get(key) : undefined
  if (!def) return ''
  if (kind === 'rule') return `Rule added: the agent may ${phraseOf(def)} without asking when the call meets it.`
  const p = perms.find((x) => x.action === key)
  return kind === 'level' && p ? `${capitalized(phraseOf(def))}: ${(LEVEL_WORDS[p.effective] ?? p.effective).toLowerCase()}.` : ''
}

/** The owner's permissions page: what the agent may do, by area, in plain words, with the standing rules. */
export function permissionsPage(services: Services): Router {
  const router = Router()
  const caller = (session: SessionPrincipal, res: Response): Caller => ({ services, principal: session, requestId: stateOf(res).requestId })
  const answer = async (res: Response, call: () => Promise<string>) => {
    try {
      res.redirect(303, `/review/permissions?done=${encodeURIComponent(await call())}`)
    } catch (err) {
      if (!(err instanceof AppError)) throw err
      sendOwnerPage(res, 'Permissions', html`<p><a href="/review/permissions">Back</a></p>`, {
        error: `Nothing was changed. ${err.message}`,
        status: err.status,
      })
    }
  }

  router.get(
    '/review/permissions',
    ownerRoute(services, async ({ req, res, session }) => {
      const perms = (await callQuery(caller(session, res), permissionsQuery, { limit: 100 })).items
      const rules = (await callQuery(caller(session, res), standingRulesQuery, { limit: 100 })).items
      const [settings] = (await callQuery(caller(session, res), settingsQuery, { limit: 100 })).items
      const tz = String(settings?.timezone ?? 'UTC')
      const said = doneWords(typeof req.query.done === 'string' ? req.query.done : '', perms, services)
      const sections = AREAS.map((area) => {
        const rows = perms
          .filter((p) => p.agents_allowed)
          .map((p) => ({ p, def: services.registry.actions.get(p.action)! }))
          .filter(({ def }) => def && areaOf(def) === area)
        if (!rows.length) return ''
        return html`<h2>${area}</h2>${rows.map(({ p, def }) =>
          actionRow(
            p,
            def,
            rules.filter((r) => r.action === p.action),
            session.csrfToken,
            tz,
          ),
        )}`
      })
      sendOwnerPage(
        res,
        'Permissions',
        html`<p class="note">What your office manager may do on its own. "Asks you first" puts the request on your Waiting page;
"says why" means it must give a reason, which the history keeps. A rule lets it go ahead when a call meets your conditions.</p>${expiryForm(Number(settings?.approval_expiry_hours ?? 72), session.csrfToken)}${sections}`,
        { ok: said },
      )
    }),
  )

  router.post(
    '/review/permissions',
    ownerRoute(services, async ({ req, res, session }) => {
      await answer(res, async () => {
        // The form's words as they came: the action's own input schema checks them and names a wrong field.
        const data = { action: field(req.body, 'action'), permission: field(req.body, 'permission') } as z.input<typeof setPermission.input>
        const out = await callAction(caller(session, res), setPermission, data)
        const r = out.result as { action: string }
        const def = services.registry.actions.get(r.action)
        return def ? `level:${r.action}` : ''
      })
    }),
  )

  router.post(
    '/review/expiry',
    ownerRoute(services, async ({ req, res, session }) => {
      await answer(res, async () => {
        const raw = field(req.body, 'approval_expiry_hours')
        if (!/^\d{1,4}$/.test(raw)) throw validationError([{ field: 'approval_expiry_hours', message: 'enter whole hours from 1 to 720' }])
        await callAction(caller(session, res), updateSettings, { approval_expiry_hours: Number(raw) })
        return 'expiry'
      })
    }),
  )

  router.post(
    '/review/rules',
    ownerRoute(services, async ({ req, res, session }) => {
      await answer(res, async () => {
        const key = field(req.body, 'action')
        const def = services.registry.actions.get(key)
        const [settings] = (await callQuery(caller(session, res), settingsQuery, { limit: 100 })).items
        const fact = field(req.body, 'fact')
        const raw = field(req.body, 'value')
        const unit = def?.facts?.[fact]?.unit
        const cents = parseAmountCents(raw)
        if (cents === null || cents < 0 || (unit !== 'money' && cents % 100 !== 0)) {
          const expected =
            unit === 'hours'
              ? 'enter whole hours, e.g. 48'
              : unit === 'count'
                ? 'enter a whole number, e.g. 20'
                : 'enter an amount, e.g. 50 or 49.99'
          throw validationError([{ field: 'value', message: expected }])
        }
        // Every value is typed as a number with up to two decimals; only money is kept in cents.
        const value = unit === 'money' ? cents : cents / 100
        const until = field(req.body, 'until')
        if (until && !/^\d{4}-\d\d-\d\d$/.test(until)) throw validationError([{ field: 'until', message: 'enter a date' }])
        const expires = until ? zonedInstant(addDays(until, 1), '00:00', String(settings?.timezone ?? 'UTC')).toISOString() : undefined
        const rule = {
          action: key,
          conditions: [{ fact, op: field(req.body, 'op'), value }],
          ...(expires ? { expires_at: expires } : {}),
        }
        await callAction(caller(session, res), createStandingRule, rule as z.input<typeof createStandingRule.input>)
        return def ? `rule:${key}` : ''
      })
    }),
  )

  router.post(
    '/review/rules/:id/revoke',
    ownerRoute(services, async ({ req, res, session }) => {
      await answer(res, async () => {
        await callAction(caller(session, res), revokeStandingRule, { rule_id: req.params.id })
        return 'revoked'
      })
    }),
  )
  return router
}

/** One action: what the agent may do, its level with a way to change it, its rules, and a form to add one. */
function actionRow(p: Permission, def: ActionDefinition, rules: StandingRule[], csrf: string, tz: string): SafeHtml {
  const levels = ['default', 'unrestricted', 'soft_limit', 'requires_authorization']
  const select = html`<select name="permission" aria-label="Level for ${phraseOf(def)}">${levels.map(
    (l) =>
      html`<option value="${l}"${(p.override ?? 'default') === l ? html` selected` : ''}>${l === 'default' ? `${LEVEL_WORDS[p.registered]} (standard)` : LEVEL_WORDS[l]}</option>`,
  )}</select>`
  const ruleItems = rules.map(
    (r) => html`<li>Goes ahead without asking when ${r.conditions_text.length ? r.conditions_text.join(' and ') : 'any call'}${
      r.expires_at ? `, until ${formatInstant(r.expires_at, tz)}` : ''
    }
${form(`/review/rules/${r.id}/revoke`, csrf, html`<button class="second small">Revoke</button>`)}</li>`,
  )
  const facts = Object.entries(def.facts ?? {})
  // Rules only matter for calls that would otherwise wait for the owner.
  const ruleForm =
    facts.length && p.effective === 'requires_authorization'
      ? html`<details><summary>Let it go ahead without asking when…</summary>
${form(
  '/review/rules',
  csrf,
  html`<input type="hidden" name="action" value="${p.action}">
<label>When<select name="fact">${facts.map(([k, f]) => html`<option value="${k}">${f.label}${UNIT_WORDS[f.unit]}</option>`)}</select></label>
<div class="row"><label>is<select name="op"><option value="at_most">at most</option><option value="at_least">at least</option></select></label>
<label>this much<input name="value" inputmode="decimal" required></label></div>
<label>Until (optional)<input type="date" name="until"></label><button>Add rule</button>`,
)}</details>`
      : ''
  return html`<div class="card perm"><b>${capitalized(phraseOf(def))}</b>
${p.override ? html`<p class="note">Now: ${LEVEL_WORDS[p.effective] ?? p.effective} (your choice)</p>` : ''}
${def.access.ownerApproves ? html`<p class="note">Always asks you first when it ${def.access.ownerApproves.why}, whatever you choose here.</p>` : ''}
${ruleItems.length ? html`<ul class="rules">${ruleItems}</ul>` : ''}
${form('/review/permissions', csrf, html`<input type="hidden" name="action" value="${p.action}"><div class="row">${select}<button class="small">Set</button></div>`)}${ruleForm}</div>`
}

/** How long a request waits for the owner before it expires unanswered (the approval_expiry_hours setting). */
function expiryForm(hours: number, csrf: string): SafeHtml {
  return form(
    '/review/expiry',
    csrf,
    html`<div class="row"><label>Requests you do not answer expire after (hours)<input name="approval_expiry_hours" inputmode="numeric" value="${hours}" required></label><button class="small">Set</button></div>`,
    html` class="card"`,
  )
}

/** Sentence case of a phrase, for a heading or a list item. */
function capitalized(phrase: string): string {
  return phrase.charAt(0).toUpperCase() + phrase.slice(1)
}
