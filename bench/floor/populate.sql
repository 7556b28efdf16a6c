-- Rows for the floor (bench/floor.sh), in the Baton schema: one flow, one RUNNING flow run per
-- pgbench client, :rows task runs per client in SCHEDULED with their current state row, the way
-- the load generator's setup leaves them. psql variables: clients, rows.
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO flow (id, name) VALUES ('00000000-0000-4000-a000-000000000001', 'baton-floor');

INSERT INTO flow_run (id, name, flow_id, state_id, state_type, state_name, state_timestamp, run_count, start_time)
SELECT ('00000000-0000-4000-9000-' || lpad(c::text, 12, '0'))::uuid, 'floor-' || c,
       '00000000-0000-4000-a000-000000000001',
       ('00000000-0000-4000-b000-' || lpad(c::text, 12, '0'))::uuid, 'RUNNING', 'Running', now(), 1, now()
  FROM generate_series(0, :clients - 1) c;
INSERT INTO flow_run_state (id, flow_run_id, type, name, timestamp, state_details)
SELECT ('00000000-0000-4000-b000-' || lpad(c::text, 12, '0'))::uuid,
       ('00000000-0000-4000-9000-' || lpad(c::text, 12, '0'))::uuid, 'RUNNING', 'Running', now(), '{}'
  FROM generate_series(0, :clients - 1) c;

-- task run n (1-based) belongs to client (n - 1) / rows
INSERT INTO task_run (id, name, flow_run_id, task_key, dynamic_key, state_id, state_type, state_name,
                      state_timestamp, expected_start_time, next_scheduled_start_time)
SELECT ('00000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid, 'floor-task',
       ('00000000-0000-4000-9000-' || lpad(((n - 1) / :rows)::text, 12, '0'))::uuid,
       'floor', 'p' || n,
       ('00000000-0000-4000-c000-' || lpad(n::text, 12, '0'))::uuid, 'SCHEDULED', 'Scheduled', now(), now(), now()
  FROM generate_series(1, :clients * :rows) n;
INSERT INTO task_run_state (id, task_run_id, type, name, timestamp, state_details)
SELECT ('00000000-0000-4000-c000-' || lpad(n::text, 12, '0'))::uuid,
       ('00000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid, 'SCHEDULED', 'Scheduled', now(),
       jsonb_build_object('scheduled_time', now())
  FROM generate_series(1, :clients * :rows) n;
COMMIT;
VACUUM ANALYZE;
CHECKPOINT;
