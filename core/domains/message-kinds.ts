import { readdirSync } from 'node:fs'
import { dirname, extname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { KindDeclaration } from './messages/message-kind.js'

const here = fileURLToPath(import.meta.url)

/**
 * The declarations in every domain's `message-kinds` file, read from those files themselves and not from the front files,
 * so that the messages domain can read the collection while its own front file loads.
 */
async function discoverKinds(folder: string, extension: string): Promise<Map<string, KindDeclaration>> {
  const files = readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => join(folder, e.name, `message-kinds${extension}`))
    .filter((file) => readdirSync(dirname(file)).includes(`message-kinds${extension}`))
    .sort()
  const kinds = new Map<string, KindDeclaration>()
  for (const file of files) {
    const declared = ((await import(pathToFileURL(file).href)) as { messageKinds?: readonly KindDeclaration[] }).messageKinds
    if (!declared) throw new Error(`${file} exports no messageKinds`)
    for (const k of declared) {
      if (kinds.has(k.kind)) throw new Error(`${file}: the message kind ${k.kind} is declared twice`)
      kinds.set(k.kind, k)
    }
  }
  return kinds
}

/**
 * Every kind of email: a domain's `message-kinds` file exports `messageKinds`, the kinds it owns. No file lists kinds by
 * name; a kind declared twice stops start-up.
 */
export const KIND_DECLARATIONS: ReadonlyMap<string, KindDeclaration> = await discoverKinds(dirname(here), extname(here))
