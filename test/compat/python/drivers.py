"""Two ways to call the SWF API for the same stories: boto3, and the AWS CLI v1 (`aws swf ...`).

Both answer plain JSON-like data (timestamps as epoch seconds), so a story reads the same
whichever client ran it. Credentials and region come from the environment
(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION).
"""
import contextlib
import datetime
import io
import json
import re
import subprocess

from swfcheck import CheckFailed


def kebab(name):
    """`workflowId` -> `workflow-id`, `PollForDecisionTask` -> `poll-for-decision-task`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def snake(name):
    return kebab(name).replace("-", "_")


def plain(value):
    """boto3's datetimes as epoch seconds, like the CLI prints them."""
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


class Boto3Driver:
    name = "boto3"

    def __init__(self, endpoint):
        import boto3
        from botocore.config import Config

        self.client = boto3.client(
            "swf",
            endpoint_url=endpoint,
            config=Config(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=70),
        )

    def call(self, operation, **params):
        out = getattr(self.client, snake(operation))(**params)
        out.pop("ResponseMetadata", None)
        return plain(out)

    def call_input_json(self, operation, params):
        return self.call(operation, **params)

    def fault(self, operation, **params):
        return self.fault_with_message(operation, **params)[0]

    def fault_with_message(self, operation, **params):
        from botocore.exceptions import ClientError

        try:
            self.call(operation, **params)
        except ClientError as error:
            return error.response["Error"]["Code"], error.response["Error"]["Message"]
        raise CheckFailed(f"{operation} succeeded where a fault was expected")


# The CLI renames options that clash with its global ones (`--version` prints the CLI's own).
CLI_OPTION_RENAMES = {
    "RegisterWorkflowType": {"version": "workflow-version"},
    "RegisterActivityType": {"version": "activity-version"},
}


class CliDriver:
    """The AWS CLI v1 with options as a user would type them: `aws swf <command> --endpoint-url ...`.

    spawn=True runs the installed `aws` command for every call. spawn=False runs the same
    command line through the CLI's own entry point (awscli.clidriver, what the `aws` script
    calls) inside this process: the same argument parsing, JSON and --cli-input-json handling,
    output and exit codes, without paying the CLI's start-up for each of a hundred calls.
    """

    name = "aws-cli"

    def __init__(self, endpoint, spawn):
        self.endpoint = endpoint
        self.spawn = spawn
        self._driver = None

    @staticmethod
    def options(operation, params):
        renames = CLI_OPTION_RENAMES.get(operation, {})
        args = []
        for key, value in params.items():
            flag = "--" + renames.get(key, kebab(key))
            if isinstance(value, bool):
                args.append(flag if value else "--no-" + kebab(key))
            elif isinstance(value, (dict, list)):
                args += [flag, json.dumps(value)]
            else:
                args += [flag, str(value)]
        return args

    def _run(self, operation, args):
        argv = ["swf", kebab(operation), "--endpoint-url", self.endpoint, "--output", "json", *args]
        if self.spawn:
            return subprocess.run(["aws", *argv], capture_output=True, text=True, timeout=120)
        return self._run_in_process(argv)

    def _run_in_process(self, argv):
        if self._driver is None:
            from awscli.clidriver import create_clidriver

            self._driver = create_clidriver()
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = self._driver.main(argv)
        return subprocess.CompletedProcess(["aws", *argv], code, out.getvalue(), err.getvalue())

    def _answer(self, operation, done):
        if done.returncode != 0:
            raise CheckFailed(f"aws swf {kebab(operation)} exited {done.returncode}: {done.stderr.strip()}")
        if not done.stdout.strip():
            return {}
        try:
            return json.loads(done.stdout)
        except json.JSONDecodeError:
            raise CheckFailed(f"aws swf {kebab(operation)} printed no JSON: {done.stdout[:200]!r}") from None

    def call(self, operation, **params):
        return self._answer(operation, self._run(operation, self.options(operation, params)))

    def call_input_json(self, operation, params):
        return self._answer(operation, self._run(operation, ["--cli-input-json", json.dumps(params)]))

    def fault(self, operation, **params):
        return self.fault_with_message(operation, **params)[0]

    def fault_with_message(self, operation, **params):
        done = self._run(operation, self.options(operation, params))
        if done.returncode == 0:
            raise CheckFailed(f"aws swf {kebab(operation)} succeeded where a fault was expected")
        match = re.search(r"An error occurred \((\w+)\) when calling the \w+ operation: (.*)", done.stderr)
        if not match:
            raise CheckFailed(f"aws swf {kebab(operation)} failed without an SWF fault: {done.stderr.strip()}")
        return match.group(1), match.group(2).strip()


class Boto2Driver:
    """boto 2 (Debian's python3-boto): every call through `boto.swf.layer1.Layer1.json_request`, the
    path each of its typed methods takes: boto 2's own signing, its framing (the long
    `com.amazonaws.swf.service.model.SimpleWorkflowService.` target, `application/json`) and its
    fault parsing (SWFResponseError). Answers are the plain JSON, timestamps as epoch seconds.
    """

    name = "boto2"

    def __init__(self, layer1):
        self.layer1 = layer1

    def call(self, operation, **params):
        # json_request drops None and {} members, as every typed Layer1 method relies on.
        answer = self.layer1.json_request(operation, params)
        return {} if answer is None else answer

    def call_input_json(self, operation, params):
        return self.call(operation, **params)

    def fault(self, operation, **params):
        return self.fault_with_message(operation, **params)[0]

    def fault_with_message(self, operation, **params):
        from boto.exception import SWFResponseError

        try:
            self.call(operation, **params)
        except SWFResponseError as error:
            return error.error_code, error.body.get("message")
        raise CheckFailed(f"{operation} succeeded where a fault was expected")
