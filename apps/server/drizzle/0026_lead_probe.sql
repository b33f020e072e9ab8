-- Capture decides a new lead's owner before inserting it (ADR 026): the distribution rules' conditions run on the rows
-- as PostgreSQL would store them — defaults and generated columns included — by inserting them first into this
-- session's temporary copy of `leads` (no indexes, no triggers, emptied at commit). Called in capture's lock
-- statement; creates the copy on first use in a session, and again when `leads` has gained or lost a column since.
CREATE OR REPLACE FUNCTION "lead_probe_ready"() RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  IF to_regclass('pg_temp.lead_probe') IS NOT NULL THEN
    IF (SELECT count(*) FROM pg_attribute WHERE attrelid = 'pg_temp.lead_probe'::regclass AND attnum > 0 AND NOT attisdropped)
       = (SELECT count(*) FROM pg_attribute WHERE attrelid = 'leads'::regclass AND attnum > 0 AND NOT attisdropped) THEN
      RETURN true;
    END IF;
    DROP TABLE pg_temp.lead_probe;
  END IF;
  CREATE TEMP TABLE lead_probe (LIKE leads INCLUDING DEFAULTS INCLUDING GENERATED) ON COMMIT DELETE ROWS;
  RETURN true;
END $$;
