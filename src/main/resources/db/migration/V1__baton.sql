-- Baton schema, version 1.
--
-- Conventions
--   * every id is a uuid; every point in time is timestamptz (microsecond precision);
--   * JSON values (tags, labels, parameters, policies, state details, state data) are jsonb;
--     tags are JSON arrays of strings, so tag filters can use jsonb containment (@>, ?|);
--   * a run's current state is denormalised onto the run row (state_id, state_type, state_name,
--     state_timestamp) so that reads and the orchestration lock never need a "latest state" query;
--   * total run time is kept in microseconds (total_run_time_us); the API reports seconds.

CREATE TABLE flow (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    created     timestamptz NOT NULL DEFAULT now(),
    updated     timestamptz NOT NULL DEFAULT now(),
    name        text        NOT NULL,
    tags        jsonb       NOT NULL DEFAULT '[]',
    labels      jsonb       NOT NULL DEFAULT '{}',
    CONSTRAINT uq_flow__name UNIQUE (name)
);

CREATE TABLE deployment (
    id                   uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    created              timestamptz NOT NULL DEFAULT now(),
    updated              timestamptz NOT NULL DEFAULT now(),
    name                 text        NOT NULL,
    flow_id              uuid        NOT NULL REFERENCES flow (id) ON DELETE CASCADE,
    version              text,
    description          text,
    paused               boolean     NOT NULL DEFAULT false,
    tags                 jsonb       NOT NULL DEFAULT '[]',
    labels               jsonb       NOT NULL DEFAULT '{}',
    parameters           jsonb       NOT NULL DEFAULT '{}',
    work_pool_name       text,
    work_queue_name      text,
    concurrency_limit    integer,
    concurrency_limit_id uuid,
    concurrency_options  jsonb,
    CONSTRAINT uq_deployment__flow_id_name UNIQUE (flow_id, name)
);

CREATE TABLE flow_run (
    id                         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    created                    timestamptz NOT NULL DEFAULT now(),
    updated                    timestamptz NOT NULL DEFAULT now(),
    name                       text        NOT NULL,
    flow_id                    uuid        NOT NULL REFERENCES flow (id) ON DELETE CASCADE,
    deployment_id              uuid        REFERENCES deployment (id) ON DELETE SET NULL,
    deployment_version         text,
    work_queue_name            text,
    work_pool_name             text,
    flow_version               text,
    parameters                 jsonb       NOT NULL DEFAULT '{}',
    idempotency_key            text,
    context                    jsonb       NOT NULL DEFAULT '{}',
    empirical_policy           jsonb       NOT NULL DEFAULT '{}',
    tags                       jsonb       NOT NULL DEFAULT '[]',
    labels                     jsonb       NOT NULL DEFAULT '{}',
    parent_task_run_id         uuid,       -- FK added below (task_run is created later)
    state_id                   uuid,       -- current state: flow_run_state.id
    state_type                 text,
    state_name                 text,
    state_timestamp            timestamptz,
    run_count                  integer     NOT NULL DEFAULT 0,
    expected_start_time        timestamptz,
    next_scheduled_start_time  timestamptz,
    start_time                 timestamptz,
    end_time                   timestamptz,
    total_run_time_us          bigint      NOT NULL DEFAULT 0,
    auto_scheduled             boolean     NOT NULL DEFAULT false,
    infrastructure_document_id uuid,
    infrastructure_pid         text,
    created_by                 jsonb,
    job_variables              jsonb       DEFAULT '{}',
    CONSTRAINT uq_flow_run__flow_id_idempotency_key UNIQUE (flow_id, idempotency_key)
);
-- (flow_id, …) is covered by the unique constraint above.
CREATE INDEX ix_flow_run__deployment_id ON flow_run (deployment_id);
CREATE INDEX ix_flow_run__parent_task_run_id ON flow_run (parent_task_run_id);
CREATE INDEX ix_flow_run__expected_start_time ON flow_run (expected_start_time DESC);
CREATE INDEX ix_flow_run__next_scheduled_start_time ON flow_run (next_scheduled_start_time);
CREATE INDEX ix_flow_run__state_type ON flow_run (state_type);

