-- Runs in the migrator's transaction. No assignment may be written or deleted (CREATE INDEX's SHARE lock) and no
-- count changed (a time-zone recount, 0024) until it commits: the recount below must see every record exactly once.
LOCK TABLE "assignments" IN SHARE MODE;--> statement-breakpoint
LOCK TABLE "assignment_counts" IN EXCLUSIVE MODE;--> statement-breakpoint
-- The assignment log's counts per recipient (ADR 030) are read from assignment_counts (ADR 022) when the filter allows:
-- the records that left a lead without an owner, which that table does not hold, are counted through this index...
CREATE INDEX "assignments_ws_ownerless_idx" ON "assignments" USING btree ("workspace_id","at") WHERE to_user_id IS NULL;--> statement-breakpoint
-- ...and the table must hold every day, not only the last 8 days migration 0021 counted (caps and loads read no
-- further back). Recounted from the records, as a time-zone change does (0024); the triggers keep it from here.
DELETE FROM assignment_counts;--> statement-breakpoint
INSERT INTO assignment_counts (workspace_id, user_id, rule_key, day, n)
SELECT a.workspace_id, a.to_user_id, coalesce(a.rule_id, '00000000-0000-0000-0000-000000000000'::uuid),
       (a.at AT TIME ZONE coalesce(w.time_zone, 'UTC'))::date, count(*)::int
FROM assignments a JOIN workspaces w ON w.id = a.workspace_id
WHERE a.to_user_id IS NOT NULL
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4;
