/** An address as it is sent to a geocoder: its id comes back with its answer. */
export interface AddressToLocate {
  id: string
  line1: string
  city: string
  state: string
  postal_code: string
  country: string
}

/** What a geocoder said of one address: a point and the address it matched, or no match and why, in words. */
export type LocatedAddress =
  | { id: string; found: true; latitude: number; longitude: number; note: string }
  | { id: string; found: false; note: string }

/** The geocoder could not answer (unreachable, down, throttling, a reply it does not document); the addresses wait and are tried again. */
export class GeocoderError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'GeocoderError'
  }
}

/** A geocoding provider: looks up a batch of addresses, answering for each one it covers, or throws GeocoderError. */
export interface Geocoder {
  /** Its name in words, for the banner and the addresses' notes. */
  name: string
  /** Where it is reached. */
  baseUrl: string
  /** The most addresses one call takes. */
  batchSize: number
  /** The least time between two calls, so the provider is never hurried. */
  gapMs: number
  /** Whether it can place an address in this country (two-letter code). */
  covers(country: string): boolean
  locate(addresses: AddressToLocate[]): Promise<LocatedAddress[]>
}

/** A note as the address shows it: a sentence, its first letter capital ("the US Census Geocoder ..." begins one). */
export function asSentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
