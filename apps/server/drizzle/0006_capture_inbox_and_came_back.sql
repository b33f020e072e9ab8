DROP INDEX "meta_lead_events_pending_idx";--> statement-breakpoint
ALTER TABLE "integration_log" ADD COLUMN "connection_id" uuid;--> statement-breakpoint
ALTER TABLE "meta_connections" ADD COLUMN "last_error_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "meta_connections" ADD COLUMN "throttled_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "meta_form_mappings" ADD COLUMN "enabled" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "meta_form_mappings" ADD COLUMN "last_synced_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "meta_lead_events" ADD COLUMN "next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "meta_lead_events" ADD COLUMN "locked_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "came_back_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "meta_lead_events_due_idx" ON "meta_lead_events" USING btree ("next_attempt_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "meta_lead_events_conn_idx" ON "meta_lead_events" USING btree ("connection_id","status","updated_at");--> statement-breakpoint
CREATE INDEX "leads_ws_came_back_idx" ON "leads" USING btree ("workspace_id","came_back_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE came_back_at IS NOT NULL AND deleted_at IS NULL;