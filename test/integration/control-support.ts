/**
 * What only the execution-control tests need. (Their decider and worker steps are
 * test/helpers/workflow.ts.)
 */

/**
 * A start-time filter wide enough to take in every run of a test, with both ends given (the
 * latest ten years ahead, whatever the server's clock says).
 */
export const startTimeFilter = () => ({ oldestDate: new Date(0), latestDate: new Date(Date.now() + 10 * 365 * 86400_000) });
