-- Google Calendar read back: Google lists a deleted event with its id alone (kind and etag at most; no times, no
-- extended properties), so a visit's event is found by the event id we wrote it under, and a change already raised is
-- known by the event's version, not by Google's change time, which a deleted event does not carry.

-- A visit is found by the event id kept when it was written.
create index google_events_event on google_events (tenant_id, user_id, calendar_id, event_id);

-- The version of the event a request was raised for: Google's etag of the changed event, and the etag Google gave our
-- last write of it (an event deleted after we wrote it again is another change, even when Google lists it with no
-- etag). The same pair read again (a full read after a 410) raises nothing new. google_updated is kept when Google
-- gives it.
alter table google_change_requests add column event_etag text;
alter table google_change_requests add column written_etag text;
alter table google_change_requests alter column google_updated drop not null;
