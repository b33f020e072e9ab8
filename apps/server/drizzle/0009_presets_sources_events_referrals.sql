CREATE TABLE "lead_sources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"kind" text DEFAULT 'other' NOT NULL,
	"subtypes" text[] DEFAULT '{}'::text[] NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"archived_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "marketing_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"event_date" date,
	"place" text,
	"notes" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"archived_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "workspace_tags" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"color" text DEFAULT 'gray' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "source_detail" text;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "event_id" uuid;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "referral_type" text;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "referred_by_lead_id" uuid;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "referred_by_contact_id" uuid;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "referred_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "lead_sources" ADD CONSTRAINT "lead_sources_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "marketing_events" ADD CONSTRAINT "marketing_events_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "marketing_events" ADD CONSTRAINT "marketing_events_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_tags" ADD CONSTRAINT "workspace_tags_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "lead_sources_ws_name_key" ON "lead_sources" USING btree ("workspace_id",lower("name"));--> statement-breakpoint
CREATE INDEX "marketing_events_ws_date_idx" ON "marketing_events" USING btree ("workspace_id","event_date" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "marketing_events_ws_id_key" ON "marketing_events" USING btree ("workspace_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "workspace_tags_ws_name_key" ON "workspace_tags" USING btree ("workspace_id",lower("name"));--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_referred_by_lead_id_leads_id_fk" FOREIGN KEY ("referred_by_lead_id") REFERENCES "public"."leads"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_referred_by_contact_id_lead_contacts_id_fk" FOREIGN KEY ("referred_by_contact_id") REFERENCES "public"."lead_contacts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_event_fk" FOREIGN KEY ("workspace_id","event_id") REFERENCES "public"."marketing_events"("workspace_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "leads_ws_event_idx" ON "leads" USING btree ("workspace_id","event_id") WHERE event_id IS NOT NULL AND deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX "leads_ws_referrer_idx" ON "leads" USING btree ("workspace_id","referred_by_lead_id") WHERE referred_by_lead_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "leads_ws_referrer_contact_idx" ON "leads" USING btree ("workspace_id","referred_by_contact_id") WHERE referred_by_contact_id IS NOT NULL;