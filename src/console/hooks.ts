/** Shared state of the console: the signed client, the "refresh now" bus, polling. */
import { Component, createContext, h, type Attributes, type ComponentType, type FunctionComponent, type VNode } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { Api } from './api.js';
import { ApiError } from './api.js';

export const ApiContext = createContext<Api | undefined>(undefined);

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (api === undefined) throw new Error('useApi outside the signed-in console');
  return api;
}

/** Pages refresh at once when something changed the server's state (an action, a clock advance). */
const refreshListeners = new Set<() => void>();
export function refreshAll(): void {
  for (const l of refreshListeners) l();
}

/** An error from anywhere as the ApiError the console shows. */
export const asApiError = (err: unknown): ApiError =>
  err instanceof ApiError ? err : new ApiError('Error', err instanceof Error ? err.message : String(err), 0);

export interface Action {
  busy: boolean;
  /** What the last run reported as done, shown as the dialog's status line. */
  answer: string | undefined;
  error: ApiError | undefined;
  /** Runs `send` once (the form stays disabled meanwhile); its text becomes `answer`, and every page refreshes. */
  run: (send: () => Promise<string>) => Promise<void>;
  /** Shows a fault found before anything was sent (a bad duration, say). */
  refuse: (error: ApiError) => void;
}

/** The state of a dialog that sends one call at a time and shows what the server answered. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<string | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const run = async (send: () => Promise<string>) => {
    setBusy(true);
    setError(undefined);
    setAnswer(undefined);
    try {
      setAnswer(await send());
      refreshAll();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };
  const refuse = (fault: ApiError) => {
    setAnswer(undefined);
    setError(fault);
  };
  return { busy, answer, error, run, refuse };
}

export interface Polled<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  refresh: () => void;
}

/**
 * Runs `load` now, whenever `deps` change, on refreshAll(), and every `intervalMs` while the tab
 * is visible (0: never again). One load at a time; a load for stale deps is dropped.
 */
export function usePoll<T>(load: (previous: T | undefined) => Promise<T>, deps: unknown[], intervalMs: number): Polled<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const running = useRef(false);
  const latest = useRef<T | undefined>(undefined);
  const loadRef = useRef(load);
  loadRef.current = load;

  const run = useCallback(async (fresh: boolean) => {
    if (running.current && !fresh) return;
    const gen = fresh ? ++generation.current : generation.current;
    running.current = true;
    try {
      const next = await loadRef.current(fresh ? undefined : latest.current);
      if (gen !== generation.current) return;
      latest.current = next;
      setData(next);
      setError(undefined);
    } catch (err) {
      if (gen !== generation.current) return;
      setError(asApiError(err));
    } finally {
      if (gen === generation.current) {
        running.current = false;
        setLoading(false);
      }
    }
  }, []);

  useEffect(() => {
    latest.current = undefined;
    setData(undefined);
    setLoading(true);
    void run(true);
    const onRefresh = () => void run(false);
    refreshListeners.add(onRefresh);
    const timer = intervalMs > 0 ? setInterval(() => {
      if (document.visibilityState !== 'hidden') void run(false);
    }, intervalMs) : undefined;
    return () => {
      refreshListeners.delete(onRefresh);
      if (timer !== undefined) clearInterval(timer);
      generation.current++;
      running.current = false;
    };
  }, deps);

  return { data, error, loading, refresh: () => void run(false) };
}

/** Every page of a paged SWF list call. */
export async function allPages<P extends { nextPageToken?: string }, I>(fetchPage: (token: string | undefined) => Promise<P>, items: (page: P) => I[] | undefined): Promise<I[]> {
  const out: I[] = [];
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    out.push(...(items(page) ?? []));
    token = page.nextPageToken;
  } while (token);
  return out;
}

/**
 * A component that re-renders only when `same` says its props changed (preact/compat's memo
 * without the rest of compat, which would double the bundle's framework share).
 */
export function memo<P extends object>(render: FunctionComponent<P>, same: (a: P, b: P) => boolean): ComponentType<P> {
  return class Memo extends Component<P> {
    override shouldComponentUpdate(next: P): boolean {
      return !same(this.props, next);
    }
    override render(): VNode<P> {
      return h(render, this.props as P & Attributes);
    }
  };
}
