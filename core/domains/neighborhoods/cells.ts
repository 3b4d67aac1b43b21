/** The neighborhood (its id) of an address `a`: its hexagon when it has a point, else its ZIP code. */
export const CELL_OF_ADDRESS = `coalesce(hex_cell(a.latitude, a.longitude), 'zip:' || coalesce(nullif(left(upper(trim(a.postal_code)), 5), ''), 'none'))`

/** The address a visit `k` counts at: its own, else its customer's first address in use. */
export const ADDRESS_OF_VISIT = `coalesce(k.address_id, (select f.id from addresses f where f.contact_id = k.contact_id
  and f.archived_at is null order by f.created_at, f.id limit 1))`
