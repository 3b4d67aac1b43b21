import type { PersonApi } from './person-api.js'

/** The new customer of the design record's Appendix D, as she gave her details on the phone. */
export const JANE = {
  name: 'Jane Smith',
  first_name: 'Jane',
  last_name: 'Smith',
  email: 'jane@example.com',
  phone: '(256) 555-0142',
  address: { line1: '123 Main Street', city: 'Madison', state: 'AL', postal_code: '35758' },
}

/** The technician who does the job. */
export const TECHNICIAN = { email: 'sam@sparkle.test', name: 'Sam Tech' }

/** The flexible-price service of Appendix D, and the per-screen one done beside it. */
export const WINDOWS = 'Interior and Exterior Window Cleaning'
export const SCREENS = 'Screen Cleaning'

/**
 * What the business has before the lifecycle starts, entered by the owner through the API: how customers pay, a catalog
 * and a technician. Jane is not on file: the agent adds her. Returns the technician's user id (for signing them in),
 * never given to the agent.
 */
export async function setUpBusiness(owner: PersonApi): Promise<{ technicianId: string }> {
  // How customers pay, printed on invoices: without it (and without Stripe) invoices are not emailed.
  await owner.action('settings', 'update', { payment_instructions: 'Checks payable to Sparkle Windows, or cash to the technician' })
  const technician = await owner.action('user', 'add', { ...TECHNICIAN, role: 'technician' })
  await owner.action('service', 'create', { name: WINDOWS, pricing: 'flexible', price_cents: 45_000, default_duration_minutes: 180 })
  await owner.action('service', 'create', { name: SCREENS, pricing: 'per_unit', price_cents: 500, unit_name: 'screen' })
  await owner.action('service', 'create', { name: 'Gutter Cleaning', pricing: 'fixed', price_cents: 18_000, default_duration_minutes: 120 })
  return { technicianId: String(technician.id) }
}
