/** /console/ — every domain (registered and deprecated) with its retention and its open and closed counts. */
import type { JSX } from 'preact';
import type { DomainDetail, DomainInfo, DomainInfos, WorkflowExecutionCount } from '../../model/shapes.js';
import { allPages, useApi, usePoll } from '../hooks.js';
import { executionsHref, Link } from '../router.js';
import { Badge, FaultMessage } from '../parts/common.js';
import type { Api } from '../api.js';

interface DomainRow {
  info: DomainInfo;
  retention?: string;
  open?: WorkflowExecutionCount;
  closed?: WorkflowExecutionCount;
  fault?: string;
}

/** "1,234", or "≥ 1,234" when SWF truncated the count. */
export function formatCount(c: WorkflowExecutionCount | undefined): string {
  if (c === undefined) return '—';
  return `${c.truncated ? '≥ ' : ''}${c.count.toLocaleString('en-US')}`;
}

async function loadDomains(api: Api): Promise<DomainRow[]> {
  const list = (status: string) =>
    allPages(
      (token) => api.call<DomainInfos>('ListDomains', { registrationStatus: status, maximumPageSize: 1000, ...(token ? { nextPageToken: token } : {}) }),
      (p) => p.domainInfos,
    );
  const [registered, deprecated] = await Promise.all([list('REGISTERED'), list('DEPRECATED')]);
  const infos = [...registered, ...deprecated].sort((a, b) => a.name.localeCompare(b.name));
  const all = { startTimeFilter: { oldestDate: 0 } };
  return Promise.all(
    infos.map(async (info): Promise<DomainRow> => {
      try {
        const [detail, open, closed] = await Promise.all([
          api.call<DomainDetail>('DescribeDomain', { name: info.name }),
          api.call<WorkflowExecutionCount>('CountOpenWorkflowExecutions', { domain: info.name, ...all }),
          api.call<WorkflowExecutionCount>('CountClosedWorkflowExecutions', { domain: info.name, ...all }),
        ]);
        return { info, retention: detail.configuration.workflowExecutionRetentionPeriodInDays, open, closed };
      } catch (err) {
        return { info, fault: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
      }
    }),
  );
}

export function DomainsPage(): JSX.Element {
  const api = useApi();
  const domains = usePoll(() => loadDomains(api), [api], 5000);
  return (
    <section>
      <h1>Domains</h1>
      {domains.error && <FaultMessage error={domains.error} what="ListDomains" />}
      {domains.loading && domains.data === undefined && <p aria-live="polite">Loading…</p>}
      {domains.data && domains.data.length === 0 && (
        <p>
          No domains yet. Register one with <code>aws swf register-domain</code> (see the README's quick start).
        </p>
      )}
      {domains.data && domains.data.length > 0 && (
        <div class="table-wrap">
          <table class="domains">
            <thead>
              <tr>
                <th scope="col">Domain</th>
                <th scope="col">Status</th>
                <th scope="col">Retention</th>
                <th scope="col" class="num">
                  Open
                </th>
                <th scope="col" class="num">
                  Closed
                </th>
                <th scope="col">Description</th>
              </tr>
            </thead>
            <tbody>
              {domains.data.map((d) => (
                <tr key={d.info.name}>
                  <th scope="row">
                    <Link href={executionsHref(d.info.name)}>{d.info.name}</Link>
                  </th>
                  <td>
                    <Badge tone={d.info.status === 'REGISTERED' ? 'ok' : 'muted'}>{d.info.status}</Badge>
                  </td>
                  <td>{d.retention === undefined ? '—' : d.retention === 'NONE' ? 'none' : `${d.retention} days`}</td>
                  <td class="num">
                    <Link href={executionsHref(d.info.name, new URLSearchParams({ status: 'open' }))}>{formatCount(d.open)}</Link>
                  </td>
                  <td class="num">
                    <Link href={executionsHref(d.info.name, new URLSearchParams({ status: 'closed' }))}>{formatCount(d.closed)}</Link>
                  </td>
                  <td>{d.fault ? <span class="fault">{d.fault}</span> : (d.info.description ?? '')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
