#!/usr/bin/env python3
"""The three-user sample of docs/security.md, driven with boto3 and the AWS CLI v1.

Each user (an AWS profile of the same name in AWS_SHARED_CREDENTIALS_FILE) is allowed exactly
what its policy says, and each refusal is the exception AWS answers with.

Usage: OPENSWF_ENDPOINT=... AWS_SHARED_CREDENTIALS_FILE=... python3 auth_story.py boto3|aws-cli|aws-spawn
"""
import os
import sys

from drivers import Boto3Driver, CliDriver
from swfcheck import CheckFailed, check, equal, run_main, unique

DOMAIN = "orders"
WORKFLOW = {"name": "order", "version": "1"}
ACTIVITY = {"name": "charge", "version": "1"}
NOT_PERMITTED = "OperationNotPermittedFault"


class ProfileBoto3(Boto3Driver):
    def __init__(self, endpoint, profile):
        import boto3
        from botocore.config import Config

        self.client = boto3.Session(profile_name=profile).client(
            "swf", endpoint_url=endpoint, config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=70)
        )

    def fault_message(self, operation, **params):
        from botocore.exceptions import ClientError

        try:
            self.call(operation, **params)
        except ClientError as error:
            return error.response["Error"]["Code"], error.response["Error"]["Message"]
        raise CheckFailed(f"{operation} succeeded where a fault was expected")


class ProfileCli(CliDriver):
    def __init__(self, endpoint, profile, spawn):
        super().__init__(endpoint, spawn)
        self.profile = profile

    def _run(self, operation, args):
        return super()._run(operation, [*args, "--profile", self.profile])


def setup(endpoint):
    admin = ProfileBoto3(endpoint, "admin")
    try:
        admin.call("RegisterDomain", name=DOMAIN, workflowExecutionRetentionPeriodInDays="1")
    except Exception as error:  # a second driver finds it registered
        if "DomainAlreadyExists" not in str(error):
            raise
        return admin
    admin.call(
        "RegisterWorkflowType", domain=DOMAIN, name=WORKFLOW["name"], version=WORKFLOW["version"],
        defaultTaskList={"name": "orders-decisions"}, defaultExecutionStartToCloseTimeout="3600",
        defaultTaskStartToCloseTimeout="60", defaultChildPolicy="TERMINATE",
    )
    admin.call(
        "RegisterActivityType", domain=DOMAIN, name=ACTIVITY["name"], version=ACTIVITY["version"],
        defaultTaskList={"name": "orders-work"}, defaultTaskScheduleToStartTimeout="NONE",
        defaultTaskScheduleToCloseTimeout="NONE", defaultTaskStartToCloseTimeout="300", defaultTaskHeartbeatTimeout="NONE",
    )
    return admin


