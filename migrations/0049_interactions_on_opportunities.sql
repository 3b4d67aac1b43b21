-- An interaction may be about an opportunity (a call about the quote) instead of a contact or a lead: still exactly one.
alter table interactions add column opportunity_id uuid;
alter table interactions add foreign key (tenant_id, opportunity_id) references opportunities (tenant_id, id);
do $$
declare c text;
begin
  -- The check of 0042 was left unnamed; it is found by what it says.
  for c in select conname from pg_constraint where conrelid = 'interactions'::regclass and contype = 'c'
             and pg_get_constraintdef(oid) like '%num_nonnulls%' loop
    execute format('alter table interactions drop constraint %I', c);
  end loop;
end $$;
alter table interactions add constraint interactions_one_subject check (num_nonnulls(contact_id, lead_id, opportunity_id) = 1);
create index interactions_opportunity on interactions (tenant_id, opportunity_id, occurred_at desc) where opportunity_id is not null;
