-- Automations (spec/automations.md): the automations, the resources they relate to, the state of
-- their triggers, the events waiting for evaluation and the actions waiting to run. Everything a
-- trigger needs lives here, so any instance may evaluate any event and a restart or kill -9 loses
-- neither a window nor a firing.

CREATE TABLE automation (
    id                 uuid        PRIMARY KEY,
    created            timestamptz NOT NULL DEFAULT now(),
    updated            timestamptz NOT NULL DEFAULT now(),
    name               text        NOT NULL,
    description        text        NOT NULL DEFAULT '',
    enabled            boolean     NOT NULL DEFAULT true,
    tags               jsonb       NOT NULL DEFAULT '[]',
    trigger            jsonb       NOT NULL,
    actions            jsonb       NOT NULL DEFAULT '[]',
    actions_on_trigger jsonb       NOT NULL DEFAULT '[]',
    actions_on_resolve jsonb       NOT NULL DEFAULT '[]'
);
CREATE INDEX ix_automation__updated ON automation (updated);

-- deployments an automation runs, and the resource that owns it (flow.serve / deploy triggers)
CREATE TABLE automation_related_resource (
    automation_id                uuid        NOT NULL REFERENCES automation (id) ON DELETE CASCADE,
    resource_id                  text        NOT NULL,
    automation_owned_by_resource boolean     NOT NULL DEFAULT false,
    created                      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (automation_id, resource_id)
);
CREATE INDEX ix_automation_related_resource__resource ON automation_related_resource (resource_id);

-- one open window per trigger and bucketing key
CREATE TABLE automation_bucket (
    automation_id  uuid        NOT NULL REFERENCES automation (id) ON DELETE CASCADE,
    trigger_id     uuid        NOT NULL,
    bucketing_key  text        NOT NULL,   -- JSON array of the for_each label values
    start          timestamptz NOT NULL,
    "end"          timestamptz NOT NULL,
    count          integer     NOT NULL,
    last_event_id  uuid,        -- the event that last armed or counted in it (in the event table)
    triggered_at   timestamptz,
    updated        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (automation_id, trigger_id, bucketing_key)
);
CREATE INDEX ix_automation_bucket__end ON automation_bucket ("end");
-- a proactive trigger's pass reads only its windows that have ended
CREATE INDEX ix_automation_bucket__trigger_end ON automation_bucket (automation_id, trigger_id, "end");

-- the latest firing of each child of a compound or sequence trigger
CREATE TABLE composite_trigger_child_firing (
    automation_id     uuid        NOT NULL REFERENCES automation (id) ON DELETE CASCADE,
    parent_trigger_id uuid        NOT NULL,
    child_trigger_id  uuid        NOT NULL,
    child_firing_id   uuid        NOT NULL,
    child_fired_at    timestamptz NOT NULL,
    child_firing      jsonb       NOT NULL,
    PRIMARY KEY (automation_id, parent_trigger_id, child_trigger_id)
);

-- when each proactive trigger is next evaluated (claimed with SKIP LOCKED by any instance)
CREATE TABLE automation_proactive (
    automation_id uuid        NOT NULL REFERENCES automation (id) ON DELETE CASCADE,
    trigger_id    uuid        NOT NULL,
    next_run      timestamptz NOT NULL,
    PRIMARY KEY (automation_id, trigger_id)
);

-- events stored while an automation was enabled, not yet evaluated: written in the event's own
-- transaction, deleted in the transaction that evaluates it
CREATE TABLE automation_inbox (
    event_id  uuid        PRIMARY KEY,
    occurred  timestamptz NOT NULL,
    follows   uuid,
    received  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_automation_inbox__occurred ON automation_inbox (occurred);

-- actions of firings, run at least once by any instance, each once per firing (its id)
CREATE TABLE automation_action (
    id                  uuid        PRIMARY KEY,   -- the TriggeredAction's id
    automation_id       uuid        NOT NULL REFERENCES automation (id) ON DELETE CASCADE,
    action_index        integer     NOT NULL,
    triggered_action    jsonb       NOT NULL,      -- action, firing, labels, triggering event
    created             timestamptz NOT NULL DEFAULT now(),
    attempts            integer     NOT NULL DEFAULT 0,
    claimed_until       timestamptz
);
CREATE INDEX ix_automation_action__created ON automation_action (created);
