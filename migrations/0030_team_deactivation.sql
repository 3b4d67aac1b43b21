-- A team member who leaves is deactivated, not deleted: their tickets and history keep their name, and they can no
-- longer sign in (no new sign-in links; their sessions stop).
alter table users add column deactivated_at timestamptz;
