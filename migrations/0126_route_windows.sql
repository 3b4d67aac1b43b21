-- A visit the customer takes at any time within a window of its day ("between 9 and noon"): the plan may move it only
-- into the part of the day the window covers. Times of day, read in the business's time zone on the visit's day.
alter table route_stops add column window_from time, add column window_to time,
  add constraint route_stops_window check ((window_from is null) = (window_to is null) and (window_from is null or window_to > window_from));
