-- A GIN index keeps new entries in a pending list until it is merged into the index proper (at vacuum, or when the list
-- outgrows gin_pending_list_limit, 4 MB by default), and every lookup reads the whole list. Under steady writes (new
-- customers, notes, visits) the search indexes' lists grew to hundreds of pages: each universal search read about 640
-- pages of them, and the planner, which counts them in a GIN index's cost, turned to walking every entry of the
-- business by its primary key instead (4,230 entries read to find one name). At 64 kB, the least the setting takes, a
-- list holds about eight pages; the write that fills it merges it, a little at a time. Every GIN index is set so, and
-- test/core/db/gin-pending-lists.test.ts keeps new ones to it.
do $$
declare
  v_index text;
begin
  for v_index in
    select format('%I.%I', n.nspname, c.relname)
    from pg_index i
    join pg_class c on c.oid = i.indexrelid
    join pg_am a on a.oid = c.relam
    join pg_namespace n on n.oid = c.relnamespace
    where a.amname = 'gin' and n.nspname = current_schema()
  loop
    execute format('alter index %s set (gin_pending_list_limit = 64)', v_index);
  end loop;
end $$;
