-- Money received is never refused: a payment beyond the amount due (a customer paying twice, or more than asked) is
-- recorded, and the invoice shows it as a credit the owner refunds. The amount due is never negative.
alter table invoices drop constraint invoices_not_overpaid;
alter table invoices drop column amount_due_cents;
alter table invoices
  add column amount_due_cents int generated always as (greatest(total_cents - amount_paid_cents, 0)) stored,
  add column credit_cents int generated always as (greatest(amount_paid_cents - total_cents, 0)) stored;

-- Card numbers and SSNs in every free-text column, in every common layout: the rules of core/redact.ts (read them
-- there; change both together). The API redacts every string of a call and the agent's reasoning first, so these
-- triggers change something only when a write bypassed it.

-- The text with special digits, spaces and dashes read as their plain form, one character for one.
create function redact_normalize(input text) returns text language sql immutable strict as $$
  select translate(input, U&'\FF10\FF11\FF12\FF13\FF14\FF15\FF16\FF17\FF18\FF19\0660\0661\0662\0663\0664\0665\0666\0667\0668\0669\06F0\06F1\06F2\06F3\06F4\06F5\06F6\06F7\06F8\06F9\0009\00A0\2002\2003\2007\2009\202F\3000\2010\2011\2012\2013\2014\2212\FF0D\FF0E\000D',
    U&'\0030\0031\0032\0033\0034\0035\0036\0037\0038\0039\0030\0031\0032\0033\0034\0035\0036\0037\0038\0039\0030\0031\0032\0033\0034\0035\0036\0037\0038\0039\0020\0020\0020\0020\0020\0020\0020\0020\002D\002D\002D\002D\002D\002D\002D\002E\000A')
$$;

-- Whether groups i..j of a run are written as a card is: unbroken (not next to a dot), printed, or wrapped across lines.
create function redact_card_layout(g text[], sp text[], i int, j int) returns boolean language plpgsql immutable as $$
declare
  mixed boolean := false;
  printed boolean;
  sizes text;
  k int;
begin
  if i = j then
    return not (i > 1 and sp[i - 1] = '.') and sp[j] <> '.';
  end if;
  if length(g[i]) = 4 and length(g[j]) <= 6 then
    for k in i .. j - 1 loop
      if sp[k] <> sp[i] then mixed := true; end if;
    end loop;
    sizes := array_to_string(array(select length(x)::text from unnest(g[i:j]) with ordinality u (x, o) order by o), ',');
    printed := not mixed or length(g[j]) <= 4 or sizes = '4,6,5';
    for k in i + 1 .. j - 1 loop
      if length(g[k]) < 4 or length(g[k]) > 6 or (mixed and length(g[k]) <> 4 and sizes not in ('4,6,5', '4,6,4')) then
        printed := false;
      end if;
    end loop;
    if printed then return true; end if;
  end if;
  if j - i > 2 then return false; end if;
  for k in i .. j loop
    if length(g[k]) < 4 then return false; end if;
  end loop;
  if not exists (select 1 from unnest(g[i:j]) x where length(x) >= 8) then return false; end if;
  for k in i .. j - 1 loop
    if position(chr(10) in sp[k]) > 0 then return true; end if;
  end loop;
  return false;
end $$;

-- Text with card numbers and SSNs replaced by [REDACTED], and how many of each were replaced.
create or replace function redact_sensitive(input text, out redacted text, out cards int, out ssns int) language plpgsql immutable as $$
declare
  norm text;
  m text[];
  gm text[];
  pos int := 1;
  copied int := 1;
  run_start int;
  run text;
  prefix text;
  g text[];
  sp text[];
  at int[];
  off int;
  n int;
  c1 text;
  c2 text;
  glued_start boolean;
  glued_end boolean;
  span_first int[];
  span_last int[];
  i int;
  j int;
  a int;
  b int;
  s int;
  digits text;
  ok boolean;
  span record;
