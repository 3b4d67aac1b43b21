import { attributeValueMatches } from '../attributes/model.js'

/** Adds a value to the statement's parameters and returns its placeholder. */
type Arg = (value: unknown) => string

/** SQL conditions on a contact (alias c), one a filter: it has the attribute, with that value when one is given. */
export function attributeConditions(filters: Array<{ key: string; value: string | null }>, arg: Arg): string[] {
  return filters.map((f) => {
    const value = f.value === null ? '' : ` and ${attributeValueMatches('a', arg(f.value))}`
    return `exists (select 1 from attributes a where a.contact_id = c.id and a.key = ${arg(f.key)}${value})`
  })
}

/** SQL condition on a contact (alias c): one of its addresses still in use is in the city and its postal code starts so. */
export function addressCondition(city: string | undefined, postalCode: string | undefined, arg: Arg): string {
  return (
    `exists (select 1 from addresses ad where ad.contact_id = c.id and ad.archived_at is null` +
    `${city ? ` and lower(ad.city) = lower(${arg(city)})` : ''}` +
    `${postalCode ? ` and ad.postal_code like ${arg(postalCode.replace(/[%_\\]/g, ''))} || '%'` : ''})`
  )
}
