/**
 * The engine: SWF's state machine as pure functions over one run's state. It reads no clock
 * and does no I/O; time and ids come in through EngineContext, and what must happen outside
 * the run comes back as effects. See state.ts for the glossary.
 */
export * from './state.js';
export * from './effects.js';
export * from './transition.js';
export * from './durations.js';
export * from './limits.js';
export * from './run-config.js';
export * from './workflow.js';
export * from './activity.js';
export * from './decision-task.js';
export * from './decisions.js';
export * from './composition.js';
export * from './lambda.js';
export * from './timeouts.js';
export * from './decision-access.js';
