-- POST /api/logs/filter: by task run (with its timestamp order) and by time alone.
-- Filters by flow run use ix_log__flow_run_id_timestamp from V1.
CREATE INDEX ix_log__task_run_id_timestamp ON log (task_run_id, timestamp);
CREATE INDEX ix_log__timestamp ON log (timestamp, id);
