import { z } from 'zod'
import { recordLlmUsage } from '../../clients/llm-usage.js'
import type { Principal, Services } from '../../kernel/context.js'
import type { BackgroundCall } from '../../kernel/background-step.js'
import { performAction, performQuery } from '../../kernel/operations.js'
import { ATTRIBUTE_KEY } from '../attributes/model.js'
import type { ExtractedAttribute, ExtractionStatus } from './model.js'

/** How long a technician waits for the model per attempt (there is one retry). */
const EXTRACTION_TIMEOUT_MS = 5_000

/** The answer the model must give: facts about the customer and the property, each a snake_case key and a short value. */
const customerFacts = z.strictObject({
  attributes: z
    .array(
      z.strictObject({
        key: z.string().regex(ATTRIBUTE_KEY),
        value: z.string().min(1).max(200),
        confidence: z.number().min(0).max(1),
      }),
    )
    .max(20),
})

const SYSTEM = `You read a field technician's notes from a service visit (window cleaning and similar home services) and list facts
worth remembering for the next visit, about the customer and the property. Answer only with JSON matching the schema.
Each fact: key in snake_case (for example customer_demographic, property_screen_count, pet, pet_name, gate_instructions,
parking, access_notes, service_duration_note, preferred_contact_time), value a short plain text, confidence from 0 to 1.
Only facts the notes state; never invent. No card numbers or other payment details. An empty list when there is nothing.`

/** What reading the notes produced: facts, or a status that says why there are none. */
export interface ExtractionOutcome {
  status: Exclude<ExtractionStatus, 'pending'>
  message: string
  attributes: ExtractedAttribute[]
}

/** Reads customer facts from notes with the configured model; never an empty success when something went wrong. */
export async function extractCustomerFacts(services: Services, tenantId: string, notes: string): Promise<ExtractionOutcome> {
  if (!notes.trim()) return { status: 'empty', message: 'No notes to read; add facts by hand if there are any.', attributes: [] }
  if (!services.llm) {
    return {
      status: 'off',
      message: 'Extraction is off: no model is configured (LLM_BASE_URL and LLM_MODEL). Add facts by hand.',
      attributes: [],
    }
  }
  const r = await services.llm.extract({
    name: 'customer_facts',
    schema: customerFacts,
    system: SYSTEM,
    text: notes,
    tenantId,
    timeoutMs: EXTRACTION_TIMEOUT_MS,
  })
  await recordLlmUsage(services.db, tenantId, 'closeout_extraction', services.llm.model, r)
  if (!r.ok) {
    const why =
      r.reason === 'timeout'
        ? 'the model did not answer in time'
        : r.reason === 'unavailable'
          ? 'the model could not be reached'
          : "the model's answer was not usable"
    return { status: 'failed', message: `Extraction failed: ${why}. Add facts by hand.`, attributes: [] }
  }
  const seen = new Set<string>()
  const attributes = r.value.attributes.filter((a) => !seen.has(a.key) && seen.add(a.key))
  return {
    status: 'ok',
    message: attributes.length
      ? `${attributes.length} fact(s) read from the notes: keep, edit or drop each.`
      : 'The notes were read; they hold no facts to keep. Add any by hand.',
    attributes,
  }
}

/**
 * Reads the close-out's notes when they are waiting to be read (closeout.save_notes's background step, and a confirmation
 * that finds them still waiting), one reading per close-out at a time: a second asker shares the reading under way
 * instead of asking the model again. Returns the close-out as it is afterwards.
 */
export function readCloseoutNotes(call: BackgroundCall, ticketId: string): Promise<Record<string, unknown>> {
  return call.services.background.join(`closeout-notes:${call.principal.tenantId}:${ticketId}`, () =>
    runCloseoutExtraction(call.services, call.principal, ticketId, call.requestId),
  )
}

/**
 * Reads the close-out's notes when they changed since the last reading, outside any transaction (the model may take
 * seconds), and stores the outcome; returns the close-out as it is afterwards.
 */
async function runCloseoutExtraction(
  services: Services,
  principal: Principal,
  ticketId: string,
  requestId: string,
): Promise<Record<string, unknown>> {
  const view = (await performQuery(services, principal, { type: 'closeouts', id: ticketId }, { requestId })) as Record<string, any>
  if (view.extraction?.status !== 'pending' || view.completed_at) return view
  const notes = String(view.notes ?? '')
  const outcome = await extractCustomerFacts(services, principal.tenantId, notes)
  const stored = await performAction(
    services,
    principal,
    {
      domain: 'closeout',
      action: 'record_extraction',
      data: { ticket_id: ticketId, for_notes: notes, ...outcome },
    },
    { requestId },
  )
  return stored.result as Record<string, unknown>
}
