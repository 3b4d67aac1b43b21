-- Neighborhoods: addresses grouped into hexagonal cells of about 1 km from center to corner, by their points. A cell is
-- a pure function of a point, so an address keeps its neighborhood while the business grows (clusters drawn from the
-- points themselves would move as customers are added, and a year's figures could not be set against the last's), and
-- a moved pin moves the address with it. The cells' names are read from their addresses' most common town and ZIP code.

-- The hexagonal cell (pointy top, axial coordinates) holding a point: 'h:<q>:<r>', or null without a point. The point
-- is laid on a plane in kilometers (a degree of latitude 110.574 km, of longitude 111.320 km times the cosine of the
-- latitude), which at a town's scale is within a fraction of a percent.
create function hex_cell(lat double precision, lon double precision) returns text language plpgsql immutable parallel safe as $$
declare
  size constant double precision := 1.0;
  x double precision;
  y double precision;
  q double precision;
  r double precision;
  s double precision;
  rq double precision;
  rr double precision;
  rs double precision;
begin
  if lat is null or lon is null then return null; end if;
  x := lon * 111.320 * cos(radians(lat));
  y := lat * 110.574;
  q := (sqrt(3.0) / 3.0 * x - y / 3.0) / size;
  r := (2.0 / 3.0 * y) / size;
  s := -q - r;
  rq := round(q); rr := round(r); rs := round(s);
  if abs(rq - q) > abs(rr - r) and abs(rq - q) > abs(rs - s) then rq := -rr - rs;
  elsif abs(rr - r) > abs(rs - s) then rr := -rq - rs;
  end if;
  return 'h:' || rq::bigint || ':' || rr::bigint;
end $$;
