-- The word filters and universal search find their ids in security-definer functions that run as the tables' owner
-- and name the caller's business themselves (0033, 0034, 0035 and the search functions). Forced row level security
-- puts the owner under the policies too, and under a policy PostgreSQL uses no index for a test that is not leakproof
-- (trigram similarity, ILIKE): with the documented deploy role as owner (not a superuser) every lookup read every row
-- of every business. A superuser owner skipped the policies, which is why it went unseen. These tables are no longer
-- forced: requests (crm_app), sign-ins and the worker's role are held by their policies as before; only the owner's
-- own functions read them unfiltered, and each of those names the business.
alter table contacts no force row level security;
alter table leads no force row level security;
alter table invoices no force row level security;
alter table services no force row level security;
alter table users no force row level security;
alter table notes no force row level security;
alter table search_entries no force row level security;
