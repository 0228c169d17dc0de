"""Workflow stories run against OpenSWF through an SDK-neutral driver (boto3 or the AWS CLI).

Each story drives real runs the way a decider and an activity worker would, then checks the
whole history event by event (type and exact attributes), the execution's description and
the visibility lists. Every story closes the runs it starts.
"""
import json
import urllib.request

from swfcheck import check, equal, event_types, expect_history, unique

DECIDER = "compat-decider"
WORKER = "compat-worker"
UNKNOWN = "UnknownResourceFault"
ZERO_COUNTS = {"openActivityTasks": 0, "openDecisionTasks": 0, "openTimers": 0, "openChildWorkflowExecutions": 0, "openLambdaFunctions": 0}


class Context:
    """One domain with one workflow type and one activity type, on one server."""

    def __init__(self, api, endpoint):
        self.api = api
        self.endpoint = endpoint
        self.domain = unique("compat")
        self.decider_list = unique("deciders")
        self.activity_list = unique("workers")
        self.workflow_type = {"name": "compat-flow", "version": "1"}
        self.activity_type = {"name": "compat-step", "version": "1"}

    def advance(self, seconds):
        """Moves the server's virtual clock (an OpenSWF admin endpoint, not an SWF call)."""
        request = urllib.request.Request(
            f"{self.endpoint}/admin/clock/advance",
            data=json.dumps({"seconds": seconds}).encode(),
            headers={"content-type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.load(answer)


def setup(ctx):
    api = ctx.api
    api.call("RegisterDomain", name=ctx.domain, workflowExecutionRetentionPeriodInDays="1", description="compat suite")
    described = api.call("DescribeDomain", name=ctx.domain)
    equal(described["domainInfo"]["name"], ctx.domain, "DescribeDomain name")
    equal(described["domainInfo"]["status"], "REGISTERED", "DescribeDomain status")
    equal(described["configuration"], {"workflowExecutionRetentionPeriodInDays": "1"}, "DescribeDomain configuration")
    api.call(
        "RegisterWorkflowType",
        domain=ctx.domain,
        **ctx.workflow_type,
        defaultTaskList={"name": ctx.decider_list},
        defaultExecutionStartToCloseTimeout="3600",
        defaultTaskStartToCloseTimeout="600",
        defaultChildPolicy="TERMINATE",
    )
    api.call(
        "RegisterActivityType",
        domain=ctx.domain,
        **ctx.activity_type,
        defaultTaskList={"name": ctx.activity_list},
        defaultTaskScheduleToStartTimeout="NONE",
        defaultTaskScheduleToCloseTimeout="NONE",
        defaultTaskStartToCloseTimeout="600",
        defaultTaskHeartbeatTimeout="NONE",
    )


# ---- steps a decider and a worker take ------------------------------------------------------


def start(ctx, prefix, **extra):
    workflow_id = unique(prefix)
    out = ctx.api.call("StartWorkflowExecution", domain=ctx.domain, workflowId=workflow_id, workflowType=ctx.workflow_type, **extra)
    check(out.get("runId"), "StartWorkflowExecution answers a runId")
    return {"workflowId": workflow_id, "runId": out["runId"]}


def poll_decision(ctx, run, started_event_id, previous_started_event_id):
    task = ctx.api.call("PollForDecisionTask", domain=ctx.domain, taskList={"name": ctx.decider_list}, identity=DECIDER)
    check(task.get("taskToken"), "a decision task was handed out")
    equal(task["workflowExecution"], run, "decision task's execution")
    equal(task["workflowType"], ctx.workflow_type, "decision task's workflow type")
    equal(task["startedEventId"], started_event_id, "decision task's startedEventId")
    equal(task["previousStartedEventId"], previous_started_event_id, "decision task's previousStartedEventId")
    equal([e["eventId"] for e in task["events"]], list(range(1, started_event_id + 1)), "decision task's events")
    return task


def decide(ctx, task, decisions):
    ctx.api.call("RespondDecisionTaskCompleted", taskToken=task["taskToken"], decisions=decisions)


def poll_activity(ctx, run, activity_id, input_, started_event_id):
    task = ctx.api.call("PollForActivityTask", domain=ctx.domain, taskList={"name": ctx.activity_list}, identity=WORKER)
    check(task.get("taskToken"), "an activity task was handed out")
    equal(task["activityId"], activity_id, "activity task's activityId")
    equal(task["input"], input_, "activity task's input")
    equal(task["workflowExecution"], run, "activity task's execution")
    equal(task["activityType"], ctx.activity_type, "activity task's type")
    equal(task["startedEventId"], started_event_id, "activity task's startedEventId")
    return task


def history(ctx, run):
    events, token = [], None
    while True:
        params = {"domain": ctx.domain, "execution": run}
        if token:
            params["nextPageToken"] = token
        page = ctx.api.call("GetWorkflowExecutionHistory", **params)
        events += page["events"]
        token = page.get("nextPageToken")
        if not token:
            return events


def describe(ctx, run):
    return ctx.api.call("DescribeWorkflowExecution", domain=ctx.domain, execution=run)


def describe_closed(ctx, run, close_status, what):
    """Describes a run that must be closed with `close_status` and have nothing open; answers the description."""
    described = describe(ctx, run)
    info = described["executionInfo"]
    equal((info["executionStatus"], info["closeStatus"]), ("CLOSED", close_status), f"{what}: closed")
    equal(described["openCounts"], ZERO_COUNTS, f"{what}: openCounts")
    return described


def closed_executions(ctx, close_status):
    """The executions ListClosedWorkflowExecutions lists with that close status."""
    closed = ctx.api.call("ListClosedWorkflowExecutions", domain=ctx.domain, startTimeFilter={"oldestDate": 0}, closeStatusFilter={"status": close_status})
    return [i["execution"] for i in closed["executionInfos"]]


def expect_fault(ctx, operation, what, **params):
    equal(ctx.api.fault(operation, **params), UNKNOWN, what)


def schedule(ctx, activity_id, input_):
    return {
        "decisionType": "ScheduleActivityTask",
        "scheduleActivityTaskDecisionAttributes": {"activityType": ctx.activity_type, "activityId": activity_id, "input": input_},
    }


def cancel_activity(activity_id):
    return {"decisionType": "RequestCancelActivityTask", "requestCancelActivityTaskDecisionAttributes": {"activityId": activity_id}}


def complete(result):
    return {"decisionType": "CompleteWorkflowExecution", "completeWorkflowExecutionDecisionAttributes": {"result": result}}


# ---- the events a story expects -------------------------------------------------------------


def ev_started(ctx, input_=None):
    attrs = {
        "executionStartToCloseTimeout": "3600",
        "taskStartToCloseTimeout": "600",
        "childPolicy": "TERMINATE",
        "taskList": {"name": ctx.decider_list},
        "workflowType": ctx.workflow_type,
    }
    if input_ is not None:
        attrs["input"] = input_
    return ("WorkflowExecutionStarted", attrs)


def ev_decision_scheduled(ctx):
    return ("DecisionTaskScheduled", {"taskList": {"name": ctx.decider_list}, "startToCloseTimeout": "600"})


def ev_decision_started(scheduled):
    return ("DecisionTaskStarted", {"identity": DECIDER, "scheduledEventId": scheduled})


def ev_decision_completed(scheduled, started):
    return ("DecisionTaskCompleted", {"scheduledEventId": scheduled, "startedEventId": started})


def ev_activity_scheduled(ctx, activity_id, input_, completed):
    return (
        "ActivityTaskScheduled",
        {
            "activityType": ctx.activity_type,
            "activityId": activity_id,
            "input": input_,
            "scheduleToStartTimeout": "NONE",
            "scheduleToCloseTimeout": "NONE",
            "startToCloseTimeout": "600",
            "taskList": {"name": ctx.activity_list},
            "decisionTaskCompletedEventId": completed,
            "heartbeatTimeout": "NONE",
        },
    )


def ev_activity_started(scheduled):
    return ("ActivityTaskStarted", {"identity": WORKER, "scheduledEventId": scheduled})


def ev_cancel_requested(activity_id, completed):
    return ("ActivityTaskCancelRequested", {"decisionTaskCompletedEventId": completed, "activityId": activity_id})


# ---- the stories ----------------------------------------------------------------------------


def story_core(ctx):
    """Three activities one after another, then a timer, then completion."""
    api = ctx.api
    run = start(ctx, "core", input="order-7")
    expected = [ev_started(ctx, "order-7"), ev_decision_scheduled(ctx)]
    previous = 0
    for n in (1, 2, 3):
        scheduled = len(expected)
        task = poll_decision(ctx, run, scheduled + 1, previous)
        if n > 1:
            last = [e for e in task["events"] if e["eventType"] == "ActivityTaskCompleted"][-1]
            equal(last["activityTaskCompletedEventAttributes"]["result"], f"r{n - 1}", "the decider sees the last result")
        decide(ctx, task, [schedule(ctx, f"step-{n}", str(n))])
        expected += [ev_decision_started(scheduled), ev_decision_completed(scheduled, scheduled + 1)]
        expected.append(ev_activity_scheduled(ctx, f"step-{n}", str(n), scheduled + 2))
        activity_scheduled = len(expected)
        work = poll_activity(ctx, run, f"step-{n}", str(n), activity_scheduled + 1)
        api.call("RespondActivityTaskCompleted", taskToken=work["taskToken"], result=f"r{n}")
        expected += [
            ev_activity_started(activity_scheduled),
            ("ActivityTaskCompleted", {"result": f"r{n}", "scheduledEventId": activity_scheduled, "startedEventId": activity_scheduled + 1}),
            ev_decision_scheduled(ctx),
        ]
        previous = scheduled + 1

    scheduled = len(expected)
    task = poll_decision(ctx, run, scheduled + 1, previous)
    results = [e["activityTaskCompletedEventAttributes"]["result"] for e in task["events"] if e["eventType"] == "ActivityTaskCompleted"]
    equal(results, ["r1", "r2", "r3"], "the decider sees every result")
    decide(ctx, task, [{"decisionType": "StartTimer", "startTimerDecisionAttributes": {"timerId": "pause", "control": "wake-me", "startToFireTimeout": "30"}}])
    expected += [
        ev_decision_started(scheduled),
        ev_decision_completed(scheduled, scheduled + 1),
        ("TimerStarted", {"timerId": "pause", "control": "wake-me", "startToFireTimeout": "30", "decisionTaskCompletedEventId": scheduled + 2}),
    ]
    timer_started = len(expected)
    ctx.advance(29)
    expect_history(history(ctx, run), expected, "core before the timer fires")
    ctx.advance(2)
    expected += [("TimerFired", {"timerId": "pause", "startedEventId": timer_started}), ev_decision_scheduled(ctx)]
    previous = scheduled + 1
    scheduled = len(expected)
    task = poll_decision(ctx, run, scheduled + 1, previous)
    equal(task["events"][-3]["eventType"], "TimerFired", "the decider sees the timer fire")
    decide(ctx, task, [complete(",".join(results))])
    expected += [
        ev_decision_started(scheduled),
        ev_decision_completed(scheduled, scheduled + 1),
        ("WorkflowExecutionCompleted", {"result": "r1,r2,r3", "decisionTaskCompletedEventId": scheduled + 2}),
    ]
    expect_history(history(ctx, run), expected, "core")

    described = describe_closed(ctx, run, "COMPLETED", "core")
    info = described["executionInfo"]
    equal((info["execution"], info["cancelRequested"]), (run, False), "core: executionInfo")
    check(info["closeTimestamp"] >= info["startTimestamp"], "core: closeTimestamp after startTimestamp")
    equal(
        described["executionConfiguration"],
        {"taskStartToCloseTimeout": "600", "executionStartToCloseTimeout": "3600", "taskList": {"name": ctx.decider_list}, "childPolicy": "TERMINATE"},
        "core: executionConfiguration",
    )
    check(run in closed_executions(ctx, "COMPLETED"), "core: listed among COMPLETED executions")


def story_signal(ctx):
    """Signals: by workflowId alone, while the decider works (UNHANDLED_DECISION), after close."""
    api = ctx.api
    run = start(ctx, "signal")
    decide(ctx, poll_decision(ctx, run, 3, 0), [])
    answer = api.call("SignalWorkflowExecution", domain=ctx.domain, workflowId=run["workflowId"], signalName="approve", input="yes")
    equal(answer, {}, "SignalWorkflowExecution answers nothing")
    task = poll_decision(ctx, run, 7, 3)
    equal(task["events"][4]["workflowExecutionSignaledEventAttributes"], {"signalName": "approve", "input": "yes"}, "the decider sees the signal")
    api.call("SignalWorkflowExecution", domain=ctx.domain, **run, signalName="late-news", input="extra")
    decide(ctx, task, [complete("too soon")])
    task = poll_decision(ctx, run, 12, 7)
    equal(task["events"][7]["workflowExecutionSignaledEventAttributes"], {"signalName": "late-news", "input": "extra"}, "the next task carries the late signal")
    decide(ctx, task, [complete("done")])
    expect_history(
        history(ctx, run),
        [
            ev_started(ctx),
            ev_decision_scheduled(ctx),
            ev_decision_started(2),
            ev_decision_completed(2, 3),
            ("WorkflowExecutionSignaled", {"signalName": "approve", "input": "yes"}),
            ev_decision_scheduled(ctx),
            ev_decision_started(6),
            ("WorkflowExecutionSignaled", {"signalName": "late-news", "input": "extra"}),
            ev_decision_completed(6, 7),
            ("CompleteWorkflowExecutionFailed", {"cause": "UNHANDLED_DECISION", "decisionTaskCompletedEventId": 9}),
            ev_decision_scheduled(ctx),
            ev_decision_started(11),
            ev_decision_completed(11, 12),
            ("WorkflowExecutionCompleted", {"result": "done", "decisionTaskCompletedEventId": 13}),
        ],
        "signal",
    )
    expect_fault(ctx, "SignalWorkflowExecution", "signal to a closed run", domain=ctx.domain, **run, signalName="again")
    expect_fault(ctx, "SignalWorkflowExecution", "signal to a closed workflowId", domain=ctx.domain, workflowId=run["workflowId"], signalName="again")


def story_cancel(ctx):
    """Cancel request -> the decider sees it -> CancelWorkflowExecution -> CANCELED."""
    api = ctx.api
    run = start(ctx, "cancel")
    decide(ctx, poll_decision(ctx, run, 3, 0), [])
    answer = api.call("RequestCancelWorkflowExecution", domain=ctx.domain, workflowId=run["workflowId"])
    equal(answer, {}, "RequestCancelWorkflowExecution answers nothing")
    info = describe(ctx, run)["executionInfo"]
    equal((info["executionStatus"], info["cancelRequested"]), ("OPEN", True), "cancel: requested, still open")
    task = poll_decision(ctx, run, 7, 3)
    equal(task["events"][4]["eventType"], "WorkflowExecutionCancelRequested", "the decider sees the cancel request")
    decide(ctx, task, [{"decisionType": "CancelWorkflowExecution", "cancelWorkflowExecutionDecisionAttributes": {"details": "by request"}}])
    expect_history(
        history(ctx, run),
        [
            ev_started(ctx),
            ev_decision_scheduled(ctx),
            ev_decision_started(2),
            ev_decision_completed(2, 3),
            ("WorkflowExecutionCancelRequested", {}),
            ev_decision_scheduled(ctx),
            ev_decision_started(6),
            ev_decision_completed(6, 7),
            ("WorkflowExecutionCanceled", {"details": "by request", "decisionTaskCompletedEventId": 8}),
        ],
        "cancel",
    )
    described = describe_closed(ctx, run, "CANCELED", "cancel")
    equal(described["executionInfo"]["cancelRequested"], True, "cancel: cancelRequested")
    equal(closed_executions(ctx, "CANCELED"), [run], "cancel: the CANCELED list")
    expect_fault(ctx, "RequestCancelWorkflowExecution", "cancel request to a closed run", domain=ctx.domain, **run)


def story_activity_cancel(ctx):
    """Two started activities asked to stop through heartbeats, one never started, one unknown."""
    api = ctx.api
    run = start(ctx, "activity-cancel")
    decide(ctx, poll_decision(ctx, run, 3, 0), [schedule(ctx, "running-a", "a"), schedule(ctx, "running-b", "b"), schedule(ctx, "queued", "q")])
    work_a = poll_activity(ctx, run, "running-a", "a", 8)
    work_b = poll_activity(ctx, run, "running-b", "b", 9)
    equal(api.call("RecordActivityTaskHeartbeat", taskToken=work_a["taskToken"], details="working")["cancelRequested"], False, "heartbeat before the request")
    api.call("SignalWorkflowExecution", domain=ctx.domain, **run, signalName="stop-work")
    decide(ctx, poll_decision(ctx, run, 12, 3), [cancel_activity("running-a"), cancel_activity("running-b")])
    # Started tasks are only asked to stop: no ActivityTaskCanceled and no decision task yet.
    equal(event_types(history(ctx, run))[-3:], ["DecisionTaskCompleted", "ActivityTaskCancelRequested", "ActivityTaskCancelRequested"], "cancel requests recorded")
    equal(describe(ctx, run)["openCounts"]["openDecisionTasks"], 0, "no decision task after cancel requests of started tasks")
    equal(api.call("RecordActivityTaskHeartbeat", taskToken=work_a["taskToken"], details="half way")["cancelRequested"], True, "heartbeat after the request")
    answer = api.call("RespondActivityTaskCanceled", taskToken=work_a["taskToken"], details="undone-a")
    equal(answer, {}, "RespondActivityTaskCanceled answers nothing")
    answer = api.call_input_json("RespondActivityTaskCanceled", {"taskToken": work_b["taskToken"], "details": "undone-b"})
    equal(answer, {}, "RespondActivityTaskCanceled (--cli-input-json) answers nothing")
    expect_fault(ctx, "RecordActivityTaskHeartbeat", "heartbeat of a canceled task", taskToken=work_a["taskToken"])
    expect_fault(ctx, "RespondActivityTaskCanceled", "second cancel of a canceled task", taskToken=work_b["taskToken"], details="again")
    decide(ctx, poll_decision(ctx, run, 19, 12), [cancel_activity("queued"), cancel_activity("ghost")])
    decide(ctx, poll_decision(ctx, run, 25, 19), [complete("stopped")])
    expect_history(
        history(ctx, run),
        [
            ev_started(ctx),
            ev_decision_scheduled(ctx),
            ev_decision_started(2),
            ev_decision_completed(2, 3),
            ev_activity_scheduled(ctx, "running-a", "a", 4),
            ev_activity_scheduled(ctx, "running-b", "b", 4),
            ev_activity_scheduled(ctx, "queued", "q", 4),
            ev_activity_started(5),
            ev_activity_started(6),
            ("WorkflowExecutionSignaled", {"signalName": "stop-work"}),
            ev_decision_scheduled(ctx),
            ev_decision_started(11),
            ev_decision_completed(11, 12),
            ev_cancel_requested("running-a", 13),
            ev_cancel_requested("running-b", 13),
            ("ActivityTaskCanceled", {"details": "undone-a", "scheduledEventId": 5, "startedEventId": 8, "latestCancelRequestedEventId": 14}),
            ev_decision_scheduled(ctx),
            ("ActivityTaskCanceled", {"details": "undone-b", "scheduledEventId": 6, "startedEventId": 9, "latestCancelRequestedEventId": 15}),
            ev_decision_started(17),
            ev_decision_completed(17, 19),
            ev_cancel_requested("queued", 20),
            ("ActivityTaskCanceled", {"scheduledEventId": 7, "startedEventId": 0, "latestCancelRequestedEventId": 21}),
            ("RequestCancelActivityTaskFailed", {"activityId": "ghost", "cause": "ACTIVITY_ID_UNKNOWN", "decisionTaskCompletedEventId": 20}),
            ev_decision_scheduled(ctx),
            ev_decision_started(24),
            ev_decision_completed(24, 25),
            ("WorkflowExecutionCompleted", {"result": "stopped", "decisionTaskCompletedEventId": 26}),
        ],
        "activity cancel",
    )


def story_terminate(ctx):
    """Terminate with reason and details; the run's tokens, tasks and deadlines die with it."""
    api = ctx.api
    run = start(ctx, "terminate", input="x")
    decide(ctx, poll_decision(ctx, run, 3, 0), [schedule(ctx, "doomed", "d"), {"decisionType": "StartTimer", "startTimerDecisionAttributes": {"timerId": "never", "startToFireTimeout": "20"}}])
    work = poll_activity(ctx, run, "doomed", "d", 7)
    api.call("SignalWorkflowExecution", domain=ctx.domain, **run, signalName="hurry")
    held = poll_decision(ctx, run, 10, 3)
    answer = api.call("TerminateWorkflowExecution", domain=ctx.domain, workflowId=run["workflowId"], reason="operator stop", details="ticket-1")
    equal(answer, {}, "TerminateWorkflowExecution answers nothing")
    expected = [
        ev_started(ctx, "x"),
        ev_decision_scheduled(ctx),
        ev_decision_started(2),
        ev_decision_completed(2, 3),
        ev_activity_scheduled(ctx, "doomed", "d", 4),
        ("TimerStarted", {"timerId": "never", "startToFireTimeout": "20", "decisionTaskCompletedEventId": 4}),
        ev_activity_started(5),
        ("WorkflowExecutionSignaled", {"signalName": "hurry"}),
        ev_decision_scheduled(ctx),
        ev_decision_started(9),
        ("WorkflowExecutionTerminated", {"reason": "operator stop", "details": "ticket-1", "childPolicy": "TERMINATE", "cause": "OPERATOR_INITIATED"}),
    ]
    expect_history(history(ctx, run), expected, "terminate")
    describe_closed(ctx, run, "TERMINATED", "terminate")

    expect_fault(ctx, "RespondDecisionTaskCompleted", "decision token of a terminated run", taskToken=held["taskToken"], decisions=[complete("late")])
    expect_fault(ctx, "RecordActivityTaskHeartbeat", "activity token of a terminated run", taskToken=work["taskToken"])
    expect_fault(ctx, "RespondActivityTaskCompleted", "activity result for a terminated run", taskToken=work["taskToken"], result="late")
    expect_fault(ctx, "TerminateWorkflowExecution", "terminate a terminated run", domain=ctx.domain, **run)
    empty = api.call("PollForDecisionTask", domain=ctx.domain, taskList={"name": ctx.decider_list}, identity=DECIDER)
    # The CLI pages PollForDecisionTask and prints the members the answer lacked as null.
    empty = {key: value for key, value in empty.items() if value is not None}
    equal(empty, {"previousStartedEventId": 0, "startedEventId": 0}, "no decision task of a terminated run is handed out")
    empty = api.call("PollForActivityTask", domain=ctx.domain, taskList={"name": ctx.activity_list}, identity=WORKER)
    equal(empty, {"startedEventId": 0}, "an empty activity poll carries no task member")
    ctx.advance(30)
    expect_history(history(ctx, run), expected, "terminate after its timer was due")
    equal(closed_executions(ctx, "TERMINATED"), [run], "terminate: the TERMINATED list")
    equal(api.call("CountOpenWorkflowExecutions", domain=ctx.domain, startTimeFilter={"oldestDate": 0})["count"], 0, "no open runs are left")


def story_token_faults(ctx):
    """Task tokens of answered tasks and closed runs, and strings that are no token, faulted in SWF's words."""
    api = ctx.api
    run = start(ctx, "tokens")
    decision = poll_decision(ctx, run, 3, 0)
    decide(ctx, decision, [schedule(ctx, "t1", "x")])

    def expect(operation, code, message, **params):
        equal(api.fault_with_message(operation, **params), (code, message), f"{operation}: the fault and its message")

    expect("RespondDecisionTaskCompleted", UNKNOWN, "Unknown decision task, scheduledEventId = 2", taskToken=decision["taskToken"], decisions=[])
    work = poll_activity(ctx, run, "t1", "x", 6)
    expect("RespondDecisionTaskCompleted", "ValidationException", "Invalid token", taskToken=work["taskToken"], decisions=[])
    api.call("RespondActivityTaskCompleted", taskToken=work["taskToken"], result="done")
    for operation in ("RecordActivityTaskHeartbeat", "RespondActivityTaskCompleted", "RespondActivityTaskFailed", "RespondActivityTaskCanceled"):
        expect(operation, UNKNOWN, "Unknown activity, scheduledEventId = 5", taskToken=work["taskToken"])
        expect(operation, "ValidationException", "Invalid token", taskToken="not-a-token")
    decide(ctx, poll_decision(ctx, run, 9, 3), [complete("ok")])
    closed = f"Unknown execution: WorkflowExecution=[workflowId={run['workflowId']}, runId={run['runId']}]"
    expect("RecordActivityTaskHeartbeat", UNKNOWN, closed, taskToken=work["taskToken"])
    expect("RespondDecisionTaskCompleted", UNKNOWN, closed, taskToken=decision["taskToken"], decisions=[])
    expect("SignalWorkflowExecution", UNKNOWN, f"Unknown execution, workflowId = {run['workflowId']}", domain=ctx.domain, workflowId=run["workflowId"], signalName="late")
    expect("SignalWorkflowExecution", UNKNOWN, closed, domain=ctx.domain, **run, signalName="late")


STORIES = {
    "core": story_core,
    "signal": story_signal,
    "cancel": story_cancel,
    "activity-cancel": story_activity_cancel,
    "terminate": story_terminate,
    "token-faults": story_token_faults,
}


def run_stories(api, endpoint, names):
    ctx = Context(api, endpoint)
    setup(ctx)
    for name in names or list(STORIES):
        STORIES[name](ctx)
        print(f"[{api.name}] story {name}: ok")
