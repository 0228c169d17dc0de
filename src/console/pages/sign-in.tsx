/**
 * Sign-in: an access key and secret (and a session token, for temporary credentials) and the
 * region that goes into each signature's scope. They stay in this tab (sessionStorage). The
 * keys are tried with one ListDomains call, so a wrong key is said here, not on every page.
 */
import { useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { Api, ApiError, type Credentials } from '../api.js';
import { asApiError } from '../hooks.js';
import { FaultMessage } from '../parts/common.js';

export function SignIn({ onSignedIn }: { onSignedIn: (c: Credentials) => void }): JSX.Element {
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const value = (name: string) => String(form.get(name) ?? '').trim();
    const c: Credentials = {
      accessKeyId: value('accessKeyId'),
      secretAccessKey: value('secretAccessKey'),
      region: value('region') || 'us-east-1',
      ...(value('sessionToken') ? { sessionToken: value('sessionToken') } : {}),
    };
    setBusy(true);
    setError(undefined);
    try {
      await new Api(c).call('ListDomains', { registrationStatus: 'REGISTERED', maximumPageSize: 1 });
      onSignedIn(c);
    } catch (err) {
      // A refusal by policy means the keys are good: a caller allowed only some domain's calls
      // (not ListDomains) may still use the console's pages of that domain.
      if (err instanceof ApiError && (err.fault === 'OperationNotPermittedFault' || err.fault === 'AccessDeniedException')) onSignedIn(c);
      else setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="sign-in">
      <h1>Sign in</h1>
      <p>
        Every call the console makes is signed with these keys (AWS Signature Version 4) and allowed or refused by the server's policies, as for any other client. When the
        server runs without authentication, any keys work.
      </p>
      <form onSubmit={submit} class="stack">
        <label>
          Access key ID
          <input name="accessKeyId" required autoComplete="username" spellcheck={false} />
        </label>
        <label>
          Secret access key
          <input name="secretAccessKey" type="password" required autoComplete="current-password" />
        </label>
        <label>
          Session token <span class="muted">(optional)</span>
          <input name="sessionToken" type="password" autoComplete="off" />
        </label>
        <label>
          Region
          <input name="region" defaultValue="us-east-1" required pattern="[a-z0-9\-]+" spellcheck={false} />
        </label>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {error && <FaultMessage error={error} />}
      </form>
    </section>
  );
}
