import { describe, expect, it } from 'vitest'
import { reachOf } from '../../core/kernel/access.js'
import { buildRegistry } from '../../api/product.js'
import { BY_AGENT_OR_API, placeOf } from '../../core/vocabulary/places.js'
import { pagePlaces } from '../../console/owner/search/page-places.js'
import { CAPABILITIES } from '../../core/domains/plugged-in.js'

describe('where the search sends a person for each action', () => {
  const registry = buildRegistry()
  const runnable = [...registry.actions.values()]
    .filter((def) => reachOf(def.access, 'owner') !== 'none' || reachOf(def.access, 'technician') !== 'none')
    .map((def) => `${def.domain}.${def.name}`)

  it("places every action a person may run, or marks it as the office manager's", () => {
    expect(runnable.length).toBeGreaterThan(50)
    expect(runnable.filter((key) => !registry.actions.get(key)!.place)).toEqual([])
  })

  it('calls each action a person may run something a person says', () => {
    const titleOf = (key: string) => registry.actions.get(key)!.title
    expect(runnable.filter((key) => !titleOf(key) || /_/.test(titleOf(key)!))).toEqual([])
  })

  it('sends each role to a page of its own', () => {
    const technicianPaths = pagePlaces({ capabilities: CAPABILITIES })
      .filter((p) => p.roles.includes('technician'))
      .map((p) => p.path)
    for (const key of runnable) {
      const def = registry.actions.get(key)!
      const forOwner = placeOf(def.place, 'owner')
      if (def.place !== BY_AGENT_OR_API) expect(forOwner?.path, key).toMatch(/^\//)
      const forTechnician = placeOf(def.place, 'technician')
      if (reachOf(def.access, 'technician') !== 'none' && forTechnician) {
        expect(
          technicianPaths.some((path) => forTechnician.path.startsWith(path.split('?')[0])),
          `${key}: ${forTechnician.path}`,
        ).toBe(true)
      }
    }
  })
})
