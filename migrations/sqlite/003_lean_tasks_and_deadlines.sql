-- Fewer B-trees per task and per deadline: every state change enqueues, claims or removes
-- tasks and arms or disarms deadlines, and each B-tree it touches is a page in the WAL (their
-- keys are random tokens and run ids, so the pages of neighbouring calls rarely coincide).
--
-- tasks: keyed by token (WITHOUT ROWID) instead of a rowid table plus a unique token index,
-- and no AUTOINCREMENT (which updated sqlite_sequence on every insert). `seq` keeps the
-- arrival order; the store assigns it. The queue index holds unstarted tasks only, so a claim
-- deletes one index entry instead of moving it.
CREATE TABLE tasks_lean (
  token TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  domain TEXT NOT NULL,
  task_list TEXT NOT NULL,
  priority INTEGER NOT NULL,
  run_id TEXT NOT NULL,
  scheduled_event_id INTEGER NOT NULL,
  started INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
INSERT INTO tasks_lean (token, seq, kind, domain, task_list, priority, run_id, scheduled_event_id, started)
  SELECT token, seq, kind, domain, task_list, priority, run_id, scheduled_event_id, started FROM tasks;
DROP TABLE tasks;
ALTER TABLE tasks_lean RENAME TO tasks;
CREATE INDEX tasks_queue ON tasks (domain, kind, task_list, priority DESC, seq) WHERE started = 0;
CREATE INDEX tasks_run ON tasks (run_id);

-- timers: keyed by (run_id, kind, ref) (WITHOUT ROWID) instead of a rowid table plus its
-- primary-key index; `seq` (the arming order, assigned by the store) breaks ties of due_at.
CREATE TABLE timers_lean (
  run_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  ref TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (run_id, kind, ref)
) WITHOUT ROWID;
INSERT INTO timers_lean (run_id, kind, ref, due_at, seq) SELECT run_id, kind, ref, due_at, rowid FROM timers;
DROP TABLE timers;
ALTER TABLE timers_lean RENAME TO timers;
CREATE INDEX timers_due ON timers (due_at, seq);
