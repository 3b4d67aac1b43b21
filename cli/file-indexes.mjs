// The typed indexes of the files found by convention (each domain's front file, link kinds, kinds of email, personal data, the owner's and
// the customers' pages, the capabilities' parts of the owner's pages): generated from the folders, checked in, and
// written again by every build (cli/launch.mjs) and by `npm run generate`, so the compiler and an editor follow every
// one of them. Plain JavaScript because it runs before anything is compiled.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'

/** A file's last part of its path. */
const last = (parts) => parts[parts.length - 1]

/**
 * Every index: where it is written, the name of what it exports, the folder its files are found under (the index sits
 * in it), which files (by their path's parts below that folder) and how they are ordered: `folders` by folder then file
 * name, `path` by the whole path as text.
 */
export const FILE_INDEXES = [
  {
    index: 'core/domains/front-files.ts',
    name: 'FRONT_FILES',
    what: "Every domain's front file, by its path, in the order of the domains' names.",
    match: (parts) => parts.length === 2 && parts[1] === 'index.ts',
    order: 'folders',
    everyFolderHas: 'index.ts',
  },
  {
    index: 'core/domains/link-files.ts',
    name: 'LINK_FILES',
    what: "Every domain's files of secret link kinds (`*-links`), by path.",
    match: (parts) => parts.length === 2 && parts[1].endsWith('-links.ts'),
    order: 'folders',
  },
  {
    index: 'core/domains/message-kind-files.ts',
    name: 'MESSAGE_KIND_FILES',
    what: "Every domain's kinds of email, values and template variables (`message-kinds`), by path.",
    match: (parts) => parts.length === 2 && parts[1] === 'message-kinds.ts',
    order: 'folders',
  },
  {
    index: 'core/domains/personal-data-files.ts',
    name: 'PERSONAL_DATA_FILES',
    what: "Every domain's personal-data declarations (`personal-data` or `*-personal-data`, at any depth), by path.",
    match: (parts) => parts.length >= 2 && (last(parts) === 'personal-data.ts' || last(parts).endsWith('-personal-data.ts')),
    order: 'path',
  },
  {
    index: 'console/owner/page-files.ts',
    name: 'PAGE_FILES',
    what: "Every owner page file (`*-page` in a domain's folder), by path.",
    match: (parts) => parts.length === 2 && parts[1].endsWith('-page.ts'),
    order: 'folders',
  },
  {
    index: 'console/owner/part-files.ts',
    name: 'PART_FILES',
    what: "The capabilities' parts of the owner's pages (a folder's `home-card`, `record-line` and `numbers-section`), by path.",
    match: (parts) => parts.length === 2 && ['home-card.ts', 'record-line.ts', 'numbers-section.ts'].includes(parts[1]),
    order: 'folders',
  },
  {
    index: 'console/customer/page-files.ts',
    name: 'PAGE_FILES',
    what: 'Every public page file (`*-page` or `*-pages`), by path.',
    match: (parts) => parts.length === 1 && /-pages?\.ts$/.test(parts[0]),
    order: 'folders',
  },
]

/** A path as a JavaScript name: agent-tokens/index.ts is agentTokensIndex. */
function identifierOf(path) {
  return path.replace(/\.ts$/, '').replace(/[-/.]([a-zA-Z0-9])/g, (_, c) => c.toUpperCase())
}

/** Compares two paths folder by folder, then by file name. */
function byFolders(a, b) {
  const x = a.split('/')
  const y = b.split('/')
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1
  return x.length - y.length
}

/** The text of one index, read from the folders under `root`. A folder missing what every folder must have is refused, naming it. */
export function indexText(root, spec) {
  const index = join(root, spec.index)
  const under = join(index, '..')
  if (spec.everyFolderHas) {
    for (const e of readdirSync(under, { withFileTypes: true })) {
      if (e.isDirectory() && !existsSync(join(under, e.name, spec.everyFolderHas)))
        throw new Error(`Domain folder ${e.name} has no front file ${spec.everyFolderHas} exporting its operations`)
    }
  }
  const paths = readdirSync(under, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(under, join(e.parentPath, e.name)).split(/[\\/]/).join('/'))
    .filter((path) => spec.match(path.split('/')))
    .sort(spec.order === 'path' ? undefined : byFolders)
  return [
    `// Generated from the folders beside it by cli/file-indexes.mjs (every build, and npm run generate): do not edit.`,
    '// test/architecture/file-indexes.test.ts fails when it no longer matches the folders.',
    ...paths.map((p) => `import * as ${identifierOf(p)} from './${p.replace(/\.ts$/, '.js')}'`),
    '',
    `/** ${spec.what} */`,
    `export const ${spec.name} = {`,
    ...paths.map((p) => `  '${p}': ${identifierOf(p)},`),
    '} as const',
    '',
  ].join('\n')
}

/** Writes every index under `root` whose text changed; returns the ones it wrote. */
export function writeFileIndexes(root) {
  const written = []
  for (const spec of FILE_INDEXES) {
    const text = indexText(root, spec)
    const file = join(root, spec.index)
    if (existsSync(file) && readFileSync(file, 'utf8') === text) continue
    writeFileSync(file, text)
    written.push(spec.index)
  }
  return written
}
