-- Google Calendar: our own writes are told from a person's changes by what Google answered to them, never by comparing
-- Google's change time with our clock. Beside the etag (it changes with every change of the event), the event's
-- sequence as Google answered our last write: it goes up when the event is moved, not when only its words change.
alter table google_events add column sequence int;
alter table google_series_events add column sequence int;
