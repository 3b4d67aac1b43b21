import { readdirSync } from 'node:fs'
import { dirname, extname, join, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { lookupTable } from '../kernel/lookup-table.js'
import type { KindDeclaration, RecordValues, TemplateVariables } from './messages/message-kind.js'

const here = fileURLToPath(import.meta.url)

/** What the domains' `message-kinds` files declare: the kinds of email, and the values their records give templates. */
interface Declared {
  kinds: Map<string, KindDeclaration>
  values: RecordValues[]
  variables: Record<string, string>
}

/**
 * The declarations in every domain's `message-kinds` file, read from those files themselves and not from the front files,
 * so that the messages domain can read the collection while its own front file loads.
 */
async function discover(folder: string, extension: string): Promise<Declared> {
  const files = readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => join(folder, e.name, `message-kinds${extension}`))
    .filter((file) => readdirSync(dirname(file)).includes(`message-kinds${extension}`))
    // The messages domain's own kinds first (the emails about an appointment, which every business sends), then by folder.
    .sort((a, b) => Number(!a.includes(`${sep}messages${sep}`)) - Number(!b.includes(`${sep}messages${sep}`)) || a.localeCompare(b))
  const declared: Declared = { kinds: new Map(), values: [], variables: {} }
  for (const file of files) {
    const mod = (await import(pathToFileURL(file).href)) as {
      messageKinds?: readonly KindDeclaration[]
      messageValues?: readonly RecordValues[]
      templateVariables?: TemplateVariables
    }
    if (!mod.messageKinds && !mod.messageValues) throw new Error(`${file} exports neither messageKinds nor messageValues`)
    for (const k of mod.messageKinds ?? []) {
      if (declared.kinds.has(k.kind)) throw new Error(`${file}: the message kind ${k.kind} is declared twice`)
      declared.kinds.set(k.kind, k)
    }
    declared.values.push(...(mod.messageValues ?? []))
    for (const [name, about] of Object.entries(mod.templateVariables ?? {})) {
      if (Object.hasOwn(declared.variables, name)) throw new Error(`${file}: the template variable ${name} is declared twice`)
      declared.variables[name] = about
    }
  }
  return declared
}

const declared = await discover(dirname(here), extname(here))

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
