/**
 * /console/domains/<domain> — a domain's executions, open or closed, newest first, with the
 * filters of ListOpen/ListClosedWorkflowExecutions (one of workflowId, type, tag or close
 * status, and a start- or close-time range) kept in the URL, the count of what matches
 * (CountOpen/CountClosed), and paging through the list calls' page tokens: a page is one
 * call, however many executions the domain holds. The page and the count refresh every 3 s.
 */
import { useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { WorkflowExecutionCount, WorkflowExecutionInfo, WorkflowExecutionInfos } from '../../model/shapes.js';
import { useApi, usePoll } from '../hooks.js';
import { executionHref, executionsHref, Link, navigate } from '../router.js';
import { Badge, FaultMessage, statusTone } from '../parts/common.js';
import { formatTime, parseUtcInput } from '../format.js';
import { formatCount } from './domains.js';

const CLOSE_STATUSES = ['COMPLETED', 'FAILED', 'CANCELED', 'TERMINATED', 'CONTINUED_AS_NEW', 'TIMED_OUT'] as const;
const PAGE_SIZES = ['25', '50', '100', '500'] as const;
const REFRESH_MS = 3000;

export interface ListQuery {
  status: 'open' | 'closed';
  filter: 'none' | 'workflowId' | 'type' | 'tag' | 'closeStatus';
  workflowId: string;
  typeName: string;
  typeVersion: string;
  tag: string;
  closeStatus: string;
  time: 'start' | 'close';
  oldest: string;
  latest: string;
  size: string;
}

export function readQuery(q: URLSearchParams): ListQuery {
  const get = (k: string) => q.get(k) ?? '';
  const status = get('status') === 'closed' ? 'closed' : 'open';
  const filters = ['workflowId', 'type', 'tag', 'closeStatus'] as const;
  const filter = (filters as readonly string[]).includes(get('filter')) ? (get('filter') as ListQuery['filter']) : 'none';
  return {
    status,
    filter: status === 'open' && filter === 'closeStatus' ? 'none' : filter,
    workflowId: get('workflowId'),
    typeName: get('typeName'),
    typeVersion: get('typeVersion'),
    tag: get('tag'),
    closeStatus: get('closeStatus') || 'COMPLETED',
    time: status === 'closed' && get('time') === 'close' ? 'close' : 'start',
    oldest: get('oldest'),
    latest: get('latest'),
    size: (PAGE_SIZES as readonly string[]).includes(get('size')) ? get('size') : '50',
  };
}

function writeQuery(q: ListQuery): URLSearchParams {
  const out = new URLSearchParams();
  out.set('status', q.status);
  if (q.filter !== 'none') out.set('filter', q.filter);
  if (q.filter === 'workflowId') out.set('workflowId', q.workflowId);
  if (q.filter === 'type') {
    out.set('typeName', q.typeName);
    if (q.typeVersion) out.set('typeVersion', q.typeVersion);
  }
  if (q.filter === 'tag') out.set('tag', q.tag);
  if (q.filter === 'closeStatus') out.set('closeStatus', q.closeStatus);
  if (q.time === 'close') out.set('time', 'close');
  if (q.oldest) out.set('oldest', q.oldest);
  if (q.latest) out.set('latest', q.latest);
  if (q.size !== '50') out.set('size', q.size);
  return out;
}

/** The members the list and count calls share: the domain, the time range and the one filter. */
function filterInput(domain: string, q: ListQuery): Record<string, unknown> {
  const oldest = parseUtcInput(q.oldest) ?? 0;
  const latest = parseUtcInput(q.latest);
  const range = { oldestDate: oldest, ...(latest !== undefined ? { latestDate: latest } : {}) };
  const input: Record<string, unknown> = { domain, [q.time === 'close' ? 'closeTimeFilter' : 'startTimeFilter']: range };
  if (q.filter === 'workflowId') input.executionFilter = { workflowId: q.workflowId };
  if (q.filter === 'type') input.typeFilter = { name: q.typeName, ...(q.typeVersion ? { version: q.typeVersion } : {}) };
  if (q.filter === 'tag') input.tagFilter = { tag: q.tag };
  if (q.filter === 'closeStatus') input.closeStatusFilter = { status: q.closeStatus };
  return input;
}

function FilterForm({ domain, query }: { domain: string; query: ListQuery }): JSX.Element {
  const [draft, setDraft] = useState<ListQuery>(query);
  useEffect(() => setDraft(query), [JSON.stringify(query)]);
  const set = <K extends keyof ListQuery>(key: K, value: ListQuery[K]) => setDraft({ ...draft, [key]: value });
  const submit = (e: Event) => {
    e.preventDefault();
    navigate(executionsHref(domain, writeQuery(draft)));
  };
  return (
    <form class="filters" onSubmit={submit} aria-label="Filter executions">
      <label>
        Filter by
        <select value={draft.filter} onChange={(e) => set('filter', e.currentTarget.value as ListQuery['filter'])} name="filter">
          <option value="none">nothing</option>
          <option value="workflowId">workflow ID</option>
          <option value="type">workflow type</option>
          <option value="tag">tag</option>
          {query.status === 'closed' && <option value="closeStatus">close status</option>}
        </select>
      </label>
      {draft.filter === 'workflowId' && (
        <label>
          Workflow ID
          <input name="workflowId" required value={draft.workflowId} onInput={(e) => set('workflowId', e.currentTarget.value)} spellcheck={false} />
        </label>
      )}
      {draft.filter === 'type' && (
        <>
          <label>
            Type name
            <input name="typeName" required value={draft.typeName} onInput={(e) => set('typeName', e.currentTarget.value)} spellcheck={false} />
          </label>
          <label>
            Version <span class="muted">(optional)</span>
            <input name="typeVersion" value={draft.typeVersion} onInput={(e) => set('typeVersion', e.currentTarget.value)} size={8} spellcheck={false} />
          </label>
        </>
      )}
      {draft.filter === 'tag' && (
        <label>
          Tag
          <input name="tag" required value={draft.tag} onInput={(e) => set('tag', e.currentTarget.value)} spellcheck={false} />
        </label>
      )}
      {draft.filter === 'closeStatus' && (
        <label>
          Close status
          <select name="closeStatus" value={draft.closeStatus} onChange={(e) => set('closeStatus', e.currentTarget.value)}>
            {CLOSE_STATUSES.map((s) => (
              <option value={s}>{s}</option>
            ))}
          </select>
        </label>
      )}
      {query.status === 'closed' && (
        <label>
          Time range of
          <select name="time" value={draft.time} onChange={(e) => set('time', e.currentTarget.value as ListQuery['time'])}>
            <option value="start">start</option>
            <option value="close">close</option>
          </select>
        </label>
      )}
      <label>
        From <span class="muted">(UTC)</span>
        <input type="datetime-local" step={1} name="oldest" value={draft.oldest} onInput={(e) => set('oldest', e.currentTarget.value)} />
      </label>
      <label>
        To <span class="muted">(UTC)</span>
        <input type="datetime-local" step={1} name="latest" value={draft.latest} onInput={(e) => set('latest', e.currentTarget.value)} />
      </label>
      <label>
        Per page
        <select name="size" value={draft.size} onChange={(e) => set('size', e.currentTarget.value)}>
          {PAGE_SIZES.map((s) => (
            <option value={s}>{s}</option>
          ))}
        </select>
      </label>
      <div class="filter-buttons">
        <button type="submit" class="primary">
          Apply
        </button>
        <button type="button" onClick={() => navigate(executionsHref(domain, new URLSearchParams({ status: query.status })))}>
          Clear
        </button>
      </div>
    </form>
  );
}

export function ExecutionsPage({ domain, query: search }: { domain: string; query: URLSearchParams }): JSX.Element {
  const api = useApi();
  const query = readQuery(search);
  const key = `${domain}?${writeQuery(query).toString()}`;
  // Page tokens of the pages before the current one; the current token is the last.
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  useEffect(() => setTokens([undefined]), [key]);
  const token = tokens[tokens.length - 1];
  const op = query.status === 'open' ? 'OpenWorkflowExecutions' : 'ClosedWorkflowExecutions';
  const page = usePoll(
    () =>
      api.call<WorkflowExecutionInfos>(`List${op}`, {
        ...filterInput(domain, query),
        maximumPageSize: Number(query.size),
        ...(token !== undefined ? { nextPageToken: token } : {}),
      }),
    [api, key, token],
    REFRESH_MS,
  );
  const count = usePoll(() => api.call<WorkflowExecutionCount>(`Count${op}`, filterInput(domain, query)), [api, key], REFRESH_MS);
  const tab = (status: 'open' | 'closed', label: string) => (
    <Link href={executionsHref(domain, writeQuery({ ...query, status, filter: status === 'open' && query.filter === 'closeStatus' ? 'none' : query.filter, time: 'start' }))} aria-current={query.status === status ? 'page' : undefined} class={`tab ${query.status === status ? 'selected' : ''}`}>
      {label}
    </Link>
  );
  const rows = page.data?.executionInfos ?? [];
  return (
    <section>
      <h1>
        Executions in <span class="name">{domain}</span>
      </h1>
      <nav aria-label="Open or closed executions" class="tabs">
        {tab('open', 'Open')}
        {tab('closed', 'Closed')}
      </nav>
      <FilterForm domain={domain} query={query} />
      <p class="count" aria-live="polite">
        {count.error ? <FaultMessage error={count.error} what="count" /> : <span data-testid="count">{count.data ? `${formatCount(count.data)} ${query.status} execution${count.data.count === 1 ? '' : 's'} match` : 'Counting…'}</span>}
      </p>
      {page.error && <FaultMessage error={page.error} what={`List${op}`} />}
      {page.data && rows.length === 0 && <p>No {query.status} executions match.</p>}
      {rows.length > 0 && <ExecutionsTable domain={domain} rows={rows} closed={query.status === 'closed'} />}
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={tokens.length <= 1} onClick={() => setTokens(tokens.slice(0, -1))}>
          ← Newer
        </button>
        <span>Page {tokens.length}</span>
        <button type="button" disabled={!page.data?.nextPageToken} onClick={() => page.data?.nextPageToken && setTokens([...tokens, page.data.nextPageToken])}>
          Older →
        </button>
      </nav>
    </section>
  );
}

function ExecutionsTable({ domain, rows, closed }: { domain: string; rows: WorkflowExecutionInfo[]; closed: boolean }): JSX.Element {
  return (
    <div class="table-wrap">
      <table class="executions">
        <thead>
          <tr>
            <th scope="col">Workflow ID</th>
            <th scope="col" class="col-run">
              Run ID
            </th>
            <th scope="col" class="col-type">
              Type
            </th>
            <th scope="col">Started</th>
            {closed && (
              <th scope="col" class="col-closed">
                Closed
              </th>
            )}
            <th scope="col">Status</th>
            <th scope="col" class="col-tags">
              Tags
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <tr key={e.execution.runId}>
              <th scope="row">
                <Link href={executionHref(domain, e.execution.workflowId, e.execution.runId)}>{e.execution.workflowId}</Link>
              </th>
              <td class="col-run">
                <code class="run-id" title={e.execution.runId}>
                  {e.execution.runId.slice(0, 12)}…
                </code>
              </td>
              <td class="col-type">
                {e.workflowType.name} <span class="muted">v{e.workflowType.version}</span>
              </td>
              <td class="time">{formatTime(e.startTimestamp)}</td>
              {closed && <td class="time col-closed">{formatTime(e.closeTimestamp)}</td>}
              <td>
                <Badge tone={statusTone(e.closeStatus)}>{e.closeStatus ?? (e.cancelRequested ? 'OPEN (cancel requested)' : 'OPEN')}</Badge>
              </td>
              <td class="col-tags">{(e.tagList ?? []).map((t) => <span class="tag">{t}</span>)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
