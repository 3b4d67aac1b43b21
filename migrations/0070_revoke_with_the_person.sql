-- A person who leaves takes with them everything that acts for them: their sessions and unused sign-in links, their
-- calendar feeds and the business feeds they made, and the agent tokens (OAuth grants among them) they made. To know
-- who made a token or a feed, each records it from now on; earlier ones are read from the audit trail and, for an OAuth
-- grant, from the code of the approval. Made by the operator's command or at a business's creation: none.
alter table agent_tokens add column created_by uuid, add foreign key (tenant_id, created_by) references users (tenant_id, id);
alter table calendar_feeds add column created_by uuid, add foreign key (tenant_id, created_by) references users (tenant_id, id);

update agent_tokens t set created_by = c.user_id
  from oauth_codes c where c.tenant_id = t.tenant_id and c.agent_token_id = t.id and t.created_by is null;
update agent_tokens t set created_by = a.actor_id
  from audit_log a where a.tenant_id = t.tenant_id and a.entity_type = 'agent_token' and a.entity_id = t.id
    and a.action in ('create', 'oauth_approve') and a.actor_type = 'user' and t.created_by is null;
update calendar_feeds f set created_by = a.actor_id
  from audit_log a where a.tenant_id = f.tenant_id and a.entity_type = 'calendar_feed' and a.entity_id = f.id
    and a.action = 'create' and a.actor_type = 'user' and f.created_by is null;

-- People deactivated before this kept all of it: it ends now, as it would have then.
update sessions s set ended_at = now()
  from users u where u.tenant_id = s.tenant_id and u.id = s.user_id and u.deactivated_at is not null and s.ended_at is null;
update magic_links m set expires_at = now()
  from users u where u.tenant_id = m.tenant_id and u.id = m.user_id and u.deactivated_at is not null
    and m.used_at is null and m.expires_at > now();
update calendar_feeds f set revoked_at = now()
  from users u where u.tenant_id = f.tenant_id and u.deactivated_at is not null and f.revoked_at is null
    and (f.user_id = u.id or (f.scope = 'business' and f.created_by = u.id));
update agent_tokens t set revoked_at = now()
  from users u where u.tenant_id = t.tenant_id and u.id = t.created_by and u.deactivated_at is not null and t.revoked_at is null;
