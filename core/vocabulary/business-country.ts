import { type CountryCode, getCountries } from 'libphonenumber-js/max'
import type { Queryable } from '../db/types.js'
import { dateFormat } from '../text/date-format.js'
import { loadTenantSettings } from './business-settings.js'

// Each time zone's country, from the runtime's own region data (ICU), read once.
let countryOfZone: Map<string, CountryCode> | null = null
// The answer for each zone name asked about: a name never changes its country within a process.
const byZoneName = new Map<string, CountryCode | undefined>()

/**
 * The country of a business, told by its time zone (any of its names: US/Central is America/Chicago, so the United
 * States); undefined for a zone of no one country (UTC). The tenant holds no country of its own; its zone says it.
 */
export function businessCountry(timeZone: string): CountryCode | undefined {
  if (!countryOfZone) {
    countryOfZone = new Map()
    for (const country of getCountries()) {
      const locale = new Intl.Locale(`und-${country}`) as Intl.Locale & { timeZones?: string[]; getTimeZones?: () => string[] }
      for (const zone of locale.getTimeZones?.() ?? locale.timeZones ?? []) if (!countryOfZone.has(zone)) countryOfZone.set(zone, country)
    }
  }
  if (byZoneName.has(timeZone)) return byZoneName.get(timeZone)
  let country: CountryCode | undefined
  try {
    country = countryOfZone.get(dateFormat('en-US', { timeZone }).resolvedOptions().timeZone)
  } catch {
    country = undefined
  }
  // Bounded: zone names come from callers too.
  if (byZoneName.size < 1000) byZoneName.set(timeZone, country)
  return country
}

/** The country of the transaction's tenant (see businessCountry), from its settings: an action sent them with BEGIN. */
export async function tenantCountry(tx: Queryable): Promise<CountryCode | undefined> {
  return businessCountry((await loadTenantSettings(tx)).timezone)
}
