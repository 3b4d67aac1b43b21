import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { customerTextFields, entityOfField } from '../../core/kernel/access.js'
import type { Principal } from '../../core/kernel/context.js'
import { AppError } from '../../core/kernel/errors.js'
import { deliverDue } from '../../core/jobs/worker.js'
import { jsonSchemaOf } from '../../core/kernel/json-schema.js'
import { performAction, performQuery } from '../../core/kernel/operations.js'
import { actionKey, type ActionDefinition } from '../../core/kernel/registry.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { type TextsFixture, textsFixture } from '../helpers/texts.js'
import { createPaymentsClient } from '../../core/clients/payments.js'
import { type FakeStripe, startFakeStripe } from '../helpers/fake-stripe.js'
import { businessRecords } from '../helpers/business-records.js'
import { bothEngines } from '../helpers/databases.js'
import { PAYMENT_INSTRUCTIONS, settings } from '../helpers/fixtures.js'
import { CannotSynthesize, synthesize, type JsonSchema } from '../helpers/synthesize.js'
import { NOT_TRACED, notTracedFamily, PROBE_CALLS, wordsCallFor, wordsWorld } from './customer-calls.js'
import { TEMPLATE_VARIABLES } from '../../core/domains/message-kinds.js'
import { reasonsToAskEveryTime } from '../../core/kernel/authorize.js'
import type { OwnChannels } from '../../core/text/customer-words/held-words.js'
import { withTenant } from '../../core/db/tenant.js'
import { contextOf, scopeOf } from '../../core/kernel/operations-context.js'
import { CORPORA, isName } from '../corpus/customer-text/corpus.js'

// Both engines: the generated registry tests prove the two engines answer alike.

// Generated from the registry: every text an agent may write that customers then read is declared on its action
// (access.customerText), and an agent's words in each declared field wait for the owner as declared.

const SLOW = 600_000
const why = 'Checking how words customers read are reviewed'

/** Words every declared field must hold back, whatever else the call says. */
const DIRECTIONS = 'Pay by Zelle to 2565550199'

/** An action's field as the declaration names it: "line_items[0].description" is "line_items.description". */
function declaredPath(path: string): string {
  return path.replace(/\[\d+\]/g, '')
}

/** The fields of an action customers read, as declared: reviewed, and the rest (screened, names). */
function declaredFields(def: ActionDefinition): { reviewed: string[]; screened: string[] } {
  const reviewed = [...(def.access.customerText?.reviewed ?? [])]
  return { reviewed, screened: customerTextFields(def.access.customerText).filter((f) => !reviewed.includes(f)) }
}

/** A copy of an input with the words at a path (each list's first item), or null when the input has no such place. */
function withWordsAt(input: unknown, path: readonly string[], words: string): unknown {
  if (Array.isArray(input)) return input.length ? [withWordsAt(input[0], path, words), ...input.slice(1)] : null
  if (!path.length) return words
  if (!input || typeof input !== 'object') return null
  const inner = (input as Record<string, unknown>)[path[0]]
  const set = inner === undefined && path.length === 1 ? words : withWordsAt(inner, path.slice(1), words)
  return set === null ? null : { ...(input as Record<string, unknown>), [path[0]]: set }
}

/** A text's digits, with nothing between them. */
function phoneDigitsIn(text: string): string {
  return text.replace(/\D/g, '')
}

/** The path a field's words have in a call, as the owner's card names it: each list's first item ("line_items.0.description"). */
function concretePath(call: unknown, field: string): string {
  const out: string[] = []
  let value = call
  for (const part of field.split('.')) {
    value = (value as Record<string, unknown> | undefined)?.[part]
    out.push(part)
    if (Array.isArray(value)) {
      out.push('0')
      value = value[0]
    }
  }
  return out.join('.')
}

/**
 * A call with each of its texts marked where the action still takes the marked words (ids, dates, codes and names of
 * records stay as they are), so a text that reaches a customer can be traced to its field.
 */
