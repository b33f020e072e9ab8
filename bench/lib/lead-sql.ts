import {
  BR_CITIES,
  BR_COMPANY_NAME,
  BR_COMPANY_PREFIX,
  BR_EMAIL_DOMAINS,
  BR_FIRST,
  BR_LAST,
  CAMPAIGNS,
  EMAIL_SUBJECTS,
  EN_FIRST,
  EN_LAST,
  LOST_REASONS,
  NOTES,
  PROPERTY_TYPES,
  SOURCES,
  TAGS,
  US_CITIES,
  US_COMPANY_NAME,
  US_COMPANY_SUFFIX,
  US_EMAIL_DOMAINS,
  lit,
  textArray,
} from './dataset.ts';

const UUID = /^[0-9a-f-]{36}$/;
const uuidLit = (id: string): string => {
  if (!UUID.test(id)) throw new Error(`not a uuid: ${id}`);
  return `'${id}'::uuid`;
};
const uuidArray = (ids: string[]): string => `ARRAY[${ids.map(uuidLit).join(',')}]::uuid[]`;
const ACCENTS_FROM = lit('áàâãäéèêëíìîïóòôõöúùûüç');
const ACCENTS_TO = lit('aaaaaeeeeiiiiooooouuuuc');

export type LeadChunk = {
  /** Global ordinals [lo, hi] of the rows to insert: unique across workspaces, they seed every value. */
  lo: number;
  hi: number;
  /** First ordinal of the workspace and its lead count: created_at is spread over 2 years along them. */
  base: number;
  count: number;
  workspaceId: string;
  pipelineId: string;
  /** The pipeline's stages in order: New, Contacted, Qualified, Won, Lost. */
  stageIds: string[];
  ownerIds: string[];
  createdBy: string;
  nowEpoch: number;
};

const TWO_YEARS = 730 * 86_400;

/**
 * One INSERT … SELECT FROM generate_series that writes leads [lo, hi]. Every value comes from hashes of the
 * ordinal, so a run is reproducible (except the random UUIDs) and needs no data from the client.
 * Phones follow phoneSearchDigits() (apps/server/src/platform/geo/phone.ts): raw digits, E.164 digits and
 * national digits, de-duplicated, in that order. Brazilian numbers are typed in national or international
 * format (the workspace's default country is BR), US numbers always in international format.
 */
