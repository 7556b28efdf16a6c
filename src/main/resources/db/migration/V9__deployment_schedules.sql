-- Deployments keep what they are given, and their schedules (spec/dispatch.md §1.2–§1.4).
--
--   * the deployment fields Prefect stores and returns: path, entrypoint, pull_steps,
--     job_variables, parameter_openapi_schema, enforce_parameter_schema, version_info, the
--     storage and infrastructure block ids, created_by/updated_by, and its status: NOT_READY until
--     a runner or worker polls it (READY, last_polled), NOT_READY again when polls stop. Status and
--     last_polled never touch `updated`: the scheduler's recent pass reads `updated` as "changed";
--   * deployment_schedule: interval/cron/rrule schedules (jsonb, as Prefect serializes them), each
--     with its own parameters, active flag, max_scheduled_runs (stored only) and optional slug
--     (unique within a deployment); a schedule keeps its id while it is unchanged, since the
--     scheduler's idempotency keys name it;
--   * the scheduler's run lookups: a deployment's future auto-scheduled runs per schedule
--     (created_by->>'id' is the schedule id) and recently updated deployments.
-- The work-pool linkage (work_queue_id) is not here: it comes with work pools (V10).

ALTER TABLE deployment
    ADD COLUMN path                       text,
    ADD COLUMN entrypoint                 text,
    ADD COLUMN pull_steps                 jsonb,
    ADD COLUMN job_variables              jsonb       NOT NULL DEFAULT '{}',
    ADD COLUMN parameter_openapi_schema   jsonb,
    ADD COLUMN enforce_parameter_schema   boolean     NOT NULL DEFAULT true,
    ADD COLUMN version_info               jsonb,
    ADD COLUMN storage_document_id        uuid,
    ADD COLUMN infrastructure_document_id uuid,
    ADD COLUMN status                     text        NOT NULL DEFAULT 'NOT_READY'
        CONSTRAINT ck_deployment__status CHECK (status IN ('READY', 'NOT_READY')),
    ADD COLUMN last_polled                timestamptz,
    ADD COLUMN created_by                 jsonb,
    ADD COLUMN updated_by                 jsonb;

CREATE TABLE deployment_schedule (
    id                 uuid        PRIMARY KEY,
    created            timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated            timestamptz NOT NULL DEFAULT clock_timestamp(),
    deployment_id      uuid        NOT NULL REFERENCES deployment (id) ON DELETE CASCADE,
    schedule           jsonb       NOT NULL,
    active             boolean     NOT NULL DEFAULT true,
    max_scheduled_runs integer     CHECK (max_scheduled_runs > 0),
    parameters         jsonb       NOT NULL DEFAULT '{}',
    slug               text,
    -- NULL slugs are distinct: any number of schedules without one
    CONSTRAINT uq_deployment_schedule__deployment_id_slug UNIQUE (deployment_id, slug)
);

-- The scheduler's per-schedule question: how many future auto-scheduled runs, and how far ahead.
CREATE INDEX ix_flow_run__schedule_id_scheduler
    ON flow_run (deployment_id, (created_by ->> 'id'), next_scheduled_start_time)
    WHERE auto_scheduled = true AND state_type = 'SCHEDULED';

-- The recent pass: deployments changed in the last seconds.
CREATE INDEX ix_deployment__updated ON deployment (updated);

-- Late auto-scheduled runs per schedule, newest first: the scheduler keeps only the newest few
-- (BATON_SCHEDULER_MAX_LATE_RUNS; docs/compatibility.md). Normally empty or tiny.
CREATE INDEX ix_flow_run__late_auto_scheduled
    ON flow_run (deployment_id, (created_by ->> 'id'), next_scheduled_start_time DESC)
    WHERE auto_scheduled = true AND state_type = 'SCHEDULED' AND state_name = 'Late';
