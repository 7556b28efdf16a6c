-- Baton schema, version 2: concurrency limits, slots and leases (spec/concurrency.md §1).
--
-- Locking order, everywhere (deadlock-free with any number of Baton instances):
--   run row  →  lease rows  →  limit rows in id order.
-- The lease reaper takes expired lease rows with FOR UPDATE SKIP LOCKED, then their limits in id
-- order; orchestration locks a run's leases before any limit; the HTTP endpoints lock leases (when
-- they touch any) before limits.

-- Global ("v2") limits. Tag limits are named "tag:<tag>", deployment limits "deployment:<id>".
CREATE TABLE concurrency_limit_v2 (
    id                         uuid             PRIMARY KEY DEFAULT gen_random_uuid(),
    created                    timestamptz      NOT NULL DEFAULT now(),
    updated                    timestamptz      NOT NULL DEFAULT now(),
    active                     boolean          NOT NULL DEFAULT true,
    name                       text             NOT NULL,
    "limit"                    integer          NOT NULL CHECK ("limit" >= 0),
    active_slots               integer          NOT NULL DEFAULT 0 CHECK (active_slots >= 0),
    denied_slots               integer          NOT NULL DEFAULT 0 CHECK (denied_slots >= 0),
    slot_decay_per_second      double precision NOT NULL DEFAULT 0 CHECK (slot_decay_per_second >= 0),
    avg_slot_occupancy_seconds double precision NOT NULL DEFAULT 2.0,
    CONSTRAINT uq_concurrency_limit_v2__name UNIQUE (name)
);

-- Leases: who holds which slots until when. Kept in PostgreSQL so every instance sees them and a
-- killed process loses nothing. expires_at = 'infinity' for leases nobody renews.
CREATE TABLE concurrency_lease (
    id           uuid        PRIMARY KEY,
    created      timestamptz NOT NULL DEFAULT clock_timestamp(),
    expires_at   timestamptz NOT NULL,
    resource_ids uuid[]      NOT NULL,
    slots        integer     NOT NULL CHECK (slots >= 0),
    holder_type  text,
    holder_id    uuid
);
CREATE INDEX ix_concurrency_lease__expires_at ON concurrency_lease (expires_at);
CREATE INDEX ix_concurrency_lease__holder_id ON concurrency_lease (holder_id);
CREATE INDEX ix_concurrency_lease__resource_ids ON concurrency_lease USING gin (resource_ids);

-- Legacy tag limits ("v1"): only pre-migration data; the API creates v2 "tag:" limits.
CREATE TABLE concurrency_limit (
    id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    created           timestamptz NOT NULL DEFAULT now(),
    updated           timestamptz NOT NULL DEFAULT now(),
    tag               text        NOT NULL,
    concurrency_limit integer     NOT NULL CHECK (concurrency_limit >= 0),
    active_slots      uuid[]      NOT NULL DEFAULT '{}',
    CONSTRAINT uq_concurrency_limit__tag UNIQUE (tag)
);

ALTER TABLE deployment
    ADD CONSTRAINT fk_deployment__concurrency_limit_id
    FOREIGN KEY (concurrency_limit_id) REFERENCES concurrency_limit_v2 (id) ON DELETE SET NULL;

-- Releases the slots held by a run that is deleted (directly or by cascade): its leases are
-- deleted and their limits decremented, in the same transaction, leases before limits, limits in
-- id order. Legacy rows forget the run.
CREATE FUNCTION baton_release_deleted_holder() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    lease_ids uuid[];
BEGIN
    SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO lease_ids
      FROM (SELECT id FROM concurrency_lease WHERE holder_id = OLD.id ORDER BY id FOR UPDATE) l;
    IF cardinality(lease_ids) > 0 THEN
        PERFORM 1 FROM concurrency_limit_v2
         WHERE id IN (SELECT unnest(resource_ids) FROM concurrency_lease WHERE id = ANY (lease_ids))
         ORDER BY id FOR UPDATE;
        WITH del AS (
            DELETE FROM concurrency_lease WHERE id = ANY (lease_ids) RETURNING resource_ids, slots),
        agg AS (
            SELECT r AS limit_id, sum(slots)::int AS n FROM del, unnest(del.resource_ids) r GROUP BY r)
        UPDATE concurrency_limit_v2 c
           SET active_slots = greatest(0, c.active_slots - least(c.active_slots::float8,
                   floor(c.slot_decay_per_second * extract(epoch FROM clock_timestamp() - c.updated)))::int
                   - agg.n),
               updated = clock_timestamp()
          FROM agg WHERE c.id = agg.limit_id;
    END IF;
    UPDATE concurrency_limit SET active_slots = array_remove(active_slots, OLD.id), updated = now()
     WHERE OLD.id = ANY (active_slots);
    RETURN OLD;
END $$;

CREATE TRIGGER trg_task_run__release_slots AFTER DELETE ON task_run
    FOR EACH ROW EXECUTE FUNCTION baton_release_deleted_holder();
CREATE TRIGGER trg_flow_run__release_slots AFTER DELETE ON flow_run
    FOR EACH ROW EXECUTE FUNCTION baton_release_deleted_holder();