export function insertLeadsSql(c: LeadChunk): string {
  if (c.stageIds.length !== 5) throw new Error('expected the 5 default stages');
  const h = (k: number) => `(hashint8(i * 32 + ${k}) & 2147483647)`;
  const start = c.nowEpoch - TWO_YEARS;
  return `
INSERT INTO leads (workspace_id, first_name, last_name, company, phones, phone_e164, emails, source, campaign, city, state,
  country, zip, time_zone, tags, owner_id, pipeline_id, stage_id, stage_position, score, next_follow_up_at, lost_reason,
  custom, origin, external_id, created_by, created_at, updated_at, last_activity_at, deleted_at, deleted_by,
  phone_search, email_search)
SELECT ${uuidLit(c.workspaceId)}, first_name, last_name, company,
  CASE WHEN has_phone THEN
    jsonb_build_array(jsonb_build_object('raw', raw1, 'e164', '+' || cc || nat1, 'label', 'mobile'))
    || CASE WHEN has_phone2 THEN jsonb_build_array(jsonb_build_object('raw', raw2, 'e164', '+' || cc || nat2, 'label', 'work')) ELSE '[]'::jsonb END
  ELSE '[]'::jsonb END,
  CASE WHEN has_phone THEN ARRAY['+' || cc || nat1] || CASE WHEN has_phone2 THEN ARRAY['+' || cc || nat2] ELSE '{}'::text[] END ELSE '{}'::text[] END,
  emails, source, campaign, city, state, country, zip, time_zone, tags, owner_id, ${uuidLit(c.pipelineId)}, stage_id,
  stage_position, score,
  CASE WHEN stage_idx <= 3 AND h17 % 10 < 3 THEN to_timestamp(${c.nowEpoch} - 20 * 86400 + (h17 / 10) % (60 * 86400)) END,
  CASE WHEN stage_idx = 5 THEN (${textArray(LOST_REASONS)})[1 + (h17 / 10) % ${LOST_REASONS.length}] END,
  custom, origin,
  CASE origin WHEN 'meta' THEN 'leadgen_' || i WHEN 'import' THEN 'import_' || i END,
  ${uuidLit(c.createdBy)}, created_at, updated_at, updated_at,
  CASE WHEN deleted THEN least(updated_at + interval '1 day', to_timestamp(${c.nowEpoch})) END,
  CASE WHEN deleted THEN ${uuidLit(c.createdBy)} END,
  CASE WHEN has_phone THEN
    (CASE WHEN fmt = 0 THEN cc || nat1 || ' ' || nat1 ELSE nat1 || ' ' || cc || nat1 END)
    || CASE WHEN has_phone2 AND br THEN ' ' || nat2 || ' ' || cc || nat2 WHEN has_phone2 THEN ' ' || cc || nat2 || ' ' || nat2 ELSE '' END
  ELSE '' END,
  array_to_string(emails, ' ')
FROM (
  SELECT *,
    CASE WHEN br THEN '55' ELSE '1' END AS cc,
    ddd || sub1 AS nat1,
    ddd || sub2 AS nat2,
    CASE WHEN br AND fmt = 1 THEN '(' || ddd || ') ' || left(sub1, 5) || '-' || right(sub1, 4)
         WHEN br THEN '+55 ' || ddd || ' ' || left(sub1, 5) || '-' || right(sub1, 4)
         ELSE '+1 ' || ddd || '-' || left(sub1, 3) || '-' || right(sub1, 4) END AS raw1,
    CASE WHEN br THEN '(' || ddd || ') ' || left(sub2, 5) || '-' || right(sub2, 4)
         ELSE '+1 (' || ddd || ') ' || left(sub2, 3) || '-' || right(sub2, 4) END AS raw2,
    CASE WHEN h12 % 100 < 90 THEN
      ARRAY[tfn || CASE h11 % 3 WHEN 0 THEN '.' || tln WHEN 1 THEN tln ELSE '_' || left(tln, 1) END || (i % 100000)::text || '@'
        || CASE WHEN br THEN (${textArray(BR_EMAIL_DOMAINS)})[1 + (h11 / 3) % ${BR_EMAIL_DOMAINS.length}]
                ELSE (${textArray(US_EMAIL_DOMAINS)})[1 + (h11 / 3) % ${US_EMAIL_DOMAINS.length}] END]
      || CASE WHEN (h12 / 100) % 100 < 5 THEN
           ARRAY[tfn || '.' || tln || '@' || regexp_replace(translate(lower(coalesce(company, last_name)), ${ACCENTS_FROM}, ${ACCENTS_TO}), '[^a-z]', '', 'g')
             || CASE WHEN br THEN '.com.br' ELSE '.com' END]
         ELSE '{}'::text[] END
    ELSE '{}'::text[] END AS emails
  FROM (
    SELECT *,
      translate(lower(first_name), ${ACCENTS_FROM}, ${ACCENTS_TO}) AS tfn,
      translate(lower(last_name), ${ACCENTS_FROM}, ${ACCENTS_TO}) AS tln
    FROM (
      SELECT i, h11, h12, h17, br, fmt, has_phone, has_phone2, stage_idx, deleted, created_at,
        least(created_at + make_interval(secs => h8 % (120 * 86400)), to_timestamp(${c.nowEpoch})) AS updated_at,
        CASE WHEN brname THEN (${textArray(BR_FIRST)})[1 + h4 % ${BR_FIRST.length}] ELSE (${textArray(EN_FIRST)})[1 + h4 % ${EN_FIRST.length}] END AS first_name,
        CASE WHEN brname THEN (${textArray(BR_LAST)})[1 + h5 % ${BR_LAST.length}] ELSE (${textArray(EN_LAST)})[1 + h5 % ${EN_LAST.length}] END AS last_name,
        CASE WHEN h6 % 100 < 40 THEN
          CASE WHEN br THEN (${textArray(BR_COMPANY_PREFIX)})[1 + (h6 / 100) % ${BR_COMPANY_PREFIX.length}] || ' ' || (${textArray(BR_COMPANY_NAME)})[1 + (h6 / 1000) % ${BR_COMPANY_NAME.length}]
               ELSE (${textArray(US_COMPANY_NAME)})[1 + (h6 / 100) % ${US_COMPANY_NAME.length}] || ' ' || (${textArray(US_COMPANY_SUFFIX)})[1 + (h6 / 10000) % ${US_COMPANY_SUFFIX.length}] END
        END AS company,
        CASE WHEN br THEN (${textArray(BR_CITIES.map((x) => x.ddd))})[ci] ELSE (${textArray(US_CITIES.map((x) => x.ddd))})[ci] END AS ddd,
        CASE WHEN br THEN '9' || (6 + h7 % 4)::text || lpad((h8 % 10000000)::text, 7, '0')
             ELSE (2 + h7 % 8)::text || ((h7 / 8) % 10)::text || (2 + (h7 / 80) % 8)::text || lpad((h8 % 10000)::text, 4, '0') END AS sub1,
        CASE WHEN br THEN '9' || (6 + h10 % 4)::text || lpad(((h10 / 4) % 10000000)::text, 7, '0')
             ELSE (2 + h10 % 8)::text || ((h10 / 8) % 10)::text || (2 + (h10 / 80) % 8)::text || lpad(((h10 / 640) % 10000)::text, 4, '0') END AS sub2,
        CASE WHEN br THEN 'BR' ELSE 'US' END AS country,
        CASE WHEN br THEN (${textArray(BR_CITIES.map((x) => x.city))})[ci] ELSE (${textArray(US_CITIES.map((x) => x.city))})[ci] END AS city,
        CASE WHEN br THEN (${textArray(BR_CITIES.map((x) => x.state))})[ci] ELSE (${textArray(US_CITIES.map((x) => x.state))})[ci] END AS state,
        CASE WHEN br THEN (${textArray(BR_CITIES.map((x) => x.tz))})[ci] ELSE (${textArray(US_CITIES.map((x) => x.tz))})[ci] END AS time_zone,
        CASE WHEN br THEN (${textArray(BR_CITIES.map((x) => x.zip))})[ci] || lpad(((h2 / 10) % 1000)::text, 3, '0') || '-' || lpad(((h2 / 10000) % 1000)::text, 3, '0')
             ELSE (${textArray(US_CITIES.map((x) => x.zip))})[ci] || lpad(((h2 / 10) % 100)::text, 2, '0') END AS zip,
        (${textArray(SOURCES)})[1 + h13 % ${SOURCES.length}] AS source,
        CASE WHEN (h13 / 8) % 10 < 7 THEN (${textArray(CAMPAIGNS)})[1 + (h13 / 80) % ${CAMPAIGNS.length}] END AS campaign,
        CASE h14 % 4
          WHEN 0 THEN '{}'::text[]
          WHEN 1 THEN ARRAY[(${textArray(TAGS)})[1 + (h14 / 4) % 10]]
          WHEN 2 THEN ARRAY[(${textArray(TAGS)})[1 + (h14 / 4) % 10], (${textArray(TAGS)})[1 + ((h14 / 4) % 10 + 1 + (h14 / 40) % 4) % 10]]
          ELSE ARRAY[(${textArray(TAGS)})[1 + (h14 / 4) % 10], (${textArray(TAGS)})[1 + ((h14 / 4) % 10 + 1 + (h14 / 40) % 4) % 10],
                     (${textArray(TAGS)})[1 + ((h14 / 4) % 10 + 5 + (h14 / 160) % 4) % 10]]
        END AS tags,
        CASE WHEN h15 % 100 < 88 THEN (${uuidArray(c.ownerIds)})[1 + (h15 / 100) % ${c.ownerIds.length}] END AS owner_id,
        (${uuidArray(c.stageIds)})[stage_idx] AS stage_id,
        (i - ${c.base})::int AS stage_position,
        CASE WHEN (h16 / 100) % 10 = 0 THEN NULL ELSE (h16 / 1000) % 101 END AS score,
        jsonb_strip_nulls(jsonb_build_object(
          'budget', CASE WHEN h18 % 10 < 7 THEN ((50 + (h18 / 10) % 1950) * 1000) END,
          'property_type', CASE WHEN (h18 / 20000) % 10 < 8 THEN (${textArray(PROPERTY_TYPES.map((p) => p.value))})[1 + (h18 / 200000) % ${PROPERTY_TYPES.length}] END,
          'birth_date', CASE WHEN h19 % 10 < 4 THEN to_char(date '1950-01-01' + ((h19 / 10) % 20000)::int, 'YYYY-MM-DD') END
        )) AS custom,
        CASE WHEN h20 % 100 < 45 THEN 'web_form' WHEN h20 % 100 < 65 THEN 'meta' WHEN h20 % 100 < 75 THEN 'whatsapp'
             WHEN h20 % 100 < 85 THEN 'import' WHEN h20 % 100 < 95 THEN 'manual' ELSE 'api' END AS origin
      FROM (
        SELECT *,
          (h1 % 100) < 60 AS br,
          1 + h2 % 10 AS ci,
          ((h1 % 100) < 60) <> (h3 % 10 = 0) AS brname,
          CASE WHEN (h1 % 100) < 60 THEN (h9 % 2)::int ELSE 0 END AS fmt,
          (h9 / 2) % 100 >= 3 AS has_phone,
          (h9 / 200) % 100 < 6 AS has_phone2,
          CASE WHEN h16 % 100 < 35 THEN 1 WHEN h16 % 100 < 60 THEN 2 WHEN h16 % 100 < 80 THEN 3 WHEN h16 % 100 < 88 THEN 4 ELSE 5 END AS stage_idx,
          (h20 / 100) % 100 < 1 AS deleted,
          to_timestamp(${start} + (i - ${c.base})::float8 * ${TWO_YEARS} / ${Math.max(1, c.count)} - h3 % 3600) AS created_at
        FROM (
          SELECT i, ${Array.from({ length: 20 }, (_, k) => `${h(k + 1)} AS h${k + 1}`).join(', ')}
          FROM generate_series(${c.lo}::bigint, ${c.hi}::bigint) AS i
        ) hashes
      ) picks
    ) named
  ) translit
) final`;
}

