/**
 * The tenant tables whose row level security is enabled but not forced (migration 0133): the word filters and search
 * read them in security-definer functions as the owner, which must skip the policies to use the trigram indexes (under
 * a policy PostgreSQL uses no index for a test that is not leakproof). Every other tenant table is forced, so the
 * owner's own functions see a business's rows only through a policy.
 */
export const OWNER_READS_UNFORCED: readonly string[] = ['contacts', 'invoices', 'leads', 'notes', 'search_entries', 'services', 'users']
