-- An app connected by OAuth is connected while its grant (an agent token) is unrevoked. A replayed authorization code
-- once revoked the tokens the code gave but left the grant on, so such an app could never act again yet still showed as
-- connected. A grant whose every token is revoked is ended now, dated when its last token was revoked.
update agent_tokens t set revoked_at = x.last_revoked
from (
  select tenant_id, agent_token_id, max(revoked_at) as last_revoked
  from oauth_tokens
  group by tenant_id, agent_token_id
  having bool_and(revoked_at is not null)
) x
where x.tenant_id = t.tenant_id and x.agent_token_id = t.id and t.revoked_at is null;
