import type { ActionDefinition } from '../kernel/registry.js'

/** The owner's areas of the business, in the order the permissions page shows them. */
export const AREAS = [
  'Customers',
  'Appointments',
  'Invoices',
  'Leads and waiting list',
  'Emails to customers',
  'Your business',
  'Other',
] as const

/** One of the owner's areas of the business. */
export type Area = (typeof AREAS)[number]

/** How the permissions page speaks of an action: its area, and what it lets the agent do, completing "the agent may ...". */
export interface ActionWords {
  /** Its area, when not its domain's (the front file's \`area\`). */
  area?: Area
  phrase?: string
}

/** The area an action belongs to, for grouping. */
export function areaOf(def: Pick<ActionDefinition, 'words'>): Area {
  return def.words?.area ?? 'Other'
}

/** What the action lets the agent do, completing "the agent may ...": its declared phrase, else the first sentence of its description. */
export function phraseOf(def: Pick<ActionDefinition, 'words' | 'description'>): string {
  const known = def.words?.phrase
  if (known) return known
  const first = def.description.split(/\.(\s|$)/)[0]
  return first.charAt(0).toLowerCase() + first.slice(1)
}
