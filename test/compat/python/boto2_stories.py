"""Stories only boto 2 tells: its typed `boto.swf.layer1` methods and its `layer2` classes.

- tutorial: a decider and an activity worker written as boto 2's SWF tutorial writes them
  (`if 'events' in history`, `if 'activityId' in activity_task`), looping over empty polls.
- workflow: one run through Decider/ActivityWorker with empty polls on each task list, a paged
  decision task, a heartbeat and a signal; one canceled on request; one terminated; history and
  a list call paged with layer1; task-token faults and the domain ARN as boto 2 reads them.
"""
import time

import boto.swf.layer2 as swf
from boto.exception import SWFResponseError
from boto.swf.layer1 import Layer1

from swfcheck import CheckFailed, check, equal, event_types, unique

DECIDER = "boto2-decider"
WORKER = "boto2-worker"
EMPTY_DECISION = {"previousStartedEventId": 0, "startedEventId": 0}
EMPTY_ACTIVITY = {"startedEventId": 0}


class Boto2Context:
    """A domain with one workflow type and one activity type, registered through layer2."""

    def __init__(self, region):
        self.region = region
        self.layer1 = Layer1(region=region)
        self.domain = unique("boto2")
        self.decisions = unique("b2-deciders")
        self.activities = unique("b2-workers")
        self.version = "1.0"
        swf.Domain(name=self.domain, retention=1, description="boto 2", region=region).register()
        self.workflow = swf.WorkflowType(domain=self.domain, name="b2-flow", version=self.version, task_list=self.decisions, region=region)
        self.workflow.register(default_task_start_to_close_timeout="600")
        swf.ActivityType(domain=self.domain, name="b2-step", version=self.version, region=region).register(
            task_list=self.activities,
            default_task_heartbeat_timeout="NONE",
            default_task_schedule_to_close_timeout="NONE",
            default_task_schedule_to_start_timeout="NONE",
            default_task_start_to_close_timeout="600",
        )

    def decider(self, **extra):
        return swf.Decider(domain=self.domain, task_list=self.decisions, region=self.region, **extra)

    def worker(self):
        return swf.ActivityWorker(domain=self.domain, task_list=self.activities, region=self.region)

    def start(self, prefix, **extra):
        execution = self.workflow.start(workflow_id=unique(prefix), **extra)
        # layer2's WorkflowExecution does not pass the region on: give it ours.
        return swf.WorkflowExecution(domain=self.domain, workflowId=execution.workflowId, runId=execution.runId, region=self.region)

    def status(self, execution):
        info = execution.describe()["executionInfo"]
        return info["executionStatus"], info.get("closeStatus")


def story_tutorial(ctx):
    """boto 2's SWF tutorial, as written there: its decider and worker survive empty polls."""
    domain, version, tasks, activities = ctx.domain, ctx.version, ctx.decisions, ctx.activities

    class HelloDecider(swf.Decider):
        def run(self):
            history = self.poll()
            if "events" in history:
                # Find workflow events not related to decision scheduling.
                workflow_events = [e for e in history["events"] if not e["eventType"].startswith("Decision")]
                last_event = workflow_events[-1]
                decisions = swf.Layer1Decisions()
                if last_event["eventType"] == "WorkflowExecutionStarted":
                    decisions.schedule_activity_task("saying_hi", "b2-step", version, task_list=activities)
                elif last_event["eventType"] == "ActivityTaskCompleted":
                    decisions.complete_workflow_execution()
                self.complete(decisions=decisions)
                return True

    class HelloWorker(swf.ActivityWorker):
        def run(self):
            activity_task = self.poll()
            if "activityId" in activity_task:
                self.complete(result="Hello, World!")
                return True

    setup = {"domain": domain, "version": version, "region": ctx.region}
    # Both poll before there is anything to do: each gets an empty answer and must carry on.
    equal(HelloWorker(task_list=activities, **setup).run(), None, "the tutorial worker passes over an empty poll")
    equal(HelloDecider(task_list=tasks, **setup).run(), None, "the tutorial decider passes over an empty poll")
    execution = ctx.start("tutorial")
    handled = {"decider": 0, "worker": 0}
    empty = {"decider": 0, "worker": 0}
    for _ in range(8):
        for name, actor in (("decider", HelloDecider(task_list=tasks, **setup)), ("worker", HelloWorker(task_list=activities, **setup))):
            if actor.run():
                handled[name] += 1
            else:
                empty[name] += 1
        if ctx.status(execution)[0] == "CLOSED":
            break
    equal(ctx.status(execution), ("CLOSED", "COMPLETED"), "the tutorial workflow completed")
    equal(handled, {"decider": 2, "worker": 1}, "the tutorial handled two decision tasks and one activity task")
    check(empty["worker"] >= 1, "the tutorial worker met an empty poll while the decider worked")
    events = execution.history()
    equal(events[-1]["eventType"], "WorkflowExecutionCompleted", "the tutorial run's last event")
    results = [e["activityTaskCompletedEventAttributes"]["result"] for e in events if e["eventType"] == "ActivityTaskCompleted"]
    equal(results, ["Hello, World!"], "the tutorial worker's result")
    return execution