def story(label, make, admin):
    decider, worker, operator = make("decider"), make("worker"), make("operator")
    workflow_id = unique("order")
    run = admin.call("StartWorkflowExecution", domain=DOMAIN, workflowId=workflow_id, workflowType=WORKFLOW)
    execution = {"workflowId": workflow_id, "runId": run["runId"]}

    # operator: read-only plus Terminate, so starting is refused.
    equal(operator.fault("StartWorkflowExecution", domain=DOMAIN, workflowId=unique("x"), workflowType=WORKFLOW), NOT_PERMITTED, f"[{label}] operator may not start")

    # decider: its own decision list only.
    equal(decider.fault("PollForDecisionTask", domain=DOMAIN, taskList={"name": "elsewhere"}), NOT_PERMITTED, f"[{label}] decider polls another list")
    task = decider.call("PollForDecisionTask", domain=DOMAIN, taskList={"name": "orders-decisions"})
    equal(task.get("workflowExecution"), execution, f"[{label}] decider got the run's task")
    decider.call(
        "RespondDecisionTaskCompleted", taskToken=task["taskToken"],
        decisions=[
            # No task list: judged on the type's default, orders-work, which the policy allows.
            {"decisionType": "ScheduleActivityTask", "scheduleActivityTaskDecisionAttributes": {"activityType": ACTIVITY, "activityId": "charge-1"}},
            {"decisionType": "StartTimer", "startTimerDecisionAttributes": {"timerId": "t", "startToFireTimeout": "60"}},
        ],
    )
    events = operator.call("GetWorkflowExecutionHistory", domain=DOMAIN, execution=execution)["events"]
    kinds = [e["eventType"] for e in events]
    check("ActivityTaskScheduled" in kinds, f"[{label}] the permitted decision went on: {kinds}")
    failed = [e for e in events if e["eventType"] == "StartTimerFailed"]
    equal([e["startTimerFailedEventAttributes"]["cause"] for e in failed], ["OPERATION_NOT_PERMITTED"], f"[{label}] the denied decision failed")

    # worker: one task list, answers its tasks, nothing else.
    equal(worker.fault("PollForActivityTask", domain=DOMAIN, taskList={"name": "elsewhere"}), NOT_PERMITTED, f"[{label}] worker polls another list")
    activity = worker.call("PollForActivityTask", domain=DOMAIN, taskList={"name": "orders-work"})
    equal(activity.get("activityId"), "charge-1", f"[{label}] worker got the activity")
    equal(worker.fault("TerminateWorkflowExecution", domain=DOMAIN, workflowId=workflow_id), NOT_PERMITTED, f"[{label}] worker may not terminate")
    worker.call("RespondActivityTaskCompleted", taskToken=activity["taskToken"], result="paid")

    task = decider.call("PollForDecisionTask", domain=DOMAIN, taskList={"name": "orders-decisions"})
    equal(task.get("workflowExecution"), execution, f"[{label}] decider got the next task")
    decider.call("RespondDecisionTaskCompleted", taskToken=task["taskToken"], decisions=[{"decisionType": "CompleteWorkflowExecution"}])

    described = operator.call("DescribeWorkflowExecution", domain=DOMAIN, execution=execution)
    equal(described["executionInfo"].get("closeStatus"), "COMPLETED", f"[{label}] the run completed")
    equal(operator.fault("RegisterDomain", name=unique("mine"), workflowExecutionRetentionPeriodInDays="1"), NOT_PERMITTED, f"[{label}] operator may not register")
    other = unique("doomed")
    admin.call("StartWorkflowExecution", domain=DOMAIN, workflowId=other, workflowType=WORKFLOW, taskList={"name": unique("idle")})
    operator.call("TerminateWorkflowExecution", domain=DOMAIN, workflowId=other)
    equal(decider.fault("TerminateWorkflowExecution", domain=DOMAIN, workflowId=workflow_id), NOT_PERMITTED, f"[{label}] decider may not terminate")

    # Keys that are wrong or unknown.
    equal(make("wrong-secret").fault("ListDomains", registrationStatus="REGISTERED"), "InvalidSignatureException", f"[{label}] wrong secret")
    equal(make("stranger").fault("ListDomains", registrationStatus="REGISTERED"), "UnrecognizedClientException", f"[{label}] unknown key")
    print(f"[{label}] auth story: ok")


def main():
    endpoint = os.environ["OPENSWF_ENDPOINT"]
    kind = sys.argv[1] if len(sys.argv) > 1 else "boto3"
    admin = setup(endpoint)
    if kind == "boto3":
        code, message = ProfileBoto3(endpoint, "operator").fault_message("StartWorkflowExecution", domain=DOMAIN, workflowId="w", workflowType=WORKFLOW)
        equal((code, message), (NOT_PERMITTED, "User: arn:aws:iam::123456789012:user/operator is not authorized to perform: swf:StartWorkflowExecution on resource: arn:aws:swf:us-east-1:123456789012:/domain/orders"), "[boto3] AWS's wording")
        story("boto3", lambda p: ProfileBoto3(endpoint, p), admin)
    else:
        spawn = kind == "aws-spawn"
        story("aws-cli", lambda p: ProfileCli(endpoint, p, spawn), admin)


if __name__ == "__main__":
    run_main(main)
