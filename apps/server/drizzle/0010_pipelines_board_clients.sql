CREATE TABLE "lost_reasons" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"archived_at" timestamp with time zone
);
--> statement-breakpoint
DROP INDEX "leads_ws_stage_idx";--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "client_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "pipeline_stages" ADD COLUMN "status" text DEFAULT 'in_contact' NOT NULL;--> statement-breakpoint
-- Existing stages get the category their kind implies; the first open stage of a pipeline is "new", an open stage
-- named like "qualified" is "qualified".
UPDATE "pipeline_stages" s SET "status" = CASE
	WHEN s."kind" = 'won' THEN 'converted'
	WHEN s."kind" = 'lost' THEN 'lost'
	WHEN lower(s."name") LIKE 'qualif%' THEN 'qualified'
	WHEN s."position" = (SELECT min(o."position") FROM "pipeline_stages" o WHERE o."pipeline_id" = s."pipeline_id" AND o."kind" = 'open' AND o."archived_at" IS NULL) THEN 'new'
	ELSE 'in_contact' END;--> statement-breakpoint
-- Active stages sharing a name (whatever the case) in a pipeline: later ones get " (2)", " (3)"… so the unique index holds.
UPDATE "pipeline_stages" s SET "name" = s."name" || ' (' || d.n || ')'
FROM (SELECT "id", row_number() OVER (PARTITION BY "pipeline_id", lower("name") ORDER BY "position", "created_at", "id") AS n
	FROM "pipeline_stages" WHERE "archived_at" IS NULL) d
WHERE d."id" = s."id" AND d.n > 1;--> statement-breakpoint
-- Leads already in a won stage are clients since their last stage move (or last update).
UPDATE "leads" l SET "client_since" = coalesce(
	(SELECT max(a."created_at") FROM "activities" a WHERE a."lead_id" = l."id" AND a."type" = 'stage_changed'), l."updated_at")
FROM "pipeline_stages" s WHERE s."id" = l."stage_id" AND s."kind" = 'won';--> statement-breakpoint
ALTER TABLE "lost_reasons" ADD CONSTRAINT "lost_reasons_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "lost_reasons_ws_idx" ON "lost_reasons" USING btree ("workspace_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "lost_reasons_active_name_key" ON "lost_reasons" USING btree ("workspace_id",lower("name")) WHERE archived_at IS NULL;--> statement-breakpoint
CREATE INDEX "leads_ws_stage_pos_idx" ON "leads" USING btree ("workspace_id","stage_id","stage_position","id") WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX "leads_ws_client_since_idx" ON "leads" USING btree ("workspace_id","client_since" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE client_since IS NOT NULL AND deleted_at IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "pipeline_stages_active_name_key" ON "pipeline_stages" USING btree ("pipeline_id",lower("name")) WHERE archived_at IS NULL;--> statement-breakpoint
ALTER TABLE "pipeline_stages" ADD CONSTRAINT "pipeline_stages_status_kind_check" CHECK ((kind = 'open' AND status IN ('new', 'in_contact', 'qualified')) OR (kind = 'won' AND status = 'converted') OR (kind = 'lost' AND status = 'lost'));--> statement-breakpoint
-- A lead that arrives in a column (insert, or a stage change that does not place it) goes on top: one probe of
-- leads_ws_stage_pos_idx. A move that places the card itself sets leadflow.keep_stage_position = 'on' (ADR 008).
CREATE FUNCTION "leads_place_in_column"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.stage_id IS NULL OR coalesce(current_setting('leadflow.keep_stage_position', true), '') = 'on' THEN
		RETURN NEW;
	END IF;
	IF TG_OP = 'UPDATE' AND NEW.stage_id IS NOT DISTINCT FROM OLD.stage_id THEN
		RETURN NEW;
	END IF;
	SELECT greatest(coalesce(min(l.stage_position), 0) - 1024, -2000000000) INTO NEW.stage_position
	FROM leads l WHERE l.workspace_id = NEW.workspace_id AND l.stage_id = NEW.stage_id AND l.deleted_at IS NULL;
	RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER "leads_place_in_column" BEFORE INSERT OR UPDATE OF "stage_id" ON "leads"
	FOR EACH ROW EXECUTE FUNCTION "leads_place_in_column"();
