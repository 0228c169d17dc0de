/** Small pieces every page uses. */
import { useState } from 'preact/hooks';
import type { ComponentChildren, JSX } from 'preact';
import type { ApiError } from '../api.js';
import { copyText, prettyPayload } from '../format.js';

export function FaultMessage({ error, what }: { error: ApiError; what?: string }): JSX.Element {
  return (
    <p class="fault" role="alert">
      <strong>{error.fault}</strong>
      {what ? ` (${what})` : ''}: {error.message}
    </p>
  );
}

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }): JSX.Element {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <button
      type="button"
      class="small"
      onClick={async () => {
        setState((await copyText(text)) ? 'copied' : 'failed');
        setTimeout(() => setState('idle'), 1500);
      }}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}
    </button>
  );
}

/** An input, result or details payload: pretty-printed when JSON, copyable. */
export function Payload({ text, label }: { text: string | undefined; label: string }): JSX.Element {
  if (text === undefined || text === '') return <p class="muted">No {label.toLowerCase()}.</p>;
  return (
    <div class="payload">
      <pre tabIndex={0} aria-label={label}>{prettyPayload(text)}</pre>
      <CopyButton text={text} label={`Copy ${label.toLowerCase()}`} />
    </div>
  );
}

export type Tone = 'ok' | 'bad' | 'warn' | 'muted' | 'live' | 'info';

export function Badge({ tone, children }: { tone: Tone; children: ComponentChildren }): JSX.Element {
  return <span class={`badge ${tone}`}>{children}</span>;
}

export function statusTone(status: string | undefined): Tone {
  switch (status) {
    case undefined:
    case 'OPEN':
      return 'live';
    case 'COMPLETED':
      return 'ok';
    case 'FAILED':
      return 'bad';
    case 'TIMED_OUT':
      return 'warn';
    case 'CONTINUED_AS_NEW':
      return 'info';
    default:
      return 'muted';
  }
}
