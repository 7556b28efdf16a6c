-- Prefect 3 events: the event store behind /api/events/in, POST /api/events, /api/events/filter
-- and /api/events/out. Client-orchestrated task-run events are also recorded into task_run and
-- task_run_state (dev.baton.events.EventRecorder); this table keeps every event as received.
--
--   * id is the client's event id: storing is idempotent (INSERT … ON CONFLICT (id) DO NOTHING);
--   * resource is the primary resource's labels, resource_id its "prefect.resource.id";
--   * related is the JSON array of related resources, related_resource_ids their ids, so that
--     "events about this flow run" is an index lookup (GIN, &&);
--   * rows older than BATON_EVENTS_RETENTION_DAYS (by occurred) are trimmed in batches.

CREATE TABLE event (
    id                   uuid        PRIMARY KEY,
    occurred             timestamptz NOT NULL,
    event                text        NOT NULL,
    resource_id          text        NOT NULL,
    resource             jsonb       NOT NULL,
    related_resource_ids text[]      NOT NULL DEFAULT '{}',
    related              jsonb       NOT NULL DEFAULT '[]',
    payload              jsonb       NOT NULL DEFAULT '{}',
    received             timestamptz NOT NULL,
    recorded             timestamptz NOT NULL DEFAULT now(),
    follows              uuid
);
-- time ranges (every filter has one) and the retention trim
CREATE INDEX ix_event__occurred ON event (occurred);
-- exact event names within a time range
CREATE INDEX ix_event__event_occurred ON event (event, occurred);
-- one resource's events within a time range
CREATE INDEX ix_event__resource_id_occurred ON event (resource_id, occurred);
-- events naming a related resource
CREATE INDEX ix_event__related_resource_ids ON event USING gin (related_resource_ids);
