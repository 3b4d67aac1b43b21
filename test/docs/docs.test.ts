import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { root } from '../helpers/build.js'
import { brokenLinks, headingAnchor } from './markdown-links.js'

/** The README is a front door: what the product is, the two commands, connecting an agent, where to read more. */
const README_MAX_BYTES = 10 * 1024

const readme = join(root, 'README.md')
const docsDir = join(root, 'docs')
const docs = readdirSync(docsDir)
  .filter((name) => name.endsWith('.md'))
  .map((name) => join(docsDir, name))

/** The environment variables core/kernel/config.ts reads: `env.NAME`, and names it passes to its readers as strings. */
function configVariables(): string[] {
  const source = readFileSync(join(root, 'core/kernel/config.ts'), 'utf8')
  const names = new Set<string>()
  for (const m of source.matchAll(/\benv\.([A-Z][A-Z0-9_]*)\b/g)) names.add(m[1])
  for (const m of source.matchAll(/'([A-Z][A-Z0-9]*_[A-Z0-9_]*)'/g)) names.add(m[1])
  return [...names].sort()
}

describe('the README and docs/', () => {
  it(`README.md stays under ${README_MAX_BYTES / 1024} KB`, () => {
    expect(statSync(readme).size).toBeLessThan(README_MAX_BYTES)
  })

  it('README.md keeps the two commands as a shell block', () => {
    expect(readFileSync(readme, 'utf8')).toMatch(/```sh\nnpm install && npm start[^\n]*\nnpm test[^\n]*\n```/)
  })

  it('every relative link of README.md and docs/*.md leads to a file and heading that exist', () => {
    expect(docs.length).toBeGreaterThan(0)
    expect([readme, ...docs].flatMap(brokenLinks)).toEqual([])
  })

  it('README.md links every file of docs/', () => {
    const text = readFileSync(readme, 'utf8')
    const unlisted = docs.map((file) => `docs/${file.slice(docsDir.length + 1)}`).filter((path) => !text.includes(`](${path})`))
    expect(unlisted).toEqual([])
  })

  it('docs/configuration.md names every environment variable core/kernel/config.ts reads', () => {
    const variables = configVariables()
    expect(variables).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'CRM_DB_STATEMENT_TIMEOUT_MS', 'CRM_S3_ENDPOINT']))
    const configuration = readFileSync(join(docsDir, 'configuration.md'), 'utf8')
    expect(variables.filter((name) => !configuration.includes(`\`${name}\``))).toEqual([])
  })
})

describe('the link check', () => {
  it('reports a link to a missing file and to a missing heading, and passes good ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-links-'))
    writeFileSync(join(dir, 'other.md'), '# Other page\n\n## Some part\n')
    writeFileSync(
      join(dir, 'page.md'),
      [
        '# Page',
        '[fine](other.md) [fine too](other.md#some-part) [here](#page) [site](https://example.com/x.md)',
        '`[in code](missing-in-code.md)`',
        '[gone](missing.md)',
        '[no such part](other.md#nowhere)',
      ].join('\n'),
    )
    const broken = brokenLinks(join(dir, 'page.md'))
    expect(broken).toHaveLength(2)
    expect(broken[0]).toContain(':4 links to missing.md')
    expect(broken[1]).toContain(':5 links to other.md#nowhere')
  })

  it('makes anchors as GitHub does', () => {
    expect(headingAnchor("Signing in, permissions and the owner's approval")).toBe('signing-in-permissions-and-the-owners-approval')
    expect(headingAnchor('Connect Claude, ChatGPT, VS Code or Cursor')).toBe('connect-claude-chatgpt-vs-code-or-cursor')
  })
})
