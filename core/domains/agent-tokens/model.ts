/** An agent token as lists show it: never its secret; an app connected by OAuth names its client. */
export const TOKEN_COLUMNS = `t.id, t.name, 'crm_' || t.prefix as prefix, t.created_at, t.last_used_at, t.revoked_at,
  (select c.client_id from oauth_codes c where c.agent_token_id = t.id limit 1) as oauth_client_id`