/** 200 activities for each of the given leads: a long timeline to page through. */
export function insertHeavyTimelinesSql(leadIds: string[], stageIds: string[], perLead: number): string {
  return activitiesSql(`FROM leads l CROSS JOIN generate_series(1, ${perLead}) AS k WHERE l.id = ANY(${uuidArray(leadIds)})`, `${perLead}`, stageIds);
}

/** 1–3 activities for about 10% of the leads (chosen by a hash of the id), except the heavy ones. */
export function insertSparseTimelinesSql(exclude: string[], stageIds: string[]): string {
  const hash = `(hashtext(l.id::text) & 2147483647)`;
  return activitiesSql(
    `FROM leads l CROSS JOIN LATERAL generate_series(1, 1 + (${hash} / 10) % 3) AS k
     WHERE ${hash} % 10 = 0 AND NOT (l.id = ANY(${uuidArray(exclude)}))`,
    `(1 + (${hash} / 10) % 3)`,
    stageIds,
  );
}

function activitiesSql(from: string, countExpr: string, stageIds: string[]): string {
  const t = `(k + (hashtext(l.id::text) & 7))`;
  return `
INSERT INTO activities (workspace_id, lead_id, type, actor_id, data, created_at)
SELECT l.workspace_id, l.id,
  (ARRAY['note','call','email_sent','whatsapp_message','stage_changed','assigned'])[1 + ${t} % 6],
  coalesce(l.owner_id, l.created_by),
  CASE 1 + ${t} % 6
    WHEN 1 THEN jsonb_build_object('body', (${textArray(NOTES)})[1 + (k * 7) % ${NOTES.length}])
    WHEN 2 THEN jsonb_build_object('direction', CASE WHEN k % 3 = 0 THEN 'inbound' ELSE 'outbound' END, 'durationSec', (k * 37) % 900,
                                   'outcome', (ARRAY['answered','no_answer','voicemail'])[1 + k % 3])
    WHEN 3 THEN jsonb_build_object('subject', (${textArray(EMAIL_SUBJECTS)})[1 + k % ${EMAIL_SUBJECTS.length}], 'to', l.emails[1])
    WHEN 4 THEN jsonb_build_object('direction', CASE WHEN k % 2 = 0 THEN 'inbound' ELSE 'outbound' END, 'text', (${textArray(NOTES)})[1 + (k * 3) % ${NOTES.length}])
    WHEN 5 THEN jsonb_build_object('fromStageId', (${uuidArray(stageIds)})[1 + k % 3], 'toStageId', l.stage_id)
    ELSE jsonb_build_object('fromUserId', NULL, 'toUserId', l.owner_id)
  END,
  l.created_at + (l.last_activity_at - l.created_at) * (k::float8 / ${countExpr})
${from}`;
}