def paged_decision_task(ctx, decider, page_size):
    """A decision task polled through layer2, its history paged through layer1 with nextPageToken."""
    task = decider.poll(identity=DECIDER, maximum_page_size=page_size)
    check(task.get("taskToken"), "a decision task was handed out")
    equal(decider.last_tasktoken, task["taskToken"], "layer2 keeps the task's token")
    events, pages, token = list(task["events"]), 1, task.get("nextPageToken")
    while token:
        page = ctx.layer1.poll_for_decision_task(ctx.domain, ctx.decisions, identity=DECIDER, maximum_page_size=page_size, next_page_token=token)
        equal(page["taskToken"], task["taskToken"], "a history page belongs to the same task")
        events += page["events"]
        pages += 1
        token = page.get("nextPageToken")
    equal([e["eventId"] for e in events], list(range(1, task["startedEventId"] + 1)), "the paged decision task's events")
    return task, events, pages


def story_workflow(ctx):
    """A whole workflow through boto 2's classes: empty polls, paging, heartbeat, signal, cancel, terminate."""
    decider, worker = ctx.decider(), ctx.worker()
    equal(decider.poll(identity=DECIDER), EMPTY_DECISION, "an empty decision poll carries no task member")
    equal(decider.last_tasktoken, None, "layer2 keeps no token of an empty poll")
    equal(worker.poll(identity=WORKER), EMPTY_ACTIVITY, "an empty activity poll carries no task member")
    equal(worker.last_tasktoken, None, "layer2 keeps no token of an empty activity poll")

    # One run: an activity with a heartbeat, then a signal, then completion.
    run = ctx.start("b2-run", input="order-1")
    task, events, _ = paged_decision_task(ctx, decider, 2)
    equal(event_types(events), ["WorkflowExecutionStarted", "DecisionTaskScheduled", "DecisionTaskStarted"], "the first decision task")
    decisions = swf.Layer1Decisions()
    decisions.schedule_activity_task("step-1", "b2-step", ctx.version, input="one")
    decider.complete(decisions=decisions)
    work = worker.poll(identity=WORKER)
    equal((work["activityId"], work["input"], work["startedEventId"]), ("step-1", "one", 6), "the activity task")
    equal(worker.heartbeat(details="half"), {"cancelRequested": False}, "a heartbeat")
    worker.complete(result="done-1")
    run.signal("go", input="now")
    task, events, pages = paged_decision_task(ctx, decider, 3)
    check(pages >= 3, f"the second decision task came in pages ({pages})")
    signaled = [e["workflowExecutionSignaledEventAttributes"] for e in events if e["eventType"] == "WorkflowExecutionSignaled"]
    equal(signaled, [{"signalName": "go", "input": "now"}], "the decider sees the signal")
    decisions = swf.Layer1Decisions()
    decisions.complete_workflow_execution(result="all done")
    decider.complete(decisions=decisions)
    equal(ctx.status(run), ("CLOSED", "COMPLETED"), "the run completed")
    history = history_pages(ctx, run, 4)
    equal(history[-1]["workflowExecutionCompletedEventAttributes"]["result"], "all done", "the run's result")
    equal(run.history(), history, "layer2's history is layer1's, unpaged")

    # Task tokens of the closed run, as boto 2 reports the faults.
    closed = f"Unknown execution: WorkflowExecution=[workflowId={run.workflowId}, runId={run.runId}]"
    equal(fault_of(lambda: worker.complete(result="late")), ("UnknownResourceFault", closed), "a late activity result")
    equal(fault_of(lambda: decider.complete(decisions=[])), ("UnknownResourceFault", closed), "a late decision")
    equal(fault_of(lambda: ctx.layer1.respond_activity_task_completed("not-a-token")), ("ValidationException", "Invalid token"), "a string that is no token")

    # A run canceled on request. boto 2 spells the decision's attributes
    # `cancelWorkflowExecutionsDecisionAttributes`; like SWF, the server ignores the unknown member.
    canceled = ctx.start("b2-cancel")
    decider.poll(identity=DECIDER)
    decider.complete(decisions=[])
    canceled.request_cancel()
    task, events, _ = paged_decision_task(ctx, decider, 100)
    equal(event_types(events)[-3:], ["WorkflowExecutionCancelRequested", "DecisionTaskScheduled", "DecisionTaskStarted"], "the decider sees the cancel request")
    decisions = swf.Layer1Decisions()
    decisions.cancel_workflow_executions(details="as asked")
    decider.complete(decisions=decisions)
    equal(ctx.status(canceled), ("CLOSED", "CANCELED"), "the run was canceled")
    last = canceled.history()[-1]
    equal(last.get("workflowExecutionCanceledEventAttributes"), {"decisionTaskCompletedEventId": 8}, "canceled, without the details boto 2 misfiled")

    # A run terminated while its activity is out.
    terminated = ctx.start("b2-terminate")
    decider.poll(identity=DECIDER)
    decisions = swf.Layer1Decisions()
    decisions.schedule_activity_task("doomed", "b2-step", ctx.version)
    decider.complete(decisions=decisions)
    worker.poll(identity=WORKER)
    terminated.terminate(reason="operator stop", details="ticket-2")
    equal(ctx.status(terminated), ("CLOSED", "TERMINATED"), "the run was terminated")
    last = terminated.history()[-1]
    equal(
        (last["eventType"], last["workflowExecutionTerminatedEventAttributes"]),
        ("WorkflowExecutionTerminated", {"reason": "operator stop", "details": "ticket-2", "childPolicy": "TERMINATE", "cause": "OPERATOR_INITIATED"}),
        "the terminate event",
    )
    equal(fault_of(lambda: worker.heartbeat()), ("UnknownResourceFault", f"Unknown execution: WorkflowExecution=[workflowId={terminated.workflowId}, runId={terminated.runId}]"), "a heartbeat of a terminated run")
    equal(fault_of(lambda: terminated.terminate()), ("UnknownResourceFault", f"Unknown execution, workflowId = {terminated.workflowId}"), "terminating it again")
    equal(decider.poll(identity=DECIDER), EMPTY_DECISION, "nothing is left to decide")
    equal(worker.poll(identity=WORKER), EMPTY_ACTIVITY, "nothing is left to work on")
    return [run, canceled, terminated]


