import { randomBytes } from 'node:crypto'
import type { FakeGoogle, FakeGoogleApiRequest, FakeGoogleAnswer } from './fake-google.js'
import { FakeGoogleFault, googleErrorBody } from './fake-google-errors.js'

/** The contacts scopes that reach connections.list (either one). */
const PEOPLE_SCOPES = ['https://www.googleapis.com/auth/contacts.readonly', 'https://www.googleapis.com/auth/contacts']

/** The person fields connections.list accepts in personFields (those this fake holds are answered, the rest left empty). */
const PERSON_FIELDS = new Set([
  'addresses',
  'ageRanges',
  'biographies',
  'birthdays',
  'calendarUrls',
  'clientData',
  'coverPhotos',
  'emailAddresses',
  'events',
  'externalIds',
  'genders',
  'imClients',
  'interests',
  'locales',
  'locations',
  'memberships',
  'metadata',
  'miscKeywords',
  'names',
  'nicknames',
  'occupations',
  'organizations',
  'phoneNumbers',
  'photos',
  'relations',
  'sipAddresses',
  'skills',
  'urls',
  'userDefined',
])

/** Google keeps a sync token this long after the full sync it came from. */
export const PEOPLE_SYNC_TOKEN_DAYS = 7

/** A contact as a test writes it "in Google": the fields of the People API's Person it holds. */
export interface FakePersonFields {
  names?: Array<{ givenName?: string; familyName?: string; displayName?: string }>
  emailAddresses?: Array<{ value: string; type?: string }>
  phoneNumbers?: Array<{ value: string; type?: string }>
  addresses?: Array<{
    formattedValue?: string
    streetAddress?: string
    extendedAddress?: string
    city?: string
    region?: string
    postalCode?: string
    country?: string
    countryCode?: string
    type?: string
  }>
  organizations?: Array<{ name?: string; title?: string }>
  biographies?: Array<{ value: string; contentType?: string }>
}

/** One contact of an account, with when it last changed (the account's change counter) and whether it was deleted. */
interface StoredPerson {
  resourceName: string
  etag: string
  fields: FakePersonFields
  changed: number
  updateTime: string
  deleted: boolean
}

/** One Google account's contacts. */
interface Book {
  people: StoredPerson[]
  /** Counts every change; a sync token carries the count it was given at. */
  changes: number
  /** Raised by expireSyncTokens: a sync token of an earlier generation is refused as expired. */
  generation: number
}

/** The People API v1 of the fake: each account's contacts, and what a test changes "in Google". */
export interface FakePeople {
  /** Adds a contact to the account's Google Contacts; returns its resource name ("people/c…"). */
  add(account: string, fields: FakePersonFields): string
  /** Replaces the given fields of a contact (a new etag, seen by the next incremental sync). */
  change(account: string, resourceName: string, fields: FakePersonFields): void
  /** Deletes a contact: gone from full lists, returned with metadata.deleted by the next incremental sync. */
  remove(account: string, resourceName: string): void
  /** Every sync token given so far to the account (or every account) is refused from now on as expired. */
  expireSyncTokens(account?: string): void
  /** The account's contacts as Google holds them (not deleted). */
  list(account: string): Array<{ resourceName: string; etag: string } & FakePersonFields>
}

/** Adds connections.list of the People API to the fake and returns its state and helpers. */
export function installFakePeople(fake: Pick<FakeGoogle, 'addRoutes' | 'now'>): FakePeople {
  const books = new Map<string, Book>()
  const bookOf = (account: string): Book => {
    const key = account.toLowerCase()
    let book = books.get(key)
    if (!book) {
      book = { people: [], changes: 0, generation: 0 }
      books.set(key, book)
    }
    return book
  }
  const personOf = (account: string, resourceName: string): StoredPerson => {
    const person = bookOf(account).people.find((p) => p.resourceName === resourceName && !p.deleted)
    if (!person) throw new Error(`no contact ${resourceName} in ${account}'s Google Contacts`)
    return person
  }
  const touch = (book: Book, person: StoredPerson) => {
    book.changes++
    person.changed = book.changes
    person.etag = `%${randomBytes(12).toString('base64url')}`
    person.updateTime = fake.now.toISOString()
  }

  fake.addRoutes([
    {
      method: 'GET',
      path: /^\/v1\/people\/me\/connections$/,
      scopes: PEOPLE_SCOPES,
      handle: (req) => listConnections(bookOf(req.grant.email), req),
    },
    {
      // Only people/me has connections.
      method: 'GET',
      path: /^\/v1\/(people\/[^/]+)\/connections$/,
      scopes: PEOPLE_SCOPES,
      handle: (_req, m) => {
        throw invalid(`Resource name "${decodeURIComponent(m[1])}" is not valid: only people/me has connections.`)
      },
    },
  ])

  return {
    add(account, fields) {
      const book = bookOf(account)
      const person: StoredPerson = {
        resourceName: `people/c${BigInt(`0x${randomBytes(8).toString('hex')}`) % 10n ** 19n}`,
        etag: '',
        fields: structuredClone(fields),
        changed: 0,
        updateTime: '',
        deleted: false,
      }
      touch(book, person)
      book.people.push(person)
      return person.resourceName
    },
    change(account, resourceName, fields) {
      const person = personOf(account, resourceName)
      person.fields = { ...person.fields, ...structuredClone(fields) }
      touch(bookOf(account), person)
    },
    remove(account, resourceName) {
      const person = personOf(account, resourceName)
      person.deleted = true
      touch(bookOf(account), person)
    },
    expireSyncTokens(account) {
      for (const book of account ? [bookOf(account)] : books.values()) book.generation++
    },
    list: (account) =>
      bookOf(account)
        .people.filter((p) => !p.deleted)
        .map((p) => ({ resourceName: p.resourceName, etag: p.etag, ...structuredClone(p.fields) })),
  }
}

