#!/usr/bin/env python3
"""Drives OpenSWF with the AWS CLI v1 (`aws swf ... --endpoint-url`) through the same stories.

Calls pass plain options as a user types them; one RespondActivityTaskCanceled goes through
`--cli-input-json`. With --spawn every call runs the installed `aws` command; without it the
same command lines run through the CLI's entry point in this process (much faster).
Usage: OPENSWF_ENDPOINT=http://127.0.0.1:PORT python3 cli_workflow.py [--spawn] [story ...]
Exits 0 when every check passed, non-zero on the first failed check or error.
"""
import os
import sys

from drivers import CliDriver
from stories import run_stories
from swfcheck import run_main


def main():
    endpoint = os.environ["OPENSWF_ENDPOINT"]
    args = sys.argv[1:]
    spawn = "--spawn" in args
    stories = [a for a in args if a != "--spawn"]
    run_stories(CliDriver(endpoint, spawn=spawn), endpoint, stories)


if __name__ == "__main__":
    run_main(main)
