#!/usr/bin/env python3
"""Drives OpenSWF with boto3 through every compatibility story (or the ones named).

Usage: OPENSWF_ENDPOINT=http://127.0.0.1:PORT python3 boto3_workflow.py [story ...]
Exits 0 when every check passed, non-zero on the first failed check or error.
"""
import os
import sys

from drivers import Boto3Driver
from stories import run_stories
from swfcheck import run_main


def main():
    endpoint = os.environ["OPENSWF_ENDPOINT"]
    run_stories(Boto3Driver(endpoint), endpoint, sys.argv[1:])


if __name__ == "__main__":
    run_main(main)