/** What a sync token or page token carries (base64url JSON; opaque to the product). */
interface SyncTokenState {
  /** Changes after this count are returned. */
  after: number
  /** When it was given, on the fake's clock. */
  at: number
  generation: number
}
interface PageTokenState {
  offset: number
  /** The change count the listing was made at: later changes wait for the next sync. */
  upTo: number
  /** For an incremental listing: changes after this count. */
  after: number | null
  fields: string
  sync: boolean
}

const encode = (state: object) => Buffer.from(JSON.stringify(state)).toString('base64url')

function decode<T>(token: string, what: string): T {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as T
  } catch {
    throw invalid(`Request contains an invalid argument: ${what} is not valid.`)
  }
}

/** people.connections.list: a full listing, or the changes since a sync token, in pages. */
function listConnections(book: Book, req: FakeGoogleApiRequest): FakeGoogleAnswer {
  const q = req.query
  const fields = (q.get('personFields') ?? q.get('requestMask.includeField') ?? '').trim()
  if (!fields) {
    throw invalid(
      'personFields mask is required. Please specify one or more valid paths. Valid paths are documented at ' +
        'https://developers.google.com/people/api/rest/v1/people.connections/list.',
    )
  }
  const asked = fields.split(',').map((f) => f.trim().replace(/^person\./, ''))
  const unknown = asked.find((f) => !PERSON_FIELDS.has(f))
  if (unknown)
    throw invalid(
      `Invalid personFields mask path: "${unknown}". Valid paths are documented at https://developers.google.com/people/api/rest/v1/people.connections/list.`,
    )
  const sizeText = q.get('pageSize')
  const pageSize = sizeText === null || sizeText === '' ? 100 : Number(sizeText)
  if (!Number.isInteger(pageSize) || pageSize < 0 || pageSize > 1000) {
    throw invalid('Invalid pageSize: it must be between 1 and 1000 (0 or unset means 100).')
  }
  const size = pageSize || 100
  const syncTokenText = q.get('syncToken')
  const pageTokenText = q.get('pageToken')

  let page: PageTokenState
  if (pageTokenText) {
    page = decode<PageTokenState>(pageTokenText, 'pageToken')
    if (page.fields !== fields || page.sync !== Boolean(syncTokenText)) {
      throw invalid('Parameters provided with a page token must match the call that provided the page token.')
    }
  } else {
    let after: number | null = null
    if (syncTokenText) {
      const token = decode<SyncTokenState>(syncTokenText, 'syncToken')
      const tooOld = req.now.getTime() - token.at > PEOPLE_SYNC_TOKEN_DAYS * 86_400_000
      if (token.generation !== book.generation || tooOld) throw new FakeGoogleFault(400, EXPIRED_SYNC_TOKEN)
      after = token.after
    }
    page = { offset: 0, upTo: book.changes, after, fields, sync: Boolean(syncTokenText) }
  }

  const chosen = book.people.filter((p) =>
    page.after === null ? !p.deleted && p.changed <= page.upTo : p.changed > page.after && p.changed <= page.upTo,
  )
  const slice = chosen.slice(page.offset, page.offset + size)
  const last = page.offset + size >= chosen.length
  const body: Record<string, unknown> = {
    connections: slice.map((p) => view(p, asked)),
    totalPeople: chosen.length,
    totalItems: chosen.length,
  }
  if (!slice.length) delete body.connections
  if (!last) body.nextPageToken = encode({ ...page, offset: page.offset + size })
  if (last && q.get('requestSyncToken') === 'true')
    body.nextSyncToken = encode({ after: page.upTo, at: req.now.getTime(), generation: book.generation })
  return { status: 200, body }
}

