-- Speed to lead (ADR 012, "Update"): an owner's first action that comes after the SLA's due time, but before the
-- sweep ran (it runs every minute), used to count as on time because this trigger cleared the due time. It still
-- stops the clock (the owner acted, the lead stays theirs) and now also records the miss: an `sla_breached`
-- activity with `late: true`, counted by speed to lead like the sweep's own.
CREATE OR REPLACE FUNCTION "lead_speed_first_action"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	acted record;
BEGIN
	WITH before AS (
		SELECT s.lead_id, s.sla_due_at, s.rule_id FROM lead_speed s
		WHERE s.lead_id = NEW.lead_id AND s.workspace_id = NEW.workspace_id AND s.owner_id = NEW.actor_id AND s.owner_acted_at IS NULL
		FOR UPDATE
	)
	UPDATE lead_speed s SET
		owner_acted_at = NEW.created_at,
		sla_due_at = NULL,
		first_action_at = coalesce(s.first_action_at, NEW.created_at),
		first_action_type = coalesce(s.first_action_type, NEW.type),
		first_action_by = coalesce(s.first_action_by, NEW.actor_id)
	FROM before b
	WHERE s.lead_id = b.lead_id
	RETURNING b.sla_due_at AS due_at, b.rule_id AS rule_id INTO acted;
	IF acted.due_at IS NOT NULL AND NEW.created_at > acted.due_at THEN
		INSERT INTO activities (workspace_id, lead_id, type, actor_id, data, created_at)
		SELECT NEW.workspace_id, NEW.lead_id, 'sla_breached', NULL,
			jsonb_build_object(
				'ownerId', NEW.actor_id,
				'owner', jsonb_build_object('id', NEW.actor_id, 'name', coalesce(u.name, 'Former member')),
				'slaMinutes', r.sla_minutes,
				'ruleId', acted.rule_id,
				'ruleName', r.name,
				'late', true,
				'lateSeconds', floor(extract(epoch FROM NEW.created_at - acted.due_at))::int,
				'actedAt', to_char(NEW.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
				'reassignedTo', NULL,
				'capReached', false
			),
			NEW.created_at
		FROM (SELECT 1) one
		LEFT JOIN users u ON u.id = NEW.actor_id
		LEFT JOIN distribution_rules r ON r.id = acted.rule_id;
	END IF;
	RETURN NULL;
END $$;
