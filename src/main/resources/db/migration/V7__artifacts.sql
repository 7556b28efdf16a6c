-- Artifacts (/api/artifacts): what user code publishes with create_markdown_artifact,
-- create_table_artifact, create_link_artifact, create_progress_artifact, create_image_artifact.
--
--   * artifact holds every version. An artifact names its flow run and task run without a foreign
--     key, as in Prefect: a task's artifact may arrive before the task run's events are recorded,
--     and deleting a run leaves its artifacts;
--   * artifact_collection has one row per key, naming that key's latest version (latest_id). Its
--     other fields (type, description, data, metadata_, runs) are read from that version, so the
--     two never disagree. Every keyed write locks the key's collection row first: creations of one
--     key are serialized, and a new version's created time is taken under that lock and is later
--     than every earlier version's (see persistence.ArtifactStore);
--   * data and metadata_ are jsonb (SQL NULL = none).

CREATE TABLE artifact (
    id          uuid        PRIMARY KEY,
    created     timestamptz NOT NULL,
    updated     timestamptz NOT NULL,
    key         text,
    type        text,
    description text,
    data        jsonb,
    metadata_   jsonb,
    flow_run_id uuid,
    task_run_id uuid
);
-- the versions of a key, newest first: the next latest when the latest is deleted, key filters
CREATE INDEX ix_artifact__key_created ON artifact (key, created DESC, id DESC);
-- a run's artifacts (the flow-run page, flow_run_id / task_run_id filters, EXISTS sub-filters)
CREATE INDEX ix_artifact__flow_run_id ON artifact (flow_run_id);
CREATE INDEX ix_artifact__task_run_id ON artifact (task_run_id);
-- a key's newest-updated version: Artifact.get(key) and the CLI's inspect (key filter, UPDATED_DESC)
CREATE INDEX ix_artifact__key_updated ON artifact (key, updated DESC, id DESC);
-- UPDATED_DESC without a key filter
CREATE INDEX ix_artifact__updated ON artifact (updated);

CREATE TABLE artifact_collection (
    id        uuid        PRIMARY KEY,
    created   timestamptz NOT NULL,
    updated   timestamptz NOT NULL,
    key       text        NOT NULL,
    latest_id uuid        NOT NULL,
    CONSTRAINT uq_artifact_collection__key UNIQUE (key)
);
-- is this artifact its key's latest (PATCH, DELETE), and the latest_id filter
CREATE INDEX ix_artifact_collection__latest_id ON artifact_collection (latest_id);
CREATE INDEX ix_artifact_collection__updated ON artifact_collection (updated);
