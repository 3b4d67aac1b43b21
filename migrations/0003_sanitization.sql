-- The last defense against card numbers and SSNs in free text: the same rules as core/sanitize.ts (read the rules
-- there; change both together), applied by triggers to the note and message columns. The API redacts first, so a
-- trigger changes something only when a write bypassed it; it then records a security_events row (layer 'database').

-- Whether digits pass the Luhn check.
create function luhn_valid(digits text) returns boolean language plpgsql immutable strict as $$
declare
  total int := 0;
  d int;
  n int := length(digits);
begin
  for i in 0 .. n - 1 loop
    d := ascii(substr(digits, n - i, 1)) - 48;
    if i % 2 = 1 then
      d := d * 2;
      if d > 9 then d := d - 9; end if;
    end if;
    total := total + d;
  end loop;
  return total % 10 = 0;
end $$;

-- Whether a run of digits continues a word or an identifier at one end: c1 is the character next to the run, c2 the
-- one beyond it. A "+" counts only before a run (an international phone).
create function redact_attached(c1 text, c2 text, before boolean) returns boolean language sql immutable as $$
  select c1 ~ '^[A-Za-z]$' or (before and c1 = '+')
    or (c1 in ('-', '_', '/', '#') and c2 ~ '^[A-Za-z0-9]$')
    or (c1 = '.' and c2 ~ '^[0-9]$')
$$;

-- Text with card numbers and SSNs replaced by [REDACTED], and how many of each were replaced.
create function redact_sensitive(input text, out redacted text, out cards int, out ssns int) language plpgsql immutable as $$
declare
  m text[];
  pos int := 1;
  run_start int;
  run text;
  prefix text;
  groups text[];
  seps text[];
  n int;
  glued_start boolean;
  glued_end boolean;
  span_first int[];
  span_last int[];
  i int;
  j int;
  a int;
  b int;
  k int;
  s int;
  digits text;
  ok boolean;
  piece text;
begin
  redacted := input;
  cards := 0;
  ssns := 0;
  -- Fewer than nine digits in a row (allowing single separators) cannot hold either kind.
  if input is null or input !~ '[0-9]([ -]?[0-9]){8}' then
    return;
  end if;
  redacted := '';
  for m in select regexp_matches(input, '([^0-9]*)([0-9]+(?:[ -][0-9]+)*)', 'g') loop
    prefix := m[1];
    run := m[2];
    run_start := pos + length(prefix);
    pos := run_start + length(run);
    glued_start := redact_attached(substr(input, run_start - 1, 1), case when run_start > 2 then substr(input, run_start - 2, 1) else '' end, true);
    glued_end := redact_attached(substr(input, pos, 1), substr(input, pos + 1, 1), false);
    groups := regexp_split_to_array(run, '[ -]');
    seps := coalesce(array(select x[1] from regexp_matches(run, '([ -])', 'g') x), '{}');
    n := array_length(groups, 1);
    span_first := '{}';
    span_last := '{}';

    -- Cards: leftmost, then longest, consecutive groups in a card's printed layout, 13 to 19 digits, Luhn-valid.
    i := 1;
    while i <= n loop
      -- Every group holds a digit, so a card (at most 19 digits) spans at most 19 groups.
      j := least(n, i + 18);
      while j >= i loop
        ok := not ((i = 1 and glued_start) or (j = n and glued_end));
        if ok and i < j then
          ok := length(groups[i]) = 4 and length(groups[j]) between 1 and 6;
          for k in i .. j - 1 loop
            exit when not ok;
            ok := seps[k] = seps[i];
          end loop;
          for k in i + 1 .. j - 1 loop
            exit when not ok;
            ok := length(groups[k]) between 4 and 6;
          end loop;
        end if;
        if ok then
          digits := array_to_string(groups[i:j], '');
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

    -- SSNs: dash-joined chunks (the run split at its spaces) of exactly 3, 2 and 4 digits.
    a := 1;
    while a <= n loop
      b := a;
      while b < n and seps[b] = '-' loop b := b + 1; end loop;
      ok := b - a = 2 and length(groups[a]) = 3 and length(groups[a + 1]) = 2 and length(groups[b]) = 4
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
        and array_to_string(array(select length(g)::text from unnest(groups) g), ',') in ('9', '3,2,4') then
      span_first := array[1];
      span_last := array[n];
      ssns := ssns + 1;
    end if;

    if coalesce(array_length(span_first, 1), 0) = 0 then
      piece := run;
    else
      piece := '';
      k := 1;
      for s in select x from unnest(span_first) x order by x loop
        i := array_position(span_first, s);
        while k < s loop
          piece := piece || groups[k] || seps[k];
          k := k + 1;
        end loop;
        piece := piece || '[REDACTED]' || case when span_last[i] < n then seps[span_last[i]] else '' end;
        k := span_last[i] + 1;
      end loop;
      while k <= n loop
        piece := piece || groups[k] || case when k < n then seps[k] else '' end;
        k := k + 1;
      end loop;
    end if;
    redacted := redacted || prefix || piece;
  end loop;
  redacted := redacted || substr(input, pos);
  if cards = 0 and ssns = 0 then
    redacted := input;
  end if;
end $$;

-- Trigger: redacts the column named by the first argument; the second names the kind of record for security_events.
create function redact_sensitive_column() returns trigger language plpgsql as $$
declare
  col text := tg_argv[0];
  original text := to_jsonb(new) ->> tg_argv[0];
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
  select new.tenant_id, f.kind, 'database', tg_argv[1], new.id, col, jsonb_build_object('count', f.count, 'table', tg_table_name),
    nullif(current_setting('app.actor_type', true), ''),
    case when actor ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then actor::uuid end,
    nullif(current_setting('app.request_id', true), '')
  from (values ('card', r.cards), ('ssn', r.ssns)) f (kind, count)
  where f.count > 0;
  return new;
end $$;

create trigger notes_redact_sensitive before insert or update of content on notes
  for each row execute function redact_sensitive_column('content', 'note');
create trigger contacts_redact_sensitive before insert or update of notes on contacts
  for each row execute function redact_sensitive_column('notes', 'contact');
-- Named to run after tickets_immutable_when_closed (triggers fire in name order): a closed ticket is refused first.
create trigger tickets_redact_sensitive before insert or update of notes on tickets
  for each row execute function redact_sensitive_column('notes', 'ticket');
create trigger leads_redact_sensitive before insert or update of raw_notes on leads
  for each row execute function redact_sensitive_column('raw_notes', 'lead');
create trigger scheduled_messages_redact_sensitive before insert or update of body on scheduled_messages
  for each row execute function redact_sensitive_column('body', 'scheduled_message');
create trigger message_templates_redact_sensitive before insert or update of body on message_templates
  for each row execute function redact_sensitive_column('body', 'message_template');

-- The data types filter contacts by an address's city and postal code and by a service received.
create index addresses_postal_prefix on addresses (tenant_id, postal_code text_pattern_ops);
create index tickets_completed_contact on tickets (tenant_id, contact_id, scheduled_start) where status = 'completed';
