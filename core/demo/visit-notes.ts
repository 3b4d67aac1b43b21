import type { DemoCustomer, DemoRandom } from './demo-context.js'

/** A fact about the customer, as the close-out keeps it. */
export interface LearnedFact {
  key: string
  value: string | number | boolean
}

/** What a technician writes after a visit and the facts about the customer it teaches (the close-out's confirmed attributes). */
export interface VisitNote {
  text: string
  facts: LearnedFact[]
}

/** One thing a technician notices at a house: the sentence and what it teaches, or nothing when it does not fit this customer. */
type Observation = (c: DemoCustomer, r: DemoRandom) => VisitNote | null

const OBSERVATIONS: Observation[] = [
  (_, r) => {
    const feet = r.pick([24, 28, 32])
    return {
      text: `Used the ${feet} ft extension ladder on the back; the lot slopes away from the house.`,
      facts: [{ key: 'equipment', value: `extension ladder ${feet} ft` }],
    }
  },
  (_, r) => {
    const where = r.pick(['sunroom', 'south-facing', 'back door', 'bathroom'])
    return {
      text: `Hard water stains on the ${where} glass; told the customer a restoration treatment would take them off.`,
      facts: [{ key: 'hard_water_stains', value: `${where} glass` }],
    }
  },
  (c) =>
    c.dog
      ? {
          text: `${c.dog} was out in the back yard; the customer brought the dog in before we started.`,
          facts: [{ key: 'pet', value: `dog ${c.dog}` }],
        }
      : null,
  (c, r) =>
    c.screens
      ? {
          text: `Counted ${c.screens} screens, ${r.pick(['two', 'one', 'three'])} of them bent; the customer will replace them.`,
          facts: [{ key: 'screens', value: c.screens }],
        }
      : null,
  () => ({
    text: 'Park on the street: the driveway is too steep for the van.',
    facts: [{ key: 'parking', value: 'street, steep driveway' }],
  }),
  (_, r) => {
    const n = r.int(1, 4)
    return {
      text: `${n} skylight${n > 1 ? 's' : ''}, reached from the garage roof with the harness.`,
      facts: [{ key: 'skylights', value: n }],
    }
  },
  () => ({
    text: 'Customer asked for a text when we are on the way; works from home.',
    facts: [{ key: 'contact_preference', value: 'text when on the way' }],
  }),
  (_, r) => {
    const code = String(r.int(1000, 9999))
    return { text: `Gate code is now ${code}.`, facts: [{ key: 'gate_code', value: code }] }
  },
  () => ({
    text: 'Wasps nesting under the eave by the back door; sprayed them, check again next visit.',
    facts: [{ key: 'hazard', value: 'wasps under the back eave' }],
  }),
  (_, r) => {
    const panes = r.int(10, 24)
    return { text: `Sunroom has ${panes} panes; plan an extra half hour for it.`, facts: [{ key: 'sunroom_panes', value: panes }] }
  },
  () => ({ text: 'Upstairs windows tilt in; did them from inside.', facts: [{ key: 'windows', value: 'tilt-in upstairs' }] }),
  () => ({ text: 'Pollen thick in the window tracks; vacuumed and wiped them.', facts: [] }),
  () => ({ text: 'All windows done; the customer walked around with us and was happy with the result.', facts: [] }),
  () => ({ text: 'Rain started at the end; rinsed the front again before leaving.', facts: [] }),
]

/** What the technician wrote after a visit: one or two things noticed, or null for a visit closed without notes. */
export function visitNote(customer: DemoCustomer, r: DemoRandom): VisitNote | null {
  if (!r.chance(0.75)) return null
  const seen: VisitNote[] = []
  for (let tries = 0; seen.length < (r.chance(0.4) ? 2 : 1) && tries < 6; tries++) {
    const note = r.pick(OBSERVATIONS)(customer, r)
    if (note && !seen.some((s) => s.text === note.text || s.facts.some((f) => note.facts.some((g) => g.key === f.key)))) seen.push(note)
  }
  return { text: seen.map((s) => s.text).join(' '), facts: seen.flatMap((s) => s.facts) }
}
