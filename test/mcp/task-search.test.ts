import { describe, expect, it } from 'vitest'
import { domainRegistry } from '../../core/kernel/services.js'
import { answerTask } from '../../mcp/task-answer.js'
import { TOOLS } from '../../mcp/server.js'
import { PHRASINGS } from './task-phrasings.js'

const registry = domainRegistry()
const agent = { type: 'agent' as const, id: '00000000-0000-4000-8000-000000000001' }
// The words of a window cleaner's catalog, as crm_capabilities reads them from the business's services.
const catalog = new Set(['interior', 'and', 'exterior', 'window', 'cleaning', 'screen', 'gutter', 'pressure', 'washing'])
const found = (q: string) =>
  answerTask(registry, TOOLS, agent, q, { date: '2026-12-01', dateTime: '2026-12-01T09:00:00-06:00' }, catalog).map(
    (m) => m.action ?? m.type ?? m.tool,
  )

describe('crm_capabilities {q}: tasks in plain words find their action', () => {
  it('names only actions, data types and tools that exist and an agent may use', () => {
    const known = new Set([...registry.actions.keys(), ...registry.queries.keys(), ...TOOLS.map((t) => t.name)])
    const strays = PHRASINGS.flatMap(([, ...ids]) => ids.filter((id) => !known.has(id)))
    expect(strays).toEqual([])
  })

  it('has the right one in the top three for at least 95% of at least 80 phrasings', () => {
    expect(PHRASINGS.length).toBeGreaterThanOrEqual(80)
    const misses = PHRASINGS.filter(([q, ...ids]) => !found(q).some((id) => ids.includes(id as string))).map(([q, ...ids]) => ({
      q,
      wanted: ids,
      got: found(q),
    }))
    if (misses.length) console.log(misses.map((m) => `${m.q} => ${m.wanted.join('|')} got ${m.got.join(',')}`).join('\n'))
    expect(misses.length / PHRASINGS.length).toBeLessThanOrEqual(0.05)
  })
})
