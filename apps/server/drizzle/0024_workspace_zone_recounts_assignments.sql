-- Assignment counts go by the workspace's local day (0021). When the workspace changes its time zone, the days of
-- its assignments change with it: recount them, so caps and "received today" read the days of the new zone.
-- Serialised with distribution batches of the workspace by their advisory lock (ADR 011).
CREATE FUNCTION "assignment_counts_recount_zone"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('distribution:' || NEW.id::text, 0));
  DELETE FROM assignment_counts WHERE workspace_id = NEW.id;
  INSERT INTO assignment_counts (workspace_id, user_id, rule_key, day, n)
  SELECT a.workspace_id, a.to_user_id, coalesce(a.rule_id, '00000000-0000-0000-0000-000000000000'::uuid),
         (a.at AT TIME ZONE coalesce(NEW.time_zone, 'UTC'))::date, count(*)::int
  FROM assignments a
  WHERE a.workspace_id = NEW.id AND a.to_user_id IS NOT NULL
  GROUP BY 1, 2, 3, 4
  ORDER BY 1, 2, 3, 4;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "workspaces_zone_recount" AFTER UPDATE OF "time_zone" ON "workspaces"
  FOR EACH ROW WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone) EXECUTE FUNCTION "assignment_counts_recount_zone"();
