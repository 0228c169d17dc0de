/** The console's entry: sign-in, the page frame, and the router over the three pages. */
import { render } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import './styles.css';
import { Api, savedCredentials, saveCredentials, type Credentials } from './api.js';
import { ApiContext } from './hooks.js';
import { Link, domainsHref, executionsHref, parseRoute, useLocation, type Route } from './router.js';
import { SignIn } from './pages/sign-in.js';
import { DomainsPage } from './pages/domains.js';
import { ExecutionsPage } from './pages/executions.js';
import { ExecutionPage } from './pages/execution.js';
import { ClockButton } from './parts/clock.js';

function Crumbs({ route }: { route: Route }): JSX.Element {
  const items: JSX.Element[] = [<Link href={domainsHref()}>Domains</Link>];
  if (route.page === 'executions' || route.page === 'execution') items.push(<Link href={executionsHref(route.domain)}>{route.domain}</Link>);
  if (route.page === 'execution') items.push(<span aria-current="page">{route.workflowId}</span>);
  return (
    <nav aria-label="Breadcrumb" class="crumbs">
      <ol>
        {items.map((item, i) => (
          <li key={i}>{item}</li>
        ))}
      </ol>
    </nav>
  );
}

function Page({ route }: { route: Route }): JSX.Element {
  switch (route.page) {
    case 'domains':
      return <DomainsPage />;
    case 'executions':
      return <ExecutionsPage domain={route.domain} query={route.query} />;
    case 'execution':
      return <ExecutionPage domain={route.domain} workflowId={route.workflowId} runId={route.runId} />;
    case 'not-found':
      return (
        <section>
          <h1>Not found</h1>
          <p>
            No console page at <code>{route.path}</code>. <Link href={domainsHref()}>See the domains.</Link>
          </p>
        </section>
      );
  }
}

function App(): JSX.Element {
  const [credentials, setCredentials] = useState<Credentials | undefined>(savedCredentials);
  const api = useMemo(() => (credentials === undefined ? undefined : new Api(credentials)), [credentials]);
  const loc = useLocation();
  const route = parseRoute(loc.pathname, loc.search);
  const signIn = (c: Credentials | undefined) => {
    saveCredentials(c);
    setCredentials(c);
  };
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <Link href={domainsHref()} class="brand">
          OpenSWF
        </Link>
        {api !== undefined && <Crumbs route={route} />}
        <div class="top-right">
          {api !== undefined && (
            <ApiContext.Provider value={api}>
              <ClockButton domain={route.page === 'executions' || route.page === 'execution' ? route.domain : undefined} />
            </ApiContext.Provider>
          )}
          {credentials !== undefined && (
            <button type="button" class="small" onClick={() => signIn(undefined)} title={`Signed in as ${credentials.accessKeyId} (${credentials.region})`}>
              Sign out
            </button>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {api === undefined ? (
          <SignIn onSignedIn={signIn} />
        ) : (
          <ApiContext.Provider value={api}>
            <Page route={route} />
          </ApiContext.Provider>
        )}
      </main>
    </>
  );
}

const root = document.getElementById('app');
if (root !== null) {
  root.textContent = '';
  render(<App />, root);
}
