-- One Baton task-run transition, as pgbench runs it (bench/floor.sh). Mirrors what
-- OrchestrationService.setState does for POST /api/task_runs/{id}/set_state when the proposal is
-- alone (no group commit): BEGIN and the lock-and-load statement (OrchestrationStore.LOCK_LOAD_TASK_RUN,
-- SELECT … FOR UPDATE OF tr) pipelined in one round trip; the single write statement
-- (OrchestrationStore.writeOutcome: insert the state, update the run, data-modifying CTEs) and
-- COMMIT pipelined in a second. Four statements, two round trips, prepared statements
-- (pgbench -M prepared), as the Vert.x PostgreSQL client sends them. The
-- benchmark's task runs have no tags and hold no slots, so — as in Baton — the concurrency facts
-- are known empty from the locked row and their three statements are not sent.
--
-- The one difference: Baton binds the state id, timestamps and state_details as parameters;
-- pgbench can only bind integers, so here they are computed in SQL (now(); a time-ordered id built
-- from now() like Baton's UUIDv7; a state_details literal with the same keys — written with ": "
-- because pgbench would read ":name" as a variable). The cache lookup gets a NULL key, as every
-- proposal without a cache key does.
--
-- Each client cycles its own rows (populate.sql: rows :rows per client) through
-- PENDING -> RUNNING -> COMPLETED, so every update changes state_type, as Baton's do.
\set step :step + 1
\set r :client_id * :rows + (:step / 3) % :rows + 1
\set t :step % 3 + 1
\set sid random(1, 9223372036854775806)
\startpipeline
BEGIN;
SELECT tr.id, tr.flow_run_id, tr.task_key, tr.empirical_policy::text AS empirical_policy,
       tr.tags::text AS tags, tr.state_id, tr.state_type, tr.state_name, tr.state_timestamp,
       tr.run_count, tr.flow_run_run_count, tr.expected_start_time, tr.next_scheduled_start_time,
       tr.start_time, tr.end_time, tr.total_run_time_us,
       EXISTS (SELECT 1 FROM concurrency_lease l WHERE l.holder_id = tr.id) AS holds_leases,
       EXISTS (SELECT 1 FROM concurrency_limit v WHERE tr.id = ANY (v.active_slots)) AS holds_legacy,
       s.id AS s_id, s.type AS s_type, s.name AS s_name, s.timestamp AS s_timestamp,
       s.message AS s_message, s.state_details::text AS s_state_details, s.data::text AS s_data,
       f.id AS f_id, f.run_count AS f_run_count,
       fs.id AS fs_id, fs.type AS fs_type, fs.name AS fs_name, fs.timestamp AS fs_timestamp,
       fs.message AS fs_message, fs.state_details::text AS fs_state_details, fs.data::text AS fs_data,
       cs.id AS cs_id, cs.type AS cs_type, cs.name AS cs_name, cs.timestamp AS cs_timestamp,
       cs.message AS cs_message, cs.state_details::text AS cs_state_details, cs.data::text AS cs_data
  FROM task_run tr
  LEFT JOIN task_run_state s ON s.id = tr.state_id
  LEFT JOIN flow_run f ON f.id = tr.flow_run_id
  LEFT JOIN flow_run_state fs ON fs.id = f.state_id
  LEFT JOIN LATERAL (
        SELECT cached.*
          FROM task_run_state_cache c
          JOIN task_run_state cached ON cached.id = c.task_run_state_id
         WHERE NULL::text IS NOT NULL
           AND c.cache_key = NULL::text
           AND (c.cache_expiration IS NULL OR c.cache_expiration > now())
         ORDER BY c.created DESC
         LIMIT 1) cs ON true
 WHERE tr.id = ('00000000-0000-4000-8000-' || lpad(:r::text, 12, '0'))::uuid
   FOR UPDATE OF tr;
\endpipeline
\startpipeline
WITH ins_state AS (
  INSERT INTO task_run_state (id, task_run_id, type, name, timestamp, message, state_details, data)
  VALUES ((lpad(to_hex((extract(epoch FROM now()) * 1000000)::bigint), 16, '0') || lpad(to_hex(:sid::bigint), 16, '0'))::uuid,
          ('00000000-0000-4000-8000-' || lpad(:r::text, 12, '0'))::uuid,
          (ARRAY['PENDING', 'RUNNING', 'COMPLETED'])[:t::int],
          (ARRAY['Pending', 'Running', 'Completed'])[:t::int],
          now(), NULL,
          '{"flow_run_id": "00000000-0000-4000-9000-000000000001", "task_run_id": "00000000-0000-4000-8000-000000000001", "child_flow_run_id": null, "scheduled_time": null, "cache_key": null, "cache_expiration": null, "deferred": false, "untrackable_result": false, "pause_timeout": null, "pause_reschedule": false, "pause_key": null, "run_input_keyset": null, "refresh_cache": null, "retriable": null, "transition_id": null, "task_parameters_id": null, "traceparent": null, "deployment_concurrency_lease_id": null}'::text::jsonb,
          NULL::text::jsonb)),
upd_run AS (
  UPDATE task_run
     SET state_id = (lpad(to_hex((extract(epoch FROM now()) * 1000000)::bigint), 16, '0') || lpad(to_hex(:sid::bigint), 16, '0'))::uuid,
         state_type = (ARRAY['PENDING', 'RUNNING', 'COMPLETED'])[:t::int],
         state_name = (ARRAY['Pending', 'Running', 'Completed'])[:t::int],
         state_timestamp = now(),
         run_count = 1, expected_start_time = expected_start_time, next_scheduled_start_time = NULL,
         start_time = now(), end_time = NULL, total_run_time_us = 0,
         flow_run_run_count = 1, updated = now()
   WHERE id = ('00000000-0000-4000-8000-' || lpad(:r::text, 12, '0'))::uuid)
SELECT 1;
COMMIT;
\endpipeline
