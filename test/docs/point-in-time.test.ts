import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { root } from '../helpers/build.js'

const doc = readFileSync(join(root, 'docs/point-in-time.md'), 'utf8')
const deployed = (name: string) => readFileSync(join(root, 'deploy/pgbackrest', name), 'utf8')

/** The text of every code block of this language in the doc, in order. */
function blocks(language: string): string[] {
  return [...doc.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1])
}

describe('docs/point-in-time.md', () => {
  it('shows the files of deploy/pgbackrest/ that test/deploy/point-in-time.test.ts runs, as they are', () => {
    expect(blocks('ini')).toEqual([deployed('pgbackrest.conf'), deployed('postgresql-archiving.conf')])
    expect(blocks('cron')).toEqual([deployed('pgbackrest-crm.cron')])
  })
})
