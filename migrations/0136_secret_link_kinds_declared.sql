-- Kinds of public links are declared by their domains (core/links/secret-link.ts), each with the table whose trigger
-- records its secrets here: the table no longer lists them, so a new kind of link needs no change to this one. A kind is
-- still a plain name.
alter table secret_lookups drop constraint secret_lookups_kind_check;
alter table secret_lookups add constraint secret_lookups_kind_check check (kind ~ '^[a-z][a-z_]{0,39}$');
