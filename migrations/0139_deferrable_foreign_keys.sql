-- Every foreign key may be deferred: a restore loads an archive's tables in any order with the keys deferred and
-- checks them once at the end (core/backup/load.ts), where it dropped some two hundred keys and added them back. The
-- keys stay checked at each statement's end everywhere else (INITIALLY IMMEDIATE): nothing the application does changes.
-- A migration that adds a key says DEFERRABLE too (test/core/db/deferrable-keys.test.ts).
do $$
declare k record;
begin
  for k in
    select conrelid::regclass as tbl, conname from pg_constraint
    where contype = 'f' and connamespace = 'public'::regnamespace and not condeferrable
  loop
    execute format('alter table %s alter constraint %I deferrable initially immediate', k.tbl, k.conname);
  end loop;
end $$;