function markedTexts(
  def: ActionDefinition,
  call: Record<string, unknown>,
  at: string,
  mark: (path: string) => string,
): Record<string, unknown> {
  let marked: Record<string, unknown> = call
  const visit = (value: unknown, path: string[]) => {
    // A file's bytes and type are not words.
    if (typeof value === 'string' && /base64|content_type/.test(path.at(-1) ?? '')) return
    if (typeof value === 'string') {
      const tried = withWordsAt(marked, path, mark(path.join('.')))
      if (tried && def.input.safeParse(tried).success) marked = tried as Record<string, unknown>
    } else if (Array.isArray(value)) {
      if (value.length) visit(value[0], path)
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, [...path, k])
    }
  }
  visit(call, at ? at.split('.') : [])
  return marked
}

/** The parts of the check, each long enough to be a test file of its own on each engine, so two workers share them. */
export type CustomerTextPart = 'declared' | 'channels' | 'corpus'

/** The check of words customers read, on one engine (skipped where that engine is not at hand), for the given parts. */
export function customerTextSuite(engine: 'pglite' | 'postgres', parts: readonly CustomerTextPart[]): void {
  describe.skipIf(!bothEngines.includes(engine))(
    `words customers read are declared, and wait for the owner as declared (${engine})`,
    () => {
      let app: TestApp
      let stripe: FakeStripe
      let texts: TextsFixture
      let owner: Principal
      let agent: Principal
      const request = () => ({ requestId: randomUUID() })

      beforeAll(async () => {
        // Stripe's fake, so saving a card can be asked for.
        stripe = await startFakeStripe()
        // Texts on, with a number of the business's own, so a text's words reach the customer too.
        texts = await textsFixture()
        app = await startTestApp(engine, {
          integrations: {
            stripe: createPaymentsClient({ secretKey: 'sk_test_words', webhookSecret: 'whsec_words', apiBase: stripe.url }),
            ...texts.integrations,
          },
        })
        await texts.connect(app.t.db, app.tenant.tenant_id)
        await settings(app, { payment_instructions: PAYMENT_INSTRUCTIONS, reply_to_email: 'office@sparkle.test' })
        owner = { tenantId: app.tenant.tenant_id, actor: { type: 'user', id: app.tenant.owner_user_id, role: 'owner' } }
        const token = await app.t.admin.query<{ id: string }>('select id from agent_tokens where tenant_id = $1', [app.tenant.tenant_id])
        agent = { tenantId: app.tenant.tenant_id, actor: { type: 'agent', id: token.rows[0].id } }
        await run('settings.update', { request_slug: `words-${app.tenant.tenant_id.slice(0, 8)}` })
      }, SLOW)
      afterAll(async () => {
        await app?.close()
        await stripe?.close()
        await texts?.close()
      })

      async function run(key: string, data: unknown): Promise<any> {
        const def = app.services.registry.actions.get(key) as ActionDefinition
        return (await performAction(app.services, owner, { domain: def.domain, action: def.name, data }, request())).result
      }

      /** An input for the action naming the given records, with each free-text field's words chosen by `text`. */
      function inputFor(def: ActionDefinition, ids: Record<string, string>, seed: number, text: (path: string) => string | undefined) {
        const out: unknown[] = []
        for (const requiredOnly of [false, true]) {
          try {
            const input = synthesize(jsonSchemaOf(def.input) as JsonSchema, {
              tag: 'Words',
              seed,
              requiredOnly,
              uuidFor: (field) => ids[field.replace(/_ids?$/, '')] ?? ids[entityOfField(field) ?? ''],
              text,
            })
            if (def.input.safeParse(input).success) out.push(input)
          } catch (err) {
            if (!(err instanceof CannotSynthesize)) throw err
          }
        }
        return out
      }

      /**
       * Every agent-callable action, run once by the owner with the given words, on shared records, else on records of its
       * own. Records of their own are made ahead and kept until an action runs on them: a call refused changes nothing, so
       * the next action finds them as new (a set made for every action the shared records did not fit made 68 sets a run,
       * most for actions no records fit, whose calls are in PROBE_CALLS).
       */
      async function runEvery(text: (key: string, path: string) => string | undefined): Promise<string[]> {
        const shared = await businessRecords(run, app.t.db, owner.tenantId, 1)
        let unused: Record<string, string> | null = null
        const ran: string[] = []
        let seed = 0
        for (const def of app.services.registry.actions.values()) {
          const key = actionKey(def.domain, def.name)
          if (def.access.agent === 'never') continue
          const runsOn = async (records: Record<string, string>) => {
            for (const input of inputFor(def, records, seed++, (path) => text(key, path))) {
              try {
                await run(key, input)
                return true
              } catch (err) {
                if (!(err instanceof AppError)) throw err
              }
            }
            return false
          }
          let done = await runsOn(shared)
          if (!done) {
            unused ??= await businessRecords(run, app.t.db, owner.tenantId, 100 + seed)
            done = await runsOn(unused)
            if (done) unused = null
          }
          if (done) ran.push(key)
        }
        return ran
      }

      /**
       * Everything customers read now: an email to every customer about each of their visits and invoices, written with
       * every variable a template may use; each invoice and quote sent; every email delivered and every page it links to
       * opened; the public request page.
       */
      async function whatCustomersRead(): Promise<string> {
        const list = async (type: string) =>
          ((await performQuery(app.services, owner, { type, limit: 100 }, request())) as { items: Array<Record<string, any>> }).items
        const tryRun = async (key: string, data: unknown) =>
          run(key, data).catch((err) => (err instanceof AppError ? null : Promise.reject(err)))
        const every = await run('template.create', {
          kind: 'custom',
          name: 'Every variable',
          subject: 'Everything',
          body: Object.keys(TEMPLATE_VARIABLES)
            .map((name) => `{{${name}}}`)
            .join('\n'),
        })
        const about = { kind: 'custom', template_id: every.id }
        for (const contact of await list('contacts')) await tryRun('message.schedule', { ...about, contact_id: contact.id })
        for (const ticket of await list('tickets')) {
          await tryRun('message.schedule', { ...about, contact_id: ticket.contact_id, ticket_id: ticket.id })
          await tryRun('message.schedule', { contact_id: ticket.contact_id, ticket_id: ticket.id, kind: 'confirmation' })
        }
        for (const invoice of await list('invoices')) {
          await tryRun('message.schedule', { ...about, contact_id: invoice.contact_id, invoice_id: invoice.id })
          await tryRun('invoice.send', { invoice_id: invoice.id })
        }
        for (const quote of await list('quotes')) await tryRun('quote.send', { quote_id: quote.id })
        // What goes now, then what waits for its day (a visit's emails are dropped once it has started, so they go first).
        await deliverDue({ ...app.services, now: () => new Date(Date.now() + 120_000) })
        await deliverDue({ ...app.services, now: () => new Date(Date.now() + 5 * 365 * 86_400_000) })
        const mails = app.email.sent.map((m) => `${m.subject}\n${m.text}\n${m.html ?? ''}`)
        const links = new Set(
          mails.flatMap((m) => [...m.matchAll(/https?:\/\/[^\s"<>]+\/(pay|quote|offer|respond)\/[\w-]+/g)].map((l) => l[0])),
        )
        const pages: string[] = []
        for (const link of links) pages.push(await (await fetch(app.url + new URL(link).pathname)).text())
        const slug = (await list('settings'))[0].request_slug
        pages.push(await (await fetch(`${app.url}/r/${slug}`)).text())
        return [...mails, ...pages].join('\n').toLowerCase()
      }

      it.runIf(parts.includes('declared'))(
        'every text field an agent may fill that customers then read, in an email or on a page, is declared on its action',
        async () => {
          const marks = new Map<string, { key: string; path: string }>()
          const markFor = (key: string, path: string) => {
            const mark = `zq${marks.size + 1}x`
            marks.set(mark, { key, path: declaredPath(path) })
            return `${mark} words`
          }
          const ran = await runEvery(markFor)
          // An action whose synthesized calls the data refused runs its call from PROBE_CALLS, each text in it marked.
          const world = await wordsWorld(run, app.t.db, owner.tenantId, 700)
          for (const [name, call] of Object.entries(PROBE_CALLS)) {
            const key = name.split(' ')[0]
            if (ran.includes(key)) continue
            const def = app.services.registry.actions.get(key) as ActionDefinition
            const traced = async (w: typeof world) =>
              run(
                key,
                markedTexts(def, call(w), '', (path) => markFor(key, path)),
              )
            // A call an earlier one left its records unfit for (a visit closed already) runs on records of its own.
            await traced(world).catch(async (err) => {
              if (!(err instanceof AppError)) throw err
              await traced(await wordsWorld(run, app.t.db, owner.tenantId, 701 + ran.length))
            })
            ran.push(key)
          }
          const read = await whatCustomersRead()
          const found = [...marks].filter(([mark]) => new RegExp(`\\b${mark}\\b`).test(read)).map(([, at]) => at)
          const undeclared = found.filter(({ key, path }) => {
            const { reviewed, screened } = declaredFields(app.services.registry.actions.get(key) as ActionDefinition)
            return ![...reviewed, ...screened].includes(path)
          })
          expect(undeclared.map(({ key, path }) => `${key} ${path}`)).toEqual([])
          // The probe reaches customers at all: names, an email's words and a line's description among what it found.
          const seen = new Set(found.map(({ key, path }) => `${key} ${path}`))
          for (const expected of [
            'contact.create display_name',
            'invoice.create line_items.description',
            'invoice.create notes',
            'quote.create notes',
            'slot_offer.send note',
            'ticket.add_line_item description',
          ]) {
            expect(seen, `${expected} should reach a customer`).toContain(expected)
          }
          // Every action an agent may call was traced, or says why none of its words can reach a customer.
          const untraced = [...app.services.registry.actions.entries()]
            .filter(([key, def]) => def.access.agent !== 'never' && !ran.includes(key) && !NOT_TRACED[key] && !notTracedFamily(key))
            .map(([key]) => key)
          expect(untraced).toEqual([])
        },
        SLOW,
      )

      it.runIf(parts.includes('channels'))(
        "an agent's words pointing at another's channel in any field customers read wait for the owner every time, with no Allow Always; its words in a reviewed field wait for the owner",
        async () => {
          const world = await wordsWorld(run, app.t.db, owner.tenantId, 500)
          const unproven: string[] = []
          for (const def of app.services.registry.actions.values()) {
            if (def.access.agent === 'never' || !def.access.customerText) continue
            const key = actionKey(def.domain, def.name)
            const { reviewed, screened } = declaredFields(def)
            for (const [field, words, every] of [
              ...[...reviewed, ...screened].map((f) => [f, DIRECTIONS, true] as const),
              ...reviewed.map((f) => [f, 'Thanks for your business', false] as const),
            ]) {
              const call = wordsCallFor(key, field)
              const input = call ? withWordsAt(call(world), field.split('.'), words) : null
              if (!call || input === null) {
                unproven.push(`${key} ${field}: no call in WORDS_CALLS gives it`)
                continue
              }
              // A field with a shape of its own (a ZIP code) cannot carry the words at all: that is shown by the schema.
              if (!def.input.safeParse(input).success) {
                expect(def.input.safeParse(call(world)).success, `${key}: its call in WORDS_CALLS is not valid`).toBe(true)
                continue
              }
              const asked = await performAction(
                app.services,
                agent,
                { domain: def.domain, action: def.name, data: input, reasoning: why },
                request(),
              )
                .then((r) => ({ r }))
                .catch((err) => {
                  if (!(err instanceof AppError)) return Promise.reject(err)
                  return { refused: `${err.code} ${err.message}` }
                })
              if ('refused' in asked) {
                unproven.push(`${key} ${field}: ${asked.refused.slice(0, 200)}`)
                continue
              }
              expect(asked.r.queued, `${key} ${field} with "${words}" ran without the owner`).toBe(true)
              const id = (asked.r.result as { request_id: string }).request_id
              const stored = (await performQuery(app.services, owner, { type: 'authorization_requests', id }, request())) as any
              if (every) expect(stored.preview.asks_every_time?.join(' '), `${key} ${field}`).toMatch(/not the business's own/)
              // Ordinary words ask nothing of their own: a reason there is the call's other fields' (a numbered name of the base call).
              else
                expect(
                  (stored.preview.asks_every_time ?? []).filter((r: string) => r.includes(`(in ${concretePath(input, field)}:`)),
                  `${key} ${field}`,
                ).toEqual([])
              // What waits every time offers no Allow Always.
              if (every) {
                await expect(
                  performAction(
                    app.services,
                    owner,
                    { domain: 'authorization', action: 'decide', data: { request_id: id, decision: 'allow_always' } },
                    request(),
                  ),
                ).rejects.toThrow(/allow_always cannot apply/)
              }
            }
          }
          expect(unproven).toEqual([])
        },
        SLOW,
      )

      it.runIf(parts.includes('corpus'))(
        'every text of the corpora that must wait does so through every field customers read, and no ordinary one does',
        async () => {
          const world = await wordsWorld(run, app.t.db, owner.tenantId, 900)
          const problems: string[] = []
          let checked = 0
          for (const corpus of CORPORA) {
            await run('settings.update', {
              phone: corpus.business.phone,
              reply_to_email: corpus.business.email,
              website: corpus.business.website,
              review_link: corpus.business.review_link ?? null,
            })
            if (corpus.customer) {
              await run('contact.update', {
                contact_id: world.ids.contact,
                emails: [{ value: corpus.customer.email, primary: true }],
                phones: [{ value: corpus.customer.phone, primary: true }],
              })
            }
            // Every field's reader for this corpus, in one transaction; then each text through every field in turn. A text is
            // read once for each set of channels (the review remembers what it read for them), not once for each field.
            await withTenant(app.services.db, scopeOf(agent, `corpus-${corpus.name}`), async (tx) => {
              const owns = new Map<string, OwnChannels>()
              const readers: Array<{
                key: string
                field: string
                names: readonly string[]
                forCustomer: boolean
                heldAt: (text: string) => Promise<boolean | null>
              }> = []
              for (const def of app.services.registry.actions.values()) {
                if (def.access.agent === 'never' || !def.access.customerText) continue
                const key = actionKey(def.domain, def.name)
                const names = def.access.customerText.names ?? []
                for (const field of customerTextFields(def.access.customerText)) {
                  const call = wordsCallFor(key, field)?.(world)
                  if (!call) {
                    problems.push(`${key} ${field}: no call in WORDS_CALLS gives it`)
                    continue
                  }
                  const at = concretePath(call, field)
                  const ctx = contextOf(app.services, agent, tx, `corpus-${key}`, why, () => {})
                  // The business's channels and the customer's, read once for the field as the gate reads them for a call;
                  // the same channels are one object, so the review reads each text once for them.
                  const read = await app.services.consent.ownChannels(ctx, call)
                  const same = JSON.stringify(read)
                  const own = owns.get(same) ?? read
                  owns.set(same, own)
                  const asking = {
                    ...ctx,
                    services: { ...app.services, consent: { ...app.services.consent, ownChannels: async () => own } },
                  }
                  const heldAt = async (text: string) => {
                    const input = withWordsAt(call, field.split('.'), text)
                    if (input === null || !def.input.safeParse(input).success) return null
                    checked++
                    const reasons = await reasonsToAskEveryTime(asking, def, input)
                    return reasons.some((r) => r.includes(`(in ${at}:`))
                  }
                  // The customer's own phone and email are theirs only in words for them: a call about another record skips them.
                  const forCustomer = !corpus.customer || own.emails.includes(corpus.customer.email)
                  readers.push({ key, field, names, forCustomer, heldAt })
                }
              }
              const namesCustomer = (text: string) =>
                !!corpus.customer &&
                (text.includes(corpus.customer.email) || phoneDigitsIn(text).includes(phoneDigitsIn(corpus.customer.phone)))
              for (const t of corpus.disguised) {
                for (const { key, field, heldAt } of readers) {
                  if ((await heldAt(t.text)) === false) problems.push(`${corpus.name} ${key} ${field} let through: ${t.text}`)
                }
              }
              for (const t of corpus.ordinary) {
                for (const { key, field, names, forCustomer, heldAt } of readers) {
                  if (names.includes(field) && !isName(t)) continue
                  if (!forCustomer && namesCustomer(t.text)) continue
                  const expected = names.includes(field) && /\d/.test(t.text)
                  const held = await heldAt(t.text)
                  if (held !== null && held !== expected)
                    problems.push(`${corpus.name} ${key} ${field} ${held ? 'held' : 'let through'}: ${t.text}`)
                }
              }
            })
          }
          expect(problems.slice(0, 40)).toEqual([])
          expect(checked).toBeGreaterThan(50_000)
        },
        SLOW,
      )
    },
  )
}
