CREATE TABLE "production_task_files" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"task_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"storage_key" text NOT NULL,
	"uploaded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "board_column" text DEFAULT 'todo' NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "board_lane" text GENERATED ALWAYS AS (CASE WHEN status = 'done' THEN 'done' ELSE board_column END) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "board_position" bigint DEFAULT (-(extract(epoch from clock_timestamp()) * 1000))::bigint NOT NULL;--> statement-breakpoint
ALTER TABLE "production_task_files" ADD CONSTRAINT "production_task_files_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_task_files" ADD CONSTRAINT "production_task_files_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "production_task_files" ADD CONSTRAINT "production_task_files_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "production_task_files_task_idx" ON "production_task_files" USING btree ("workspace_id","task_id","created_at");--> statement-breakpoint
CREATE INDEX "tasks_production_board_idx" ON "tasks" USING btree ("workspace_id","board_lane","board_position","id") WHERE type = 'production';--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_board_column_check" CHECK (board_column IN ('todo', 'doing', 'review'));