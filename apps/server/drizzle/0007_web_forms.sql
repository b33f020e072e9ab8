CREATE TABLE "web_form_submissions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"form_id" uuid NOT NULL,
	"nonce" text NOT NULL,
	"lead_id" uuid,
	"outcome" text,
	"answers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"attribution" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "web_form_throttle" (
	"form_id" uuid NOT NULL,
	"client_key" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"hits" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "web_form_throttle_form_id_client_key_pk" PRIMARY KEY("form_id","client_key")
);
--> statement-breakpoint
CREATE TABLE "web_forms" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"public_id" text NOT NULL,
	"name" text NOT NULL,
	"title" text,
	"intro" text,
	"fields" jsonb NOT NULL,
	"consent_text" text,
	"submit_label" text,
	"success_message" text,
	"redirect_url" text,
	"source" text,
	"campaign" text,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"stage_id" uuid,
	"active" boolean DEFAULT true NOT NULL,
	"allowed_origins" text[] DEFAULT '{}'::text[] NOT NULL,
	"min_seconds_to_submit" integer DEFAULT 3 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "web_form_submissions" ADD CONSTRAINT "web_form_submissions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web_form_submissions" ADD CONSTRAINT "web_form_submissions_form_id_web_forms_id_fk" FOREIGN KEY ("form_id") REFERENCES "public"."web_forms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web_form_submissions" ADD CONSTRAINT "web_form_submissions_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web_form_throttle" ADD CONSTRAINT "web_form_throttle_form_id_web_forms_id_fk" FOREIGN KEY ("form_id") REFERENCES "public"."web_forms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web_forms" ADD CONSTRAINT "web_forms_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web_forms" ADD CONSTRAINT "web_forms_stage_id_pipeline_stages_id_fk" FOREIGN KEY ("stage_id") REFERENCES "public"."pipeline_stages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "web_forms" ADD CONSTRAINT "web_forms_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "web_form_submissions_nonce_key" ON "web_form_submissions" USING btree ("form_id","nonce");--> statement-breakpoint
CREATE INDEX "web_form_submissions_form_idx" ON "web_form_submissions" USING btree ("workspace_id","form_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "web_form_submissions_lead_idx" ON "web_form_submissions" USING btree ("lead_id");--> statement-breakpoint
CREATE INDEX "web_form_throttle_window_idx" ON "web_form_throttle" USING btree ("window_start");--> statement-breakpoint
CREATE UNIQUE INDEX "web_forms_public_key" ON "web_forms" USING btree ("public_id");--> statement-breakpoint
CREATE INDEX "web_forms_ws_idx" ON "web_forms" USING btree ("workspace_id","created_at");