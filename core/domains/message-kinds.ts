import { lookupTable } from '../kernel/lookup-table.js'
import { MESSAGE_KIND_FILES } from './message-kind-files.js'
import type { KindDeclaration, RecordValues, TemplateSamples, TemplateVariables } from './messages/message-kind.js'

/** What one domain's `message-kinds` file may export. */
interface KindFile {
  messageKinds?: readonly KindDeclaration[]
  messageValues?: readonly RecordValues[]
  templateVariables?: TemplateVariables
  templateSamples?: TemplateSamples
}

/**
 * The domains' `message-kinds` files from the generated index (message-kind-files.ts): the messages domain's own first
 * (the emails about an appointment, which every business sends), then by folder.
 */
const FILES: Array<[string, KindFile]> = Object.entries(MESSAGE_KIND_FILES as Record<string, KindFile>).sort(
  ([a], [b]) => Number(!a.startsWith('messages/')) - Number(!b.startsWith('messages/')) || a.localeCompare(b),
)

/** Each file's declarations, in FILES' order; a kind or a variable declared twice stops start-up, naming the file. */
function collect(): {
  kinds: Map<string, KindDeclaration>
  values: RecordValues[]
  variables: Record<string, string>
  samples: TemplateSamples[]
} {
  const kinds = new Map<string, KindDeclaration>()
  const values: RecordValues[] = []
  const variables: Record<string, string> = {}
  const samples: TemplateSamples[] = []
  for (const [file, mod] of FILES) {
    if (!mod.messageKinds && !mod.messageValues) throw new Error(`${file} exports neither messageKinds nor messageValues`)
    for (const k of mod.messageKinds ?? []) {
      if (kinds.has(k.kind)) throw new Error(`${file}: the message kind ${k.kind} is declared twice`)
      if (!k.template && !k.text) throw new Error(`${file}: the message kind ${k.kind} has neither a template nor words as a text`)
      kinds.set(k.kind, k)
    }
    values.push(...(mod.messageValues ?? []))
    if (mod.templateSamples) samples.push(mod.templateSamples)
    for (const [name, about] of Object.entries(mod.templateVariables ?? {})) {
      if (Object.hasOwn(variables, name)) throw new Error(`${file}: the template variable ${name} is declared twice`)
      variables[name] = about
    }
  }
  return { kinds, values, variables, samples }
}

const declared = collect()

/**
 * Every kind of email: a domain's `message-kinds` file exports `messageKinds`, the kinds it owns. No file lists kinds by
 * name; a kind declared twice stops start-up.
 */
export const KIND_DECLARATIONS: ReadonlyMap<string, KindDeclaration> = declared.kinds

/**
 * What the records a message can be about give its template: a domain's `message-kinds` file exports `messageValues` for
 * the records it owns (a visit, an invoice, a quote, a plan), so rendering reads no other domain's tables.
 */
export const RECORD_VALUES: readonly RecordValues[] = declared.values

/**
 * Every variable a message template may use, with what it holds when a message is rendered: each domain's
 * `message-kinds` file exports `templateVariables`, those it fills. A value the system does not know for a message (no
 * appointment, no invoice, a link made only at delivery) renders as empty text.
 */
export const TEMPLATE_VARIABLES: TemplateVariables = lookupTable(declared.variables)

/** Each domain's made-up values of its variables, for a template preview without a real customer (`templateSamples`). */
export const TEMPLATE_SAMPLES: readonly TemplateSamples[] = declared.samples

/** The kinds that may go by text (their declaration has `text`): a customer who chose texts gets these by text. */
export const TEXT_KINDS: readonly string[] = [...declared.kinds.values()].filter((k) => k.text).map((k) => k.kind)

/** The kinds that only ever go by text: declared with words as a text and no template. */
export const TEXT_ONLY_KINDS: readonly string[] = [...declared.kinds.values()].filter((k) => !k.template).map((k) => k.kind)
