import { describe, expect, it } from 'vitest'
import { buildRegistry } from '../../api/product.js'
import { areaOf } from '../../core/text/action-words.js'

describe('how the permissions page speaks of each action', () => {
  const actions = [...buildRegistry().actions.values()]

  it('gives every declared phrase as words that complete "the agent may ..."', () => {
    const phrased = actions.filter((def) => def.words?.phrase)
    expect(phrased.length).toBeGreaterThan(50)
    const odd = phrased.filter(({ words }) => !/^[a-z]/.test(words!.phrase!) || /[._]$|_/.test(words!.phrase!))
    expect(odd.map((def) => `${def.domain}.${def.name}: ${def.words!.phrase}`)).toEqual([])
  })

  it('puts every action of a domain in one area of the business', () => {
    const areasByDomain = new Map<string, Set<string>>()
    for (const def of actions) areasByDomain.set(def.domain, (areasByDomain.get(def.domain) ?? new Set()).add(areaOf(def)))
    const split = [...areasByDomain].filter(([, areas]) => areas.size > 1)
    expect(split.map(([domain, areas]) => `${domain}: ${[...areas].join(', ')}`)).toEqual([])
  })

  it("never tells the agent who may call in words that disagree with the action's declared access", () => {
    // Words an agent reads as "not for you": true only when neither the agent nor a technician may call.
    const ownerOnly = /\(owners? only\)|\bowners? only[:.]/i
    const wrong = actions.filter(
      (def) =>
        ownerOnly.test(`${def.description} ${def.title ?? ''}`) && (def.access.agent !== 'never' || def.access.technician !== 'none'),
    )
    expect(wrong.map((def) => `${def.domain}.${def.name}: agent ${def.access.agent}, technician ${def.access.technician}`)).toEqual([])
    // An agent told "never" is refused: always, or for the inputs its refuseAgent names.
    const never = /\b(an |the )?agents? (may|can) never\b/i
    const loose = actions.filter((def) => never.test(def.description) && def.access.agent !== 'never' && !def.access.refuseAgent)
    expect(loose.map((def) => `${def.domain}.${def.name}`)).toEqual([])
  })
})
