-- OpenSWF schema, PostgreSQL dialect. Migrations are immutable: add a new numbered file to change it.
-- Times are integer milliseconds since the epoch (bigint). JSON documents are kept as text,
-- exactly as the engine wrote them: jsonb would reject the \u0000 escape that SWF payloads may
-- carry, and nothing queries inside them.
-- Keys that are sorted or compared for paging use the "C" collation, so every database orders
-- them by code point, as SQLite does, whatever its default locale.
CREATE TABLE domains (
  name text COLLATE "C" PRIMARY KEY,
  status text NOT NULL,
  description text,
  retention_days text NOT NULL,
  created_at bigint NOT NULL,
  tags text NOT NULL DEFAULT '[]'
);

CREATE TABLE types (
  domain text COLLATE "C" NOT NULL,
  kind text NOT NULL,
  name text COLLATE "C" NOT NULL,
  version text COLLATE "C" NOT NULL,
  status text NOT NULL,
  description text,
  creation_date bigint NOT NULL,
  deprecation_date bigint,
  configuration text NOT NULL,
  PRIMARY KEY (domain, kind, name, version)
);

-- One row per run. `state` is the engine's ExecutionState as JSON; the other columns
-- repeat what the visibility queries filter and sort on.
CREATE TABLE executions (
  run_id text COLLATE "C" PRIMARY KEY,
  domain text COLLATE "C" NOT NULL,
  workflow_id text COLLATE "C" NOT NULL,
  type_name text COLLATE "C" NOT NULL,
  type_version text COLLATE "C" NOT NULL,
  start_ts bigint NOT NULL,
  close_ts bigint,
  close_status text,
  state text NOT NULL
);
-- workflowId is unique among the open runs of a domain.
CREATE UNIQUE INDEX executions_open_workflow ON executions (domain, workflow_id) WHERE close_status IS NULL;
CREATE INDEX executions_open_start ON executions (domain, start_ts, run_id) WHERE close_status IS NULL;
CREATE INDEX executions_closed_start ON executions (domain, start_ts, run_id) WHERE close_status IS NOT NULL;
CREATE INDEX executions_closed_close ON executions (domain, close_ts, run_id) WHERE close_status IS NOT NULL;
CREATE INDEX executions_workflow_id ON executions (domain, workflow_id, start_ts);
CREATE INDEX executions_type ON executions (domain, type_name, type_version, start_ts);

CREATE TABLE execution_tags (
  run_id text COLLATE "C" NOT NULL,
  domain text COLLATE "C" NOT NULL,
  tag text COLLATE "C" NOT NULL,
  start_ts bigint NOT NULL,
  PRIMARY KEY (domain, tag, start_ts, run_id)
);
CREATE INDEX execution_tags_run ON execution_tags (run_id);

CREATE TABLE events (
  run_id text COLLATE "C" NOT NULL,
  event_id integer NOT NULL,
  event text NOT NULL,
  PRIMARY KEY (run_id, event_id)
);

-- `seq` orders tasks of equal priority first in, first out.
CREATE TABLE tasks (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token text COLLATE "C" NOT NULL UNIQUE,
  kind text NOT NULL,
  domain text COLLATE "C" NOT NULL,
  task_list text COLLATE "C" NOT NULL,
  priority integer NOT NULL,
  run_id text COLLATE "C" NOT NULL,
  scheduled_event_id integer NOT NULL,
  started boolean NOT NULL DEFAULT false
);
-- Pollers claim from here with FOR UPDATE SKIP LOCKED; only unstarted tasks are candidates.
CREATE INDEX tasks_queue ON tasks (domain, kind, task_list, priority DESC, seq) WHERE NOT started;
CREATE INDEX tasks_run ON tasks (run_id);

-- `seq` orders deadlines due at the same time in arming order (re-arming keeps it).
CREATE TABLE timers (
  seq bigint GENERATED ALWAYS AS IDENTITY,
  run_id text COLLATE "C" NOT NULL,
  kind text COLLATE "C" NOT NULL,
  ref text COLLATE "C" NOT NULL,
  due_at bigint NOT NULL,
  PRIMARY KEY (run_id, kind, ref)
);
CREATE INDEX timers_due ON timers (due_at, seq);
