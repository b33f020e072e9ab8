-- The workspace's assignment log (GET /distribution/assignments, ADR 030), newest first: (at, id) read backwards.
-- An agent's own log also lists the records that took a lead from them; capture's records (no from_user_id) skip it.
CREATE INDEX "assignments_ws_at_idx" ON "assignments" USING btree ("workspace_id","at","id");--> statement-breakpoint
CREATE INDEX "assignments_ws_from_idx" ON "assignments" USING btree ("workspace_id","from_user_id","at") WHERE from_user_id IS NOT NULL;
