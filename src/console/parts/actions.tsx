/**
 * Signal, request cancel and terminate, each behind a confirmation dialog that names the
 * execution; the dialog then shows what the API answered (or its fault, e.g. AccessDenied
 * when the caller's policy does not allow the action).
 */
import { useRef, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import type { WorkflowExecution } from '../../model/shapes.js';
import { useAction, useApi } from '../hooks.js';
import { FaultMessage } from './common.js';

type Action = 'signal' | 'cancel' | 'terminate';

const TITLES: Record<Action, string> = {
  signal: 'Signal the execution',
  cancel: 'Request cancellation',
  terminate: 'Terminate the execution',
};

export function Actions({ domain, execution, open }: { domain: string; execution: WorkflowExecution; open: boolean }): JSX.Element {
  const dialog = useRef<HTMLDialogElement>(null);
  const [action, setAction] = useState<Action | undefined>(undefined);
  const show = (a: Action) => {
    setAction(a);
    dialog.current?.showModal();
  };
  const why = open ? undefined : 'The execution is closed';
  return (
    <div class="actions" role="group" aria-label="Actions">
      <button type="button" onClick={() => show('signal')} disabled={!open} title={why}>
        Signal…
      </button>
      <button type="button" onClick={() => show('cancel')} disabled={!open} title={why}>
        Request cancel…
      </button>
      <button type="button" class="danger" onClick={() => show('terminate')} disabled={!open} title={why}>
        Terminate…
      </button>
      <dialog ref={dialog} aria-labelledby="action-title" onClose={() => setAction(undefined)}>
        {action !== undefined && <ActionForm key={action} action={action} domain={domain} execution={execution} onClose={() => dialog.current?.close()} />}
      </dialog>
    </div>
  );
}

function ActionForm({ action, domain, execution, onClose }: { action: Action; domain: string; execution: WorkflowExecution; onClose: () => void }): JSX.Element {
  const api = useApi();
  const { busy, answer, error, run } = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const value = (name: string) => String(form.get(name) ?? '');
    const target = { domain, workflowId: execution.workflowId, runId: execution.runId };
    let operation: string;
    let input: Record<string, unknown>;
    if (action === 'signal') {
      operation = 'SignalWorkflowExecution';
      input = { ...target, signalName: value('signalName'), ...(value('input') ? { input: value('input') } : {}) };
    } else if (action === 'cancel') {
      operation = 'RequestCancelWorkflowExecution';
      input = target;
    } else {
      operation = 'TerminateWorkflowExecution';
      input = {
        ...target,
        ...(value('reason') ? { reason: value('reason') } : {}),
        ...(value('details') ? { details: value('details') } : {}),
        ...(value('childPolicy') ? { childPolicy: value('childPolicy') } : {}),
      };
    }
    await run(async () => `${operation} succeeded; the API answered ${JSON.stringify(await api.call<unknown>(operation, input))}.`);
  };
  return (
    <form onSubmit={submit} class="stack action-form" data-action={action}>
      <h2 id="action-title">{TITLES[action]}</h2>
      <p>
        <code>{execution.workflowId}</code> run <code>{execution.runId}</code> in <code>{domain}</code>
      </p>
      {action === 'signal' && (
        <>
          <label>
            Signal name
            <input name="signalName" required maxLength={256} spellcheck={false} />
          </label>
          <label>
            Input <span class="muted">(optional)</span>
            <textarea name="input" rows={4} maxLength={32768} spellcheck={false} />
          </label>
        </>
      )}
      {action === 'cancel' && <p>The decider is told (WorkflowExecutionCancelRequested) and decides whether to cancel.</p>}
      {action === 'terminate' && (
        <>
          <p class="warning">Terminating closes the execution at once; its decider and workers are not asked. This cannot be undone.</p>
          <label>
            Reason <span class="muted">(optional)</span>
            <input name="reason" maxLength={256} />
          </label>
          <label>
            Details <span class="muted">(optional)</span>
            <textarea name="details" rows={3} maxLength={32768} />
          </label>
          <label>
            Child policy
            <select name="childPolicy" defaultValue="">
              <option value="">the execution's own</option>
              <option value="TERMINATE">TERMINATE</option>
              <option value="REQUEST_CANCEL">REQUEST_CANCEL</option>
              <option value="ABANDON">ABANDON</option>
            </select>
          </label>
        </>
      )}
      {answer && (
        <p role="status" class="answer">
          {answer}
        </p>
      )}
      {error && <FaultMessage error={error} what="the API refused" />}
      <div class="dialog-buttons">
        {answer === undefined && (
          <button type="submit" class={action === 'terminate' ? 'danger' : 'primary'} disabled={busy}>
            {busy ? 'Sending…' : action === 'signal' ? 'Send signal' : action === 'cancel' ? 'Request cancel' : 'Terminate'}
          </button>
        )}
        <button type="button" onClick={onClose}>
          {answer === undefined ? 'Cancel' : 'Close'}
        </button>
      </div>
    </form>
  );
}
