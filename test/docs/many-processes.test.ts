import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EXAMPLE_BALANCER, EXAMPLE_POOLER, haproxyCfg, pgbouncerIni } from '../../bench/balancer-config.js'
import { root } from '../helpers/build.js'

const doc = readFileSync(join(root, 'docs/many-processes.md'), 'utf8')

/** The text of the doc's first code block of this language. */
function block(language: string): string {
  const m = new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``).exec(doc)
  expect(m, `a ${language} block`).not.toBeNull()
  return m![1]
}

describe('docs/many-processes.md', () => {
  it('shows the HAProxy and PgBouncer configuration the test runs, as bench/balancer-config.ts writes it', () => {
    expect(block('haproxy')).toBe(haproxyCfg(EXAMPLE_BALANCER))
    expect(block('ini')).toBe(pgbouncerIni(EXAMPLE_POOLER))
  })

  it('names only settings the product reads, and the limits PgBouncer sets are the product defaults', () => {
    const config = readFileSync(join(root, 'core/kernel/config.ts'), 'utf8')
    const named = [...doc.matchAll(/`((?:CRM|RESEND)_[A-Z0-9_]+|DATABASE_URL|PUBLIC_BASE_URL|TRUST_PROXY|PORT)`/g)].map((m) => m[1])
    expect(named.length).toBeGreaterThan(5)
    expect([...new Set(named)].filter((name) => !config.includes(name))).toEqual([])
    expect(pgbouncerIni(EXAMPLE_POOLER)).toContain('SET statement_timeout = 15000; SET idle_in_transaction_session_timeout = 60000')
  })
})
