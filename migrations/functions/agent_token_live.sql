-- Whether an agent token a server remembers is still live, sent with the BEGIN of each transaction it acts in
-- (core/db/tenant.ts): a token revoked in any process is refused at its next call. It runs as the caller, under the
-- business's row level security, so it sees only that business's tokens.
create or replace function agent_token_live(p_id uuid) returns void
language plpgsql stable as $$
begin
  if not exists (select 1 from agent_tokens where id = p_id and revoked_at is null) then
    raise exception 'The agent token was revoked' using errcode = '28000';
  end if;
end $$;
