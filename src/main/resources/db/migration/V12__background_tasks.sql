-- Background tasks (task.delay() / task.serve()): the durable queue of deferred task runs.
--
-- A deferred task run entering SCHEDULED is queued in the same transaction as its state
-- (EnqueueScheduledTasks); an instance holding task workers subscribed to its task key claims it
-- (FOR UPDATE SKIP LOCKED), delivers it to one worker and keeps the claim, renewing its lease while
-- the worker's socket lives, until the run has started (its state leaves SCHEDULED/PENDING) — then the
-- row is deleted. A worker that goes before the run started, or an instance that dies, lets the claim
-- go (at once, or when its lease expires) and the run is delivered again, from the retry queue.
CREATE TABLE task_run_delivery (
    task_run_id    uuid        PRIMARY KEY REFERENCES task_run (id) ON DELETE CASCADE,
    task_key       text        NOT NULL,
    retry          boolean     NOT NULL DEFAULT false,  -- the retry queue is served before the scheduled one
    deliverable_at timestamptz NOT NULL,
    enqueued       timestamptz NOT NULL DEFAULT now(),
    claimed_by     text,                                -- instance:connection of the worker it went to
    claimed_until  timestamptz,                         -- the claim's lease; past it the run may go again
    deliveries     integer     NOT NULL DEFAULT 0
);
-- what a claim looks for: a key's unclaimed (or expired) deliverable runs, retry queue first
CREATE INDEX ix_task_run_delivery__key ON task_run_delivery (task_key, retry DESC, deliverable_at);

-- Task workers connected to some instance (POST /api/task_workers/filter), refreshed while connected.
CREATE TABLE task_worker (
    instance    text        NOT NULL,
    client_id   text        NOT NULL,
    task_keys   text[]      NOT NULL,
    seen        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance, client_id)
);
