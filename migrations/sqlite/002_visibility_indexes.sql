-- Indexes for the visibility API (List/Count Open/Closed WorkflowExecutions).
--
-- Each query shape (open or closed, which filter, sorted by start or close time) reads one
-- index of its own, in order: the filter's columns, then the sort column, then run_id, which
-- breaks ties. Open and closed runs live in separate partial indexes, and every index also
-- holds the column its partial predicate tests, so a Count reads the index alone.
-- src/store/sqlite/visibility-sql.ts names these indexes per shape (INDEXED BY): the query
-- planner has no statistics on a young database and would otherwise guess.

-- Replaced below by indexes that also hold close_status, or that split open from closed.
DROP INDEX IF EXISTS executions_open_start;
DROP INDEX IF EXISTS executions_closed_start;
DROP INDEX IF EXISTS executions_closed_close;
DROP INDEX IF EXISTS executions_workflow_id;
DROP INDEX IF EXISTS executions_type;

-- No filter.
CREATE INDEX executions_open_start ON executions (domain, start_ts, run_id, close_status) WHERE close_status IS NULL;
CREATE INDEX executions_closed_start ON executions (domain, start_ts, run_id, close_status) WHERE close_status IS NOT NULL;
CREATE INDEX executions_closed_close ON executions (domain, close_ts, run_id, close_status) WHERE close_status IS NOT NULL;

-- executionFilter. An open workflowId has one run at most: executions_open_workflow (001).
CREATE INDEX executions_closed_workflow_start ON executions (domain, workflow_id, start_ts, run_id, close_status) WHERE close_status IS NOT NULL;
CREATE INDEX executions_closed_workflow_close ON executions (domain, workflow_id, close_ts, run_id, close_status) WHERE close_status IS NOT NULL;

-- typeFilter, by name alone or by name and version.
CREATE INDEX executions_open_type ON executions (domain, type_name, start_ts, run_id, close_status) WHERE close_status IS NULL;
CREATE INDEX executions_open_type_version ON executions (domain, type_name, type_version, start_ts, run_id, close_status) WHERE close_status IS NULL;
CREATE INDEX executions_closed_type_start ON executions (domain, type_name, start_ts, run_id, close_status) WHERE close_status IS NOT NULL;
CREATE INDEX executions_closed_type_close ON executions (domain, type_name, close_ts, run_id, close_status) WHERE close_status IS NOT NULL;
CREATE INDEX executions_closed_type_version_start ON executions (domain, type_name, type_version, start_ts, run_id, close_status) WHERE close_status IS NOT NULL;
CREATE INDEX executions_closed_type_version_close ON executions (domain, type_name, type_version, close_ts, run_id, close_status) WHERE close_status IS NOT NULL;

-- closeStatusFilter.
CREATE INDEX executions_closed_status_start ON executions (domain, close_status, start_ts, run_id) WHERE close_status IS NOT NULL;
CREATE INDEX executions_closed_status_close ON executions (domain, close_status, close_ts, run_id) WHERE close_status IS NOT NULL;

-- tagFilter: tag rows carry their run's close time (NULL while open; the store sets it when
-- the run closes), so a tag query filters and sorts on execution_tags alone and visits
-- executions only for the rows of the page.
ALTER TABLE execution_tags ADD COLUMN close_ts INTEGER;
UPDATE execution_tags SET close_ts = (SELECT e.close_ts FROM executions e WHERE e.run_id = execution_tags.run_id);
CREATE INDEX execution_tags_open_start ON execution_tags (domain, tag, start_ts, run_id, close_ts) WHERE close_ts IS NULL;
CREATE INDEX execution_tags_closed_start ON execution_tags (domain, tag, start_ts, run_id, close_ts) WHERE close_ts IS NOT NULL;
CREATE INDEX execution_tags_closed_close ON execution_tags (domain, tag, close_ts, run_id) WHERE close_ts IS NOT NULL;
