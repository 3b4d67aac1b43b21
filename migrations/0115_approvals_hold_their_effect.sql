-- A queued call keeps what it did when it was tried (every record it changed, from what to what): the effect the owner
-- is shown and allows. When the owner allows it, the call runs only if it still does exactly that.
alter table authorization_requests add column effect jsonb;
