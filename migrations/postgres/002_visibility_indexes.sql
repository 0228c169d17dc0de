-- Indexes for the visibility API (List/Count Open/Closed WorkflowExecutions), the same as
-- migrations/sqlite/002 (see there for why each exists).
--
-- Every query shape reads one index in the order it answers: the filter's columns first,
-- then the sort column (start_ts, or close_ts for a closeTimeFilter), then run_id, which
-- breaks ties so that a page position (ts, run_id) is a single index seek.

DROP INDEX IF EXISTS executions_workflow_id;
DROP INDEX IF EXISTS executions_type;

CREATE INDEX executions_workflow_start ON executions (domain, workflow_id, start_ts, run_id);
CREATE INDEX executions_closed_workflow_close ON executions (domain, workflow_id, close_ts, run_id) WHERE close_status IS NOT NULL;

CREATE INDEX executions_open_type ON executions (domain, type_name, start_ts, run_id) WHERE close_status IS NULL;
CREATE INDEX executions_open_type_version ON executions (domain, type_name, type_version, start_ts, run_id) WHERE close_status IS NULL;
CREATE INDEX executions_closed_type_start ON executions (domain, type_name, start_ts, run_id) WHERE close_status IS NOT NULL;
CREATE INDEX executions_closed_type_version_start ON executions (domain, type_name, type_version, start_ts, run_id) WHERE close_status IS NOT NULL;
CREATE INDEX executions_closed_type_close ON executions (domain, type_name, close_ts, run_id) WHERE close_status IS NOT NULL;
CREATE INDEX executions_closed_type_version_close ON executions (domain, type_name, type_version, close_ts, run_id) WHERE close_status IS NOT NULL;

CREATE INDEX executions_closed_status_start ON executions (domain, close_status, start_ts, run_id) WHERE close_status IS NOT NULL;
CREATE INDEX executions_closed_status_close ON executions (domain, close_status, close_ts, run_id) WHERE close_status IS NOT NULL;

-- The tag rows carry the run's close time (NULL while open); the store sets it when the run closes.
ALTER TABLE execution_tags ADD COLUMN close_ts bigint;
UPDATE execution_tags t SET close_ts = e.close_ts FROM executions e WHERE e.run_id = t.run_id;
CREATE INDEX execution_tags_open_start ON execution_tags (domain, tag, start_ts, run_id) WHERE close_ts IS NULL;
CREATE INDEX execution_tags_closed_start ON execution_tags (domain, tag, start_ts, run_id) WHERE close_ts IS NOT NULL;
CREATE INDEX execution_tags_closed_close ON execution_tags (domain, tag, close_ts, run_id) WHERE close_ts IS NOT NULL;
