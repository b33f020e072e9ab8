CREATE TABLE "tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"title" text NOT NULL,
	"type" text NOT NULL,
	"priority" text DEFAULT 'normal' NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"all_day" boolean DEFAULT false NOT NULL,
	"reminders" timestamp with time zone[] DEFAULT '{}'::timestamptz[] NOT NULL,
	"assignee_id" uuid,
	"lead_id" uuid,
	"description" text,
	"checklist" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"outcome" text,
	"outcome_note" text,
	"completed_at" timestamp with time zone,
	"completed_by" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_assignee_id_users_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_completed_by_users_id_fk" FOREIGN KEY ("completed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tasks_ws_assignee_open_due_idx" ON "tasks" USING btree ("workspace_id","assignee_id","due_at","id") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "tasks_ws_open_due_idx" ON "tasks" USING btree ("workspace_id","due_at","id") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "tasks_ws_lead_idx" ON "tasks" USING btree ("workspace_id","lead_id") WHERE lead_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "tasks_ws_done_idx" ON "tasks" USING btree ("workspace_id","assignee_id","completed_at") WHERE status = 'done';