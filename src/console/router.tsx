/**
 * A small router over the History API. The console's pages are stable URLs:
 *   /console/                                              domains
 *   /console/domains/<domain>                              executions (query: the filters)
 *   /console/domains/<domain>/executions/<workflowId>/<runId>   one execution
 * Names are percent-encoded path segments, so any workflowId (slashes included) round-trips.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ComponentChildren, JSX } from 'preact';

export type Route =
  | { page: 'domains' }
  | { page: 'executions'; domain: string; query: URLSearchParams }
  | { page: 'execution'; domain: string; workflowId: string; runId: string }
  | { page: 'not-found'; path: string };

const BASE = '/console';

export function parseRoute(pathname: string, search: string): Route {
  const rest = pathname.startsWith(`${BASE}/`) ? pathname.slice(BASE.length + 1) : '';
  const parts = rest.split('/').filter((p, i, all) => p !== '' || i < all.length - 1);
  let segments: string[];
  try {
    segments = parts.map((p) => decodeURIComponent(p));
  } catch {
    return { page: 'not-found', path: pathname };
  }
  if (segments.length === 0 || (segments.length === 1 && segments[0] === '')) return { page: 'domains' };
  if (segments[0] === 'domains' && segments.length === 2 && segments[1]) {
    return { page: 'executions', domain: segments[1], query: new URLSearchParams(search) };
  }
  if (segments[0] === 'domains' && segments.length === 5 && segments[2] === 'executions' && segments[1] && segments[3] && segments[4]) {
    return { page: 'execution', domain: segments[1], workflowId: segments[3], runId: segments[4] };
  }
  return { page: 'not-found', path: pathname };
}

const enc = encodeURIComponent;
export const domainsHref = (): string => `${BASE}/`;
export const executionsHref = (domain: string, query?: URLSearchParams): string => {
  const q = query?.toString();
  return `${BASE}/domains/${enc(domain)}${q ? `?${q}` : ''}`;
};
export const executionHref = (domain: string, workflowId: string, runId: string): string =>
  `${BASE}/domains/${enc(domain)}/executions/${enc(workflowId)}/${enc(runId)}`;

const listeners = new Set<() => void>();
export function navigate(href: string, replace = false): void {
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  for (const l of listeners) l();
}

export function useLocation(): { pathname: string; search: string } {
  const read = () => ({ pathname: location.pathname, search: location.search });
  const [loc, setLoc] = useState(read);
  useEffect(() => {
    const update = () => setLoc(read());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return loc;
}

/** An ordinary link (open in a new tab, copy address work) that navigates in place on a plain click. */
export function Link(props: { href: string; children: ComponentChildren } & Omit<JSX.HTMLAttributes<HTMLAnchorElement>, 'href'>): JSX.Element {
  const { href, children, ...rest } = props;
  const onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}
