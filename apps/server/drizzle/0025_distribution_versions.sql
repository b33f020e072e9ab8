CREATE TABLE "distribution_versions" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL
);
--> statement-breakpoint
-- What distribution caches per workspace changes with its version (ADR 025): every change to the rules, their groups,
-- the members' status or names, lead custom fields or the time zone sets it to a new number of a sequence (never
-- reused, even when the changing transaction rolls back, so a cache filled from uncommitted rules cannot match a
-- later version). The rows stay small: one per workspace, written only by these (rare) changes.
CREATE SEQUENCE "distribution_version_seq";
--> statement-breakpoint
CREATE FUNCTION "distribution_version_bump"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ws uuid;
BEGIN
  IF TG_TABLE_NAME = 'workspaces' THEN
    ws := NEW.id;
  ELSIF TG_OP = 'DELETE' THEN
    ws := OLD.workspace_id;
  ELSE
    ws := NEW.workspace_id;
  END IF;
  INSERT INTO distribution_versions (workspace_id, version) VALUES (ws, nextval('distribution_version_seq'))
  ON CONFLICT (workspace_id) DO UPDATE SET version = EXCLUDED.version;
  -- A member or a field moved to another workspace: that one changes too.
  IF TG_OP = 'UPDATE' AND TG_TABLE_NAME <> 'workspaces' THEN
    IF OLD.workspace_id IS DISTINCT FROM NEW.workspace_id THEN
      INSERT INTO distribution_versions (workspace_id, version) VALUES (OLD.workspace_id, nextval('distribution_version_seq'))
      ON CONFLICT (workspace_id) DO UPDATE SET version = EXCLUDED.version;
    END IF;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "distribution_version_bump_user"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO distribution_versions (workspace_id, version)
  SELECT m.workspace_id, nextval('distribution_version_seq') FROM memberships m WHERE m.user_id = NEW.id ORDER BY m.workspace_id
  ON CONFLICT (workspace_id) DO UPDATE SET version = EXCLUDED.version;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "distribution_rules_version" AFTER INSERT OR UPDATE OR DELETE ON "distribution_rules"
  FOR EACH ROW EXECUTE FUNCTION "distribution_version_bump"();
--> statement-breakpoint
CREATE TRIGGER "distribution_rule_members_version" AFTER INSERT OR UPDATE OR DELETE ON "distribution_rule_members"
  FOR EACH ROW EXECUTE FUNCTION "distribution_version_bump"();
--> statement-breakpoint
CREATE TRIGGER "memberships_distribution_version" AFTER INSERT OR DELETE OR UPDATE OF "status", "workspace_id" ON "memberships"
  FOR EACH ROW EXECUTE FUNCTION "distribution_version_bump"();
--> statement-breakpoint
CREATE TRIGGER "custom_fields_distribution_version" AFTER INSERT OR UPDATE OR DELETE ON "custom_fields"
  FOR EACH ROW EXECUTE FUNCTION "distribution_version_bump"();
--> statement-breakpoint
CREATE TRIGGER "workspaces_distribution_version" AFTER UPDATE OF "time_zone" ON "workspaces"
  FOR EACH ROW WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone) EXECUTE FUNCTION "distribution_version_bump"();
--> statement-breakpoint
CREATE TRIGGER "users_distribution_version" AFTER UPDATE OF "name" ON "users"
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION "distribution_version_bump_user"();
