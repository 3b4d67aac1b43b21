import type { GoogleCaller } from '../../clients/google.js'

/** The People API's address for the account's own contacts. */
const CONNECTIONS_URL = 'https://people.googleapis.com/v1/people/me/connections'

/** The fields the import reads of each Google contact. */
export const PERSON_FIELDS = 'names,emailAddresses,phoneNumbers,addresses,organizations,biographies,metadata'

/** The largest page Google gives. */
const PAGE_SIZE = 1000

/** A Google contact as the People API answers it (the fields the import reads). */
export interface GooglePerson {
  resourceName: string
  etag?: string
  metadata?: { deleted?: boolean }
  names?: Array<{ displayName?: string; givenName?: string; familyName?: string; metadata?: { primary?: boolean } }>
  emailAddresses?: Array<{ value?: string; metadata?: { primary?: boolean } }>
  phoneNumbers?: Array<{ value?: string; canonicalForm?: string; metadata?: { primary?: boolean } }>
  addresses?: Array<{
    formattedValue?: string
    streetAddress?: string
    extendedAddress?: string
    city?: string
    region?: string
    postalCode?: string
    country?: string
    countryCode?: string
    metadata?: { primary?: boolean }
  }>
  organizations?: Array<{ name?: string; title?: string; metadata?: { primary?: boolean } }>
  biographies?: Array<{ value?: string; metadata?: { primary?: boolean } }>
}

/** What one read gave: the people (on an incremental read, the changed and deleted ones) and the token for the next. */
export interface PeopleRead {
  people: GooglePerson[]
  syncToken: string | null
}

/**
 * Reads every page of the account's contacts: all of them, or with syncToken only those changed or deleted since.
 * Google's errors come as GoogleError (an expired sync token has needsFullSync).
 */
export async function readPeople(
  caller: GoogleCaller,
  options: { syncToken?: string | null; requestSyncToken: boolean },
): Promise<PeopleRead> {
  const people: GooglePerson[] = []
  let pageToken: string | undefined
  for (;;) {
    const page = await caller.call<{ connections?: GooglePerson[]; nextPageToken?: string; nextSyncToken?: string }>(
      'GET',
      CONNECTIONS_URL,
      {
        query: {
          personFields: PERSON_FIELDS,
          pageSize: PAGE_SIZE,
          requestSyncToken: options.requestSyncToken,
          syncToken: options.syncToken ?? undefined,
          pageToken,
        },
      },
    )
    people.push(...(page?.connections ?? []))
    if (!page?.nextPageToken) return { people, syncToken: page?.nextSyncToken ?? null }
    pageToken = page.nextPageToken
  }
}
