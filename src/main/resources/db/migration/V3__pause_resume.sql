-- Pause / resume support.

-- Workspace variables: run input hydration ({"__prefect_kind": "workspace_variable"}) reads them.
CREATE TABLE variable (
    id      uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    created timestamptz NOT NULL DEFAULT now(),
    updated timestamptz NOT NULL DEFAULT now(),
    name    text        NOT NULL,
    value   jsonb,
    tags    jsonb       NOT NULL DEFAULT '[]',
    CONSTRAINT uq_variable__name UNIQUE (name)
);

-- The late-runs marker scans exactly these rows: runs still named "Scheduled", by due time.
CREATE INDEX ix_flow_run__late_candidates ON flow_run (next_scheduled_start_time)
    WHERE state_type = 'SCHEDULED' AND state_name = 'Scheduled';

-- The pause-expiration service scans paused runs.
CREATE INDEX ix_flow_run__paused ON flow_run (state_timestamp) WHERE state_type = 'PAUSED';

-- Flow run inputs are read by prefix, oldest first.
CREATE INDEX ix_flow_run_input__flow_run_id_created ON flow_run_input (flow_run_id, created);
