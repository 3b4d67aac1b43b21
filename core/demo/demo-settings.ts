/** The demo's own settings, so its emails carry a reply-to and a phone, and its invoices a way to pay. */
export const DEMO_SETTINGS = {
  reply_to_email: 'dana@demo-windows.test',
  phone: '(256) 555-0100',
  payment_instructions:
    'Checks payable to Rocket City Window Cleaning, mailed to PO Box 1402, Huntsville, AL 35807, or handed to your technician. ' +
    'Cash at the door is welcome too.',
}

/** The demo settings a business has not set yet (what it set stays its own), as settings.update data; empty when none. */
export function demoSettingsToSet(current: {
  reply_to_email: string | null
  phone: string | null
  payment_instructions: string | null
}): Partial<typeof DEMO_SETTINGS> {
  return Object.fromEntries(Object.entries(DEMO_SETTINGS).filter(([key]) => !current[key as keyof typeof DEMO_SETTINGS]?.trim()))
}

/** The demo's home base, downtown Huntsville, where its routes start and end. */
export const DEMO_HOME_BASE = { label: 'The shop, Church St SW', latitude: 34.7304, longitude: -86.5861 }