CREATE TABLE flow_run_state (
    id            uuid        PRIMARY KEY,
    flow_run_id   uuid        NOT NULL REFERENCES flow_run (id) ON DELETE CASCADE,
    type          text        NOT NULL,
    name          text        NOT NULL,
    timestamp     timestamptz NOT NULL,
    message       text,
    state_details jsonb       NOT NULL DEFAULT '{}',
    data          jsonb       -- stored inline; null for no data and for {"type":"unpersisted",…}
);
CREATE INDEX ix_flow_run_state__flow_run_id_timestamp ON flow_run_state (flow_run_id, timestamp);

CREATE TABLE task_run (
    id                        uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    created                   timestamptz NOT NULL DEFAULT now(),
    updated                   timestamptz NOT NULL DEFAULT now(),
    name                      text        NOT NULL,
    flow_run_id               uuid        REFERENCES flow_run (id) ON DELETE CASCADE,
    task_key                  text        NOT NULL,
    dynamic_key               text        NOT NULL,
    cache_key                 text,
    cache_expiration          timestamptz,
    task_version              text,
    empirical_policy          jsonb       NOT NULL DEFAULT '{}',
    tags                      jsonb       NOT NULL DEFAULT '[]',
    labels                    jsonb       NOT NULL DEFAULT '{}',
    task_inputs               jsonb       NOT NULL DEFAULT '{}',
    state_id                  uuid,       -- current state: task_run_state.id
    state_type                text,
    state_name                text,
    state_timestamp           timestamptz,
    run_count                 integer     NOT NULL DEFAULT 0,
    flow_run_run_count        integer     NOT NULL DEFAULT 0,
    expected_start_time       timestamptz,
    next_scheduled_start_time timestamptz,
    start_time                timestamptz,
    end_time                  timestamptz,
    total_run_time_us         bigint      NOT NULL DEFAULT 0,
    -- natural key; also serves flow_run_id lookups and the cascade from flow_run
    CONSTRAINT uq_task_run__flow_run_id_task_key_dynamic_key
        UNIQUE NULLS NOT DISTINCT (flow_run_id, task_key, dynamic_key)
);
CREATE INDEX ix_task_run__expected_start_time ON task_run (expected_start_time DESC);
CREATE INDEX ix_task_run__state_type ON task_run (state_type);

ALTER TABLE flow_run
    ADD CONSTRAINT fk_flow_run__parent_task_run_id
    FOREIGN KEY (parent_task_run_id) REFERENCES task_run (id) ON DELETE SET NULL;

CREATE TABLE task_run_state (
    id            uuid        PRIMARY KEY,
    task_run_id   uuid        NOT NULL REFERENCES task_run (id) ON DELETE CASCADE,
    type          text        NOT NULL,
    name          text        NOT NULL,
    timestamp     timestamptz NOT NULL,
    message       text,
    state_details jsonb       NOT NULL DEFAULT '{}',
    data          jsonb
);
CREATE INDEX ix_task_run_state__task_run_id_timestamp ON task_run_state (task_run_id, timestamp);

CREATE TABLE task_run_state_cache (
    id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    created           timestamptz NOT NULL DEFAULT now(),
    cache_key         text        NOT NULL,
    cache_expiration  timestamptz,
    task_run_state_id uuid        NOT NULL REFERENCES task_run_state (id) ON DELETE CASCADE
);
CREATE INDEX ix_task_run_state_cache__cache_key_created ON task_run_state_cache (cache_key, created DESC);
CREATE INDEX ix_task_run_state_cache__task_run_state_id ON task_run_state_cache (task_run_state_id);

CREATE TABLE flow_run_input (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    created     timestamptz NOT NULL DEFAULT now(),
    updated     timestamptz NOT NULL DEFAULT now(),
    flow_run_id uuid        NOT NULL REFERENCES flow_run (id) ON DELETE CASCADE,
    key         text        NOT NULL,
    value       text        NOT NULL,
    sender      text,
    CONSTRAINT uq_flow_run_input__flow_run_id_key UNIQUE (flow_run_id, key)
);

-- POST /api/logs: no foreign keys, logs may arrive for runs this server never saw.
CREATE TABLE log (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    created     timestamptz NOT NULL DEFAULT now(),
    name        text        NOT NULL,
    level       integer     NOT NULL,
    message     text        NOT NULL,
    timestamp   timestamptz NOT NULL,
    flow_run_id uuid,
    task_run_id uuid
);
CREATE INDEX ix_log__flow_run_id_timestamp ON log (flow_run_id, timestamp);
