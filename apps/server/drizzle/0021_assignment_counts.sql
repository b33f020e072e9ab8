CREATE TABLE "assignment_counts" (
	"workspace_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"rule_key" uuid NOT NULL,
	"day" date NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "assignment_counts_workspace_id_user_id_day_rule_key_pk" PRIMARY KEY("workspace_id","user_id","day","rule_key")
);
--> statement-breakpoint
ALTER TABLE "assignment_counts" ADD CONSTRAINT "assignment_counts_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignment_counts" ADD CONSTRAINT "assignment_counts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Kept by the database itself, whoever writes assignments (distribution, claims, SLA, manual changes, imports):
-- one set-based upsert per statement, rows in key order so concurrent writers lock them in the same order.
CREATE FUNCTION "assignment_counts_add"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO assignment_counts (workspace_id, user_id, rule_key, day, n)
  SELECT a.workspace_id, a.to_user_id, coalesce(a.rule_id, '00000000-0000-0000-0000-000000000000'::uuid),
         (a.at AT TIME ZONE coalesce(w.time_zone, 'UTC'))::date, count(*)::int
  FROM new_rows a JOIN workspaces w ON w.id = a.workspace_id
  WHERE a.to_user_id IS NOT NULL
  GROUP BY 1, 2, 3, 4
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (workspace_id, user_id, day, rule_key) DO UPDATE SET n = assignment_counts.n + excluded.n;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "assignment_counts_remove"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE assignment_counts c SET n = greatest(c.n - d.n, 0)
  FROM (
    SELECT a.workspace_id, a.to_user_id AS user_id, coalesce(a.rule_id, '00000000-0000-0000-0000-000000000000'::uuid) AS rule_key,
           (a.at AT TIME ZONE coalesce(w.time_zone, 'UTC'))::date AS day, count(*)::int AS n
    FROM old_rows a JOIN workspaces w ON w.id = a.workspace_id
    WHERE a.to_user_id IS NOT NULL
    GROUP BY 1, 2, 3, 4
  ) d
  WHERE c.workspace_id = d.workspace_id AND c.user_id = d.user_id AND c.rule_key = d.rule_key AND c.day = d.day;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "assignments_count_insert" AFTER INSERT ON "assignments" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "assignment_counts_add"();
--> statement-breakpoint
CREATE TRIGGER "assignments_count_delete" AFTER DELETE ON "assignments" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "assignment_counts_remove"();
--> statement-breakpoint
-- The counts of the assignments already made (the last 8 days are all that caps and loads read).
INSERT INTO assignment_counts (workspace_id, user_id, rule_key, day, n)
SELECT a.workspace_id, a.to_user_id, coalesce(a.rule_id, '00000000-0000-0000-0000-000000000000'::uuid),
       (a.at AT TIME ZONE coalesce(w.time_zone, 'UTC'))::date, count(*)::int
FROM assignments a JOIN workspaces w ON w.id = a.workspace_id
WHERE a.to_user_id IS NOT NULL AND a.at >= now() - interval '8 days'
GROUP BY 1, 2, 3, 4;
