/**
 * The five calls the load benchmark's run-phase loops make (starters, deciders, activity
 * workers), behind one small interface, so the loops' logic is the same whichever client drives
 * them: the AWS SDK v3 (`--client sdk`, what users run) or the lean HTTP client of
 * ./http-client.ts (`--client http`, a driver cheap enough not to be the bottleneck).
 *
 * Inputs are the SDK's input shapes (the JSON protocol sends them as they are); outputs are only
 * the members the loops read, so the SDK's deserialised answers and JSON.parse's both fit.
 */
import {
  PollForActivityTaskCommand,
  PollForDecisionTaskCommand,
  RespondActivityTaskCompletedCommand,
  RespondDecisionTaskCompletedCommand,
  StartWorkflowExecutionCommand,
  type PollForActivityTaskInput,
  type PollForDecisionTaskInput,
  type RespondActivityTaskCompletedInput,
  type RespondDecisionTaskCompletedInput,
  type StartWorkflowExecutionInput,
  type SWFClient,
} from '@aws-sdk/client-swf';

export type ClientKind = 'sdk' | 'http';

/** The members of a decision task page the loops read (an empty poll has no taskToken). */
export interface DecisionTaskPage {
  taskToken?: string;
  previousStartedEventId?: number;
  workflowExecution?: { workflowId?: string };
  events?: { eventType?: string }[];
  nextPageToken?: string;
}

export interface ActivityTaskOut {
  taskToken?: string;
  activityId?: string;
}

export interface LoopClient {
  startWorkflowExecution(input: StartWorkflowExecutionInput, signal: AbortSignal): Promise<{ runId?: string }>;
  pollForDecisionTask(input: PollForDecisionTaskInput, signal: AbortSignal): Promise<DecisionTaskPage>;
  respondDecisionTaskCompleted(input: RespondDecisionTaskCompletedInput, signal: AbortSignal): Promise<unknown>;
  pollForActivityTask(input: PollForActivityTaskInput, signal: AbortSignal): Promise<ActivityTaskOut>;
  respondActivityTaskCompleted(input: RespondActivityTaskCompletedInput, signal: AbortSignal): Promise<unknown>;
  /** Closes the client's connections. */
  destroy(): void;
}

/** The SDK client as a LoopClient: each call is one `client.send` of its command. */
export class SdkLoopClient implements LoopClient {
  constructor(private readonly client: SWFClient) {}

  startWorkflowExecution(input: StartWorkflowExecutionInput, signal: AbortSignal): Promise<{ runId?: string }> {
    return this.client.send(new StartWorkflowExecutionCommand(input), { abortSignal: signal });
  }

  pollForDecisionTask(input: PollForDecisionTaskInput, signal: AbortSignal): Promise<DecisionTaskPage> {
    return this.client.send(new PollForDecisionTaskCommand(input), { abortSignal: signal });
  }

  respondDecisionTaskCompleted(input: RespondDecisionTaskCompletedInput, signal: AbortSignal): Promise<unknown> {
    return this.client.send(new RespondDecisionTaskCompletedCommand(input), { abortSignal: signal });
  }

  pollForActivityTask(input: PollForActivityTaskInput, signal: AbortSignal): Promise<ActivityTaskOut> {
    return this.client.send(new PollForActivityTaskCommand(input), { abortSignal: signal });
  }

  respondActivityTaskCompleted(input: RespondActivityTaskCompletedInput, signal: AbortSignal): Promise<unknown> {
    return this.client.send(new RespondActivityTaskCompletedCommand(input), { abortSignal: signal });
  }

  destroy(): void {
    this.client.destroy();
  }
}
