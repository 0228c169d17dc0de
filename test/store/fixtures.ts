/** Runs for the store conformance cases, made by the real engine. */
import { startRun, type ExecutionState } from '../../src/engine/index.js';
import type { CloseStatus, HistoryEvent } from '../../src/model/shapes.js';

const CONFIG = { executionStartToCloseTimeout: '3600', taskStartToCloseTimeout: '30', childPolicy: 'TERMINATE' as const, taskList: { name: 'tl' } };

export interface RunSpec {
  runId: string;
  workflowId: string;
  domain?: string;
  type?: { name: string; version: string };
  start?: number;
  tags?: string[];
  input?: string;
}

/** A new run as the engine starts it, with its first events. */
export function makeRun(spec: RunSpec): { state: ExecutionState; events: HistoryEvent[] } {
  let ids = 0;
  const t = startRun(
    {
      domain: spec.domain ?? 'd',
      workflowId: spec.workflowId,
      runId: spec.runId,
      workflowType: spec.type ?? { name: 'flow', version: '1' },
      config: CONFIG,
      ...(spec.input !== undefined ? { input: spec.input } : {}),
      tagList: spec.tags ?? [],
    },
    { now: spec.start ?? 1_700_000_000_000, newId: () => `${spec.runId}-id-${++ids}`, newTaskToken: () => `${spec.runId}-id-${++ids}` },
  );
  return { state: t.state, events: t.events };
}

export function close(state: ExecutionState, status: CloseStatus, at: number): ExecutionState {
  return { ...state, closeStatus: status, closeTimestamp: at };
}
