-- Every set_state rewrites the task run's row (state_id, state_type, state_name, timestamps,
-- counts). With an index on state_type, each of those updates changed an indexed column, so none
-- could be a heap-only (HOT) update: every transition added an entry to each of task_run's four
-- indexes, and vacuum had to clean them all. Without it, and with room left on each page for the
-- row's next versions, over half the updates of the benchmark's set-state-only scenario were HOT
-- and PostgreSQL spent 22-30 % less CPU per transition (bench/README.md, round 6).
--
-- Filters on a task run's state still work: with a flow run they use the natural-key index
-- (flow_run_id first); a page of runs in a state, sorted by id or expected start time, walks that
-- index until it has its limit; a count over the state alone reads the table (docs/operations.md,
-- "Task-run indexes and heap-only updates").
DROP INDEX IF EXISTS ix_task_run__state_type;

-- Pages filled from now on keep 30 % free for the next versions of their rows (existing pages
-- are not rewritten). 70 against 85: ahead in 5 of 6 set-state-only pairs, p99 lower in 6 of 6.
ALTER TABLE task_run SET (fillfactor = 70);
