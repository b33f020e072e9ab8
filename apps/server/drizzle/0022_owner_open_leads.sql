CREATE TABLE "owner_open_leads" (
	"workspace_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "owner_open_leads_workspace_id_user_id_pk" PRIMARY KEY("workspace_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "owner_open_leads" ADD CONSTRAINT "owner_open_leads_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Kept by the database itself, whoever writes leads (capture, imports, edits, moves, bulk changes, trash, deletes):
-- statement-level triggers with transition tables, one set-based change per statement; a lead is open while it is
-- live and its stage (if any) is of kind open.
CREATE FUNCTION "owner_open_leads_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO owner_open_leads (workspace_id, user_id, n)
  SELECT l.workspace_id, l.owner_id, count(*)::int
  FROM new_rows l LEFT JOIN pipeline_stages s ON s.id = l.stage_id
  WHERE l.owner_id IS NOT NULL AND l.deleted_at IS NULL AND (s.kind IS NULL OR s.kind = 'open')
  GROUP BY 1, 2
  ORDER BY 1, 2
  ON CONFLICT (workspace_id, user_id) DO UPDATE SET n = owner_open_leads.n + excluded.n;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "owner_open_leads_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO owner_open_leads (workspace_id, user_id, n)
  SELECT workspace_id, owner_id, sum(delta)::int FROM (
    SELECT l.workspace_id, l.owner_id, 1 AS delta
    FROM new_rows l LEFT JOIN pipeline_stages s ON s.id = l.stage_id
    WHERE l.owner_id IS NOT NULL AND l.deleted_at IS NULL AND (s.kind IS NULL OR s.kind = 'open')
    UNION ALL
    SELECT l.workspace_id, l.owner_id, -1 AS delta
    FROM old_rows l LEFT JOIN pipeline_stages s ON s.id = l.stage_id
    WHERE l.owner_id IS NOT NULL AND l.deleted_at IS NULL AND (s.kind IS NULL OR s.kind = 'open')
  ) x
  GROUP BY 1, 2
  HAVING sum(delta) <> 0
  ORDER BY 1, 2
  ON CONFLICT (workspace_id, user_id) DO UPDATE SET n = owner_open_leads.n + excluded.n;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "owner_open_leads_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE owner_open_leads o SET n = o.n - d.n
  FROM (
    SELECT l.workspace_id, l.owner_id, count(*)::int AS n
    FROM old_rows l LEFT JOIN pipeline_stages s ON s.id = l.stage_id
    WHERE l.owner_id IS NOT NULL AND l.deleted_at IS NULL AND (s.kind IS NULL OR s.kind = 'open')
    GROUP BY 1, 2
  ) d
  WHERE o.workspace_id = d.workspace_id AND o.user_id = d.owner_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- A stage whose kind changes turns its leads open or closed: the workspace's counts are counted again.
CREATE FUNCTION "owner_open_leads_recount"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM owner_open_leads WHERE workspace_id = NEW.workspace_id;
  INSERT INTO owner_open_leads (workspace_id, user_id, n)
  SELECT l.workspace_id, l.owner_id, count(*)::int
  FROM leads l LEFT JOIN pipeline_stages s ON s.id = l.stage_id
  WHERE l.workspace_id = NEW.workspace_id AND l.owner_id IS NOT NULL AND l.deleted_at IS NULL AND (s.kind IS NULL OR s.kind = 'open')
  GROUP BY 1, 2;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "leads_open_count_insert" AFTER INSERT ON "leads" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "owner_open_leads_insert"();
--> statement-breakpoint
CREATE TRIGGER "leads_open_count_update" AFTER UPDATE ON "leads" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "owner_open_leads_update"();
--> statement-breakpoint
CREATE TRIGGER "leads_open_count_delete" AFTER DELETE ON "leads" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "owner_open_leads_delete"();
--> statement-breakpoint
CREATE TRIGGER "pipeline_stages_kind_recount" AFTER UPDATE OF "kind" ON "pipeline_stages" FOR EACH ROW WHEN (OLD.kind IS DISTINCT FROM NEW.kind) EXECUTE FUNCTION "owner_open_leads_recount"();
--> statement-breakpoint
INSERT INTO owner_open_leads (workspace_id, user_id, n)
SELECT l.workspace_id, l.owner_id, count(*)::int
FROM leads l LEFT JOIN pipeline_stages s ON s.id = l.stage_id
WHERE l.owner_id IS NOT NULL AND l.deleted_at IS NULL AND (s.kind IS NULL OR s.kind = 'open')
GROUP BY 1, 2;