/** A person as the API answers it: only the fields asked for; a deleted one only its name, etag and metadata. */
function view(p: StoredPerson, asked: string[]): Record<string, unknown> {
  const metadata = {
    sources: [{ type: 'CONTACT', id: p.resourceName.slice('people/c'.length), etag: `#${p.etag.slice(1, 12)}`, updateTime: p.updateTime }],
    objectType: 'PERSON',
    ...(p.deleted ? { deleted: true } : {}),
  }
  const out: Record<string, unknown> = { resourceName: p.resourceName, etag: p.etag }
  if (p.deleted) return { ...out, metadata }
  if (asked.includes('metadata')) out.metadata = metadata
  const primary = (i: number) => ({
    metadata: { ...(i === 0 ? { primary: true } : {}), source: { type: 'CONTACT', id: metadata.sources[0].id } },
  })
  const f = p.fields
  if (asked.includes('names') && f.names?.length)
    out.names = f.names.map((n, i) => {
      const display = n.displayName ?? [n.givenName, n.familyName].filter(Boolean).join(' ')
      return {
        ...primary(i),
        displayName: display,
        ...(n.familyName ? { familyName: n.familyName } : {}),
        ...(n.givenName ? { givenName: n.givenName } : {}),
        displayNameLastFirst: n.familyName && n.givenName ? `${n.familyName}, ${n.givenName}` : display,
        unstructuredName: display,
      }
    })
  if (asked.includes('emailAddresses') && f.emailAddresses?.length)
    out.emailAddresses = f.emailAddresses.map((e, i) => ({
      ...primary(i),
      value: e.value,
      type: e.type ?? 'home',
      formattedType: titled(e.type ?? 'home'),
    }))
  if (asked.includes('phoneNumbers') && f.phoneNumbers?.length)
    out.phoneNumbers = f.phoneNumbers.map((ph, i) => ({
      ...primary(i),
      value: ph.value,
      ...canonical(ph.value),
      type: ph.type ?? 'mobile',
      formattedType: titled(ph.type ?? 'mobile'),
    }))
  if (asked.includes('addresses') && f.addresses?.length)
    out.addresses = f.addresses.map((a, i) => ({
      ...primary(i),
      ...a,
      formattedValue:
        a.formattedValue ??
        [
          a.streetAddress,
          a.extendedAddress,
          [a.city, [a.region, a.postalCode].filter(Boolean).join(' ')].filter(Boolean).join(', '),
          a.country,
        ]
          .filter(Boolean)
          .join('\n'),
      type: a.type ?? 'home',
      formattedType: titled(a.type ?? 'home'),
    }))
  if (asked.includes('organizations') && f.organizations?.length)
    out.organizations = f.organizations.map((o, i) => ({ ...primary(i), ...o }))
  if (asked.includes('biographies') && f.biographies?.length)
    out.biographies = f.biographies.map((b, i) => ({ ...primary(i), value: b.value, contentType: b.contentType ?? 'TEXT_PLAIN' }))
  return out
}

/** Google adds the E.164 form of a North American number it can read. */
function canonical(value: string): { canonicalForm?: string } {
  const digits = value.replace(/\D/g, '')
  if (digits.length === 10) return { canonicalForm: `+1${digits}` }
  if (digits.length === 11 && digits.startsWith('1')) return { canonicalForm: `+${digits}` }
  return {}
}

function titled(type: string): string {
  return type.charAt(0).toUpperCase() + type.slice(1)
}

function invalid(message: string): FakeGoogleFault {
  const body = googleErrorBody(400, 'badRequest', message) as { error: Record<string, unknown> }
  // The People API answers in the newer form: no errors[] list, the status says what is wrong.
  delete body.error.errors
  return new FakeGoogleFault(400, body)
}

/** Google's answer to an expired sync token: 400 FAILED_PRECONDITION with an ErrorInfo of reason EXPIRED_SYNC_TOKEN. */
export const EXPIRED_SYNC_TOKEN = {
  error: {
    code: 400,
    message: 'Sync token is expired. Clear local cache and retry call without the sync token.',
    status: 'FAILED_PRECONDITION',
    details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'EXPIRED_SYNC_TOKEN', domain: 'people.googleapis.com' }],
  },
}
