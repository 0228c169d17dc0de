/**
 * The reads a store answers outside transactions, each run through the store's own `read`,
 * which picks the connection (SQLite's reader beside the writer, PostgreSQL's pool). One list
 * for both back ends: a method added to StoreReader is delegated in one place.
 */
import type { StoreReader } from './types.js';

export type ReadVia = <T>(fn: (r: StoreReader) => Promise<T>) => Promise<T>;

export function readThrough(read: ReadVia): StoreReader {
  return {
    getDomain: (name) => read((r) => r.getDomain(name)),
    listDomains: () => read((r) => r.listDomains()),
    getType: (domain, kind, name, version) => read((r) => r.getType(domain, kind, name, version)),
    listTypes: (domain, kind) => read((r) => r.listTypes(domain, kind)),
    countTypes: (domain, kind) => read((r) => r.countTypes(domain, kind)),
    getExecution: (runId) => read((r) => r.getExecution(runId)),
    getExecutionKey: (runId) => read((r) => r.getExecutionKey(runId)),
    findOpenExecution: (domain, workflowId) => read((r) => r.findOpenExecution(domain, workflowId)),
    countOpenExecutions: (domain) => read((r) => r.countOpenExecutions(domain)),
    getHistory: (runId, query) => read((r) => r.getHistory(runId, query)),
    listExecutions: (query) => read((r) => r.listExecutions(query)),
    countExecutions: (query, cap) => read((r) => r.countExecutions(query, cap)),
    getTask: (token) => read((r) => r.getTask(token)),
    countPendingTasks: (domain, kind, taskList) => read((r) => r.countPendingTasks(domain, kind, taskList)),
    nextDueAt: () => read((r) => r.nextDueAt()),
    listDeadlines: (query) => read((r) => r.listDeadlines(query)),
  };
}
