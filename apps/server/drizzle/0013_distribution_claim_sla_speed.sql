CREATE TABLE "lead_offers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"lead_id" uuid NOT NULL,
	"rule_id" uuid,
	"offered_to" uuid[] NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"offered_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"claimed_by" uuid,
	"claimed_at" timestamp with time zone,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "lead_speed" (
	"lead_id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"owner_id" uuid,
	"rule_id" uuid,
	"assigned_at" timestamp with time zone NOT NULL,
	"sla_due_at" timestamp with time zone,
	"owner_acted_at" timestamp with time zone,
	"first_action_at" timestamp with time zone,
	"first_action_type" text,
	"first_action_by" uuid,
	"reassignments" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "distribution_rules" ADD COLUMN "claim_timeout_minutes" integer DEFAULT 5 NOT NULL;--> statement-breakpoint
ALTER TABLE "distribution_rules" ADD COLUMN "sla_minutes" integer;--> statement-breakpoint
ALTER TABLE "distribution_rules" ADD COLUMN "max_reassignments" integer DEFAULT 2 NOT NULL;--> statement-breakpoint
ALTER TABLE "lead_offers" ADD CONSTRAINT "lead_offers_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_offers" ADD CONSTRAINT "lead_offers_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_offers" ADD CONSTRAINT "lead_offers_rule_id_distribution_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."distribution_rules"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_offers" ADD CONSTRAINT "lead_offers_claimed_by_users_id_fk" FOREIGN KEY ("claimed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_speed" ADD CONSTRAINT "lead_speed_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_speed" ADD CONSTRAINT "lead_speed_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_speed" ADD CONSTRAINT "lead_speed_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_speed" ADD CONSTRAINT "lead_speed_rule_id_distribution_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."distribution_rules"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_speed" ADD CONSTRAINT "lead_speed_first_action_by_users_id_fk" FOREIGN KEY ("first_action_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "lead_offers_open_lead_key" ON "lead_offers" USING btree ("lead_id") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "lead_offers_open_due_idx" ON "lead_offers" USING btree ("expires_at") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "lead_offers_ws_open_idx" ON "lead_offers" USING btree ("workspace_id","offered_at") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "lead_speed_ws_waiting_idx" ON "lead_speed" USING btree ("workspace_id","owner_id") WHERE owner_acted_at IS NULL;--> statement-breakpoint
CREATE INDEX "lead_speed_sla_due_idx" ON "lead_speed" USING btree ("sla_due_at") WHERE sla_due_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX "lead_speed_ws_first_action_idx" ON "lead_speed" USING btree ("workspace_id","first_action_at");--> statement-breakpoint
-- Speed to lead and SLA (ADR 012): the owner's first action (a call or message logged, a stage change, a note) is
-- stamped on lead_speed by the statement that writes the activity, whichever module writes it.
CREATE FUNCTION "lead_speed_first_action"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE lead_speed s SET
		owner_acted_at = NEW.created_at,
		sla_due_at = NULL,
		first_action_at = coalesce(s.first_action_at, NEW.created_at),
		first_action_type = coalesce(s.first_action_type, NEW.type),
		first_action_by = coalesce(s.first_action_by, NEW.actor_id)
	WHERE s.lead_id = NEW.lead_id AND s.workspace_id = NEW.workspace_id AND s.owner_id = NEW.actor_id AND s.owner_acted_at IS NULL;
	RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "lead_speed_first_action" AFTER INSERT ON "activities"
	FOR EACH ROW WHEN (NEW.actor_id IS NOT NULL AND NEW.type IN ('call', 'message', 'stage_changed', 'note'))
	EXECUTE FUNCTION "lead_speed_first_action"();