def history_pages(ctx, run, page_size):
    """A run's whole history through layer1's get_workflow_execution_history, page by page."""
    events, token, pages = [], None, 0
    while True:
        page = ctx.layer1.get_workflow_execution_history(ctx.domain, run.runId, run.workflowId, maximum_page_size=page_size, next_page_token=token)
        check(len(page["events"]) <= page_size, "a history page holds at most maximumPageSize events")
        events += page["events"]
        pages += 1
        token = page.get("nextPageToken")
        if not token:
            break
    check(pages > 1, "the history came in pages")
    equal([e["eventId"] for e in events], list(range(1, len(events) + 1)), "the paged history's event ids")
    return events


def story_visibility(ctx, runs):
    """A list call paged through layer1, the domain's ARN, and DeprecateDomain through layer2."""
    listed, token = [], None
    while True:
        page = ctx.layer1.list_closed_workflow_executions(ctx.domain, start_oldest_date=0, maximum_page_size=1, next_page_token=token)
        check(len(page["executionInfos"]) <= 1, "a page of one")
        listed += [(i["execution"]["runId"], i["closeStatus"]) for i in page["executionInfos"]]
        token = page.get("nextPageToken")
        if not token:
            break
    expected = {(r.runId, status) for r, status in zip(runs, ["COMPLETED", "COMPLETED", "CANCELED", "TERMINATED"])}
    equal(set(listed), expected, "every closed run, one page at a time")
    equal(len(listed), len(expected), "each closed run listed once")
    equal(ctx.layer1.list_open_workflow_executions(ctx.domain, oldest_date=0)["executionInfos"], [], "no run is open")
    domain = swf.Domain(name=ctx.domain, region=ctx.region)
    # boto 2 signs for the region it guesses from the host ("0" for 127.0.0.1): the ARN names the server's.
    equal(domain.describe()["domainInfo"]["arn"], f"arn:aws:swf:us-east-1:000000000000:/domain/{ctx.domain}", "the domain's ARN")
    domain.deprecate()
    equal([w.name for w in domain.workflows(status="DEPRECATED")], ["b2-flow"], "DeprecateDomain deprecated the workflow type")
    equal([a.name for a in domain.activities(status="DEPRECATED")], ["b2-step"], "DeprecateDomain deprecated the activity type")
    equal(domain.workflows(), [], "no workflow type is left registered")


def fault_of(call):
    try:
        call()
    except SWFResponseError as error:
        return error.error_code, error.body.get("message")
    raise CheckFailed("the call succeeded where a fault was expected")


BOTO2_STORIES = ["tutorial", "workflow", "visibility"]


def run_boto2_stories(region, endpoint, names):
    del endpoint  # the layer2 classes reach the server through the region and the boto config
    wanted = names or BOTO2_STORIES
    ctx = Boto2Context(region)
    runs = []
    started = time.monotonic()
    if "tutorial" in wanted:
        runs.append(story_tutorial(ctx))
        print("[boto2] story tutorial: ok")
    if "workflow" in wanted:
        runs += story_workflow(ctx)
        print("[boto2] story workflow: ok")
    if "visibility" in wanted and len(runs) == 4:
        story_visibility(ctx, runs)
        print("[boto2] story visibility: ok")
    print(f"[boto2] layer1/layer2 stories took {time.monotonic() - started:.1f} s")