begin
  redacted := input;
  cards := 0;
  ssns := 0;
  norm := redact_normalize(input);
  -- Either kind needs nine digits with at most three characters between neighbours.
  if input is null or norm !~ '[0-9](?:[^0-9]{0,3}[0-9]){8}' then
    return;
  end if;
  redacted := '';
  for m in select regexp_matches(norm, '([^0-9]*)([0-9]+(?:(?:[ \n]{1,3}|[ \n]?-[ \n]?|\.)[0-9]+)*)', 'g') loop
    prefix := m[1];
    run := m[2];
    run_start := pos + length(prefix);
    pos := run_start + length(run);
    c1 := substr(norm, run_start - 1, 1);
    c2 := case when run_start > 2 then substr(norm, run_start - 2, 1) else '' end;
    glued_start := (c1 ~ '^[A-Za-z]$' or c1 = '+' or (c1 in ('-', '_', '/', '#') and c2 ~ '^[A-Za-z0-9]$'))
      and prefix !~* '(^|[^a-z])(cc|card|credit card|debit card|visa|mastercard|mc|amex|discover)( ?(#|no\.?|num|number))?[^a-z0-9]{0,3}$';
    c1 := substr(norm, pos, 1);
    c2 := substr(norm, pos + 1, 1);
    glued_end := c1 ~ '^[A-Za-z]$' or (c1 in ('-', '_', '/', '#') and c2 ~ '^[A-Za-z0-9]$');
    g := '{}';
    sp := '{}';
    at := '{}';
    off := 0;
    for gm in select regexp_matches(run, '([0-9]+)([^0-9]*)', 'g') loop
      g := g || gm[1];
      sp := sp || gm[2];
      at := at || off;
      off := off + length(gm[1]) + length(gm[2]);
    end loop;
    n := array_length(g, 1);
    span_first := '{}';
    span_last := '{}';

    -- Cards: leftmost, then longest; every group holds a digit, so a card spans at most 19 groups.
    i := 1;
    while i <= n loop
      j := least(n, i + 18);
      while j >= i loop
        ok := not ((i = 1 and glued_start) or (j = n and glued_end)) and redact_card_layout(g, sp, i, j);
        if ok then
          digits := array_to_string(g[i:j], '');
          ok := length(digits) between 13 and 19 and left(digits, 1) <> '0' and luhn_valid(digits);
        end if;
        if ok then
          span_first := span_first || i;
          span_last := span_last || j;
          cards := cards + 1;
          i := j;
          exit;
        end if;
        j := j - 1;
      end loop;
      i := i + 1;
    end loop;

    -- SSNs: a whole chunk of groups joined by single dashes or dots, of 3, 2 and 4 digits.
    a := 1;
    while a <= n loop
      b := a;
      while b < n and sp[b] in ('-', '.') loop b := b + 1; end loop;
      ok := b - a = 2 and length(g[a]) = 3 and length(g[a + 1]) = 2 and length(g[b]) = 4
        and not ((a = 1 and glued_start) or (b = n and glued_end));
      if ok then
        for s in 1 .. coalesce(array_length(span_first, 1), 0) loop
          if span_last[s] >= a and span_first[s] <= b then ok := false; end if;
        end loop;
      end if;
      if ok then
        span_first := span_first || a;
        span_last := span_last || b;
        ssns := ssns + 1;
      end if;
      a := b + 1;
    end loop;

    -- Nine digits named as an SSN by the words right before them.
    if coalesce(array_length(span_first, 1), 0) = 0 and not glued_end
        and prefix ~* '(^|[^a-z])(ssn|ss#|social security( (number|num|no))?)[^a-z0-9]{0,4}((is|was) )?$'
        and array_to_string(array(select length(x)::text from unnest(g) with ordinality u (x, o) order by o), ',') in ('9', '3,2,4') then
      span_first := array[1];
      span_last := array[n];
      ssns := ssns + 1;
    end if;

    for span in select f, l from unnest(span_first, span_last) u (f, l) order by f loop
      redacted := redacted || substr(input, copied, run_start + at[span.f] - copied) || '[REDACTED]';
      copied := run_start + at[span.l] + length(g[span.l]);
    end loop;
  end loop;
  redacted := redacted || substr(input, copied);
  if cards = 0 and ssns = 0 then
    redacted := input;
  end if;
end $$;

-- Trigger: redacts the column named by the first argument; the second names the kind of record for security_events,
-- the third (default id) the column holding the record's id.
create or replace function redact_sensitive_column() returns trigger language plpgsql as $$
declare
  col text := tg_argv[0];
  original text := to_jsonb(new) ->> tg_argv[0];
  entity text := to_jsonb(new) ->> coalesce(tg_argv[2], 'id');
  r record;
  actor text := nullif(current_setting('app.actor_id', true), '');
begin
  if original is null then
    return new;
  end if;
  select * into r from redact_sensitive(original);
  if r.cards = 0 and r.ssns = 0 then
    return new;
  end if;
  new := jsonb_populate_record(new, jsonb_build_object(col, r.redacted));
  insert into security_events (tenant_id, kind, layer, entity_type, entity_id, field, detail, actor_type, actor_id, request_id)
  select new.tenant_id, f.kind, 'database', tg_argv[1],
    case when entity ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then entity::uuid end,
    col, jsonb_build_object('count', f.count, 'table', tg_table_name),
    nullif(current_setting('app.actor_type', true), ''),
    case when actor ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then actor::uuid end,
    nullif(current_setting('app.request_id', true), '')
  from (values ('card', r.cards), ('ssn', r.ssns)) f (kind, count)
  where f.count > 0;
  return new;
end $$;

-- The free text beyond notes and messages: the agent's reasoning (kept for good in the audit and the queue), the
-- owner's decision notes, reasons, invoice terms and line descriptions, and names. Each trigger is named to run after
-- any trigger of its table that refuses the change, so a refused write records nothing.
create trigger audit_log_redact_reasoning before insert on audit_log
  for each row execute function redact_sensitive_column('reasoning', 'audit', 'entity_id');
create trigger authorization_requests_redact_reasoning before insert or update of reasoning on authorization_requests
  for each row execute function redact_sensitive_column('reasoning', 'authorization_request');
create trigger authorization_requests_redact_decision_note before insert or update of decision_note on authorization_requests
  for each row execute function redact_sensitive_column('decision_note', 'authorization_request');
create trigger invoices_redact_notes before insert or update of notes on invoices
  for each row execute function redact_sensitive_column('notes', 'invoice');
create trigger invoices_redact_terms before insert or update of terms on invoices
  for each row execute function redact_sensitive_column('terms', 'invoice');
create trigger invoices_redact_void_reason before insert or update of void_reason on invoices
  for each row execute function redact_sensitive_column('void_reason', 'invoice');
create trigger invoice_line_items_redact_description before insert or update of description on invoice_line_items
  for each row execute function redact_sensitive_column('description', 'invoice_line_item');
create trigger ticket_line_items_redact_description before insert or update of description on ticket_line_items
  for each row execute function redact_sensitive_column('description', 'ticket_line_item');
create trigger tickets_redact_cancel_reason before insert or update of cancel_reason on tickets
  for each row execute function redact_sensitive_column('cancel_reason', 'ticket');
create trigger leads_redact_archive_reason before insert or update of archive_reason on leads
  for each row execute function redact_sensitive_column('archive_reason', 'lead');
create trigger contacts_redact_display_name before insert or update of display_name on contacts
  for each row execute function redact_sensitive_column('display_name', 'contact');
