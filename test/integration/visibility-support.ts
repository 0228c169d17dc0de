/**
 * What only the visibility tests need. (Their decider and worker steps are
 * test/helpers/workflow.ts.)
 */
import type { WorkflowExecutionInfo } from '@aws-sdk/client-swf';

/** The workflowIds of listed executions, in the order listed. */
export const workflowIds = (infos: readonly WorkflowExecutionInfo[] | undefined): string[] => (infos ?? []).map((i) => i.execution?.workflowId ?? '?');

/** Runs `fn` over `items` with at most `concurrency` calls under way. */
export async function inParallel<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
