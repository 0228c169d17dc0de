-- OpenSWF schema, SQLite dialect. Migrations are immutable: add a new numbered file to change it.
CREATE TABLE domains (
  name TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  description TEXT,
  retention_days TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE types (
  domain TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  status TEXT NOT NULL,
  description TEXT,
  creation_date INTEGER NOT NULL,
  deprecation_date INTEGER,
  configuration TEXT NOT NULL,
  PRIMARY KEY (domain, kind, name, version)
);

-- One row per run. `state` is the engine's ExecutionState as JSON; the other columns
-- repeat what the visibility queries filter and sort on.
CREATE TABLE executions (
  run_id TEXT PRIMARY KEY,
  domain TEXT NOT NULL,
  workflow_id TEXT NOT NULL,
  type_name TEXT NOT NULL,
  type_version TEXT NOT NULL,
  start_ts INTEGER NOT NULL,
  close_ts INTEGER,
  close_status TEXT,
  state TEXT NOT NULL
);
-- workflowId is unique among the open runs of a domain.
CREATE UNIQUE INDEX executions_open_workflow ON executions (domain, workflow_id) WHERE close_status IS NULL;
CREATE INDEX executions_open_start ON executions (domain, start_ts, run_id) WHERE close_status IS NULL;
CREATE INDEX executions_closed_start ON executions (domain, start_ts, run_id) WHERE close_status IS NOT NULL;
CREATE INDEX executions_closed_close ON executions (domain, close_ts, run_id) WHERE close_status IS NOT NULL;
CREATE INDEX executions_workflow_id ON executions (domain, workflow_id, start_ts);
CREATE INDEX executions_type ON executions (domain, type_name, type_version, start_ts);

CREATE TABLE execution_tags (
  run_id TEXT NOT NULL,
  domain TEXT NOT NULL,
  tag TEXT NOT NULL,
  start_ts INTEGER NOT NULL,
  PRIMARY KEY (domain, tag, start_ts, run_id)
);
CREATE INDEX execution_tags_run ON execution_tags (run_id);

CREATE TABLE events (
  run_id TEXT NOT NULL,
  event_id INTEGER NOT NULL,
  event TEXT NOT NULL,
  PRIMARY KEY (run_id, event_id)
) WITHOUT ROWID;

CREATE TABLE tasks (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  token TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  domain TEXT NOT NULL,
  task_list TEXT NOT NULL,
  priority INTEGER NOT NULL,
  run_id TEXT NOT NULL,
  scheduled_event_id INTEGER NOT NULL,
  started INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tasks_queue ON tasks (domain, kind, task_list, started, priority DESC, seq);
CREATE INDEX tasks_run ON tasks (run_id);

CREATE TABLE timers (
  run_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  ref TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, kind, ref)
);
CREATE INDEX timers_due ON timers (due_at);
