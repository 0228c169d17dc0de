#!/usr/bin/python3
"""Drives OpenSWF with boto 2 (Debian's python3-boto, on Debian's own python3) through every
compatibility story, then through boto 2's own classes: the typed `boto.swf.layer1` methods and
the `layer2` Decider and ActivityWorker, including a decider written as boto 2's SWF tutorial
writes it.

Usage: OPENSWF_ENDPOINT=http://127.0.0.1:PORT /usr/bin/python3 boto2_workflow.py [story ...]
Exits 0 when every check passed, non-zero on the first failed check or error.
"""
import os
import sys
import tempfile
import urllib.parse

from swfcheck import run_main


def configure_boto(endpoint):
    """Points boto 2 at `endpoint` the way boto 2 is configured: a config file (BOTO_CONFIG) read at import.

    boto 2 has no endpoint URL setting: the host comes from the region object, the scheme from
    [Boto] is_secure, and the port from [Credentials] s3_port (boto 2 reads that one key for every
    AWS service). BOTO_CONFIG also keeps the caller's own ~/.boto out of the run.
    """
    url = urllib.parse.urlsplit(endpoint)
    directory = tempfile.mkdtemp(prefix="openswf-boto2-")
    path = os.path.join(directory, "boto.cfg")
    with open(path, "w") as config:
        config.write(f"[Boto]\nis_secure = {url.scheme == 'https'}\n[Credentials]\ns3_port = {url.port}\n")
    os.environ["BOTO_CONFIG"] = path
    return url.hostname


def main():
    endpoint = os.environ["OPENSWF_ENDPOINT"]
    host = configure_boto(endpoint)
    # Imported only now: boto 2 reads its configuration when it is first imported.
    from boto.regioninfo import RegionInfo
    from boto.swf.layer1 import Layer1

    from boto2_stories import run_boto2_stories
    from drivers import Boto2Driver
    from stories import STORIES, run_stories

    region = RegionInfo(name="us-east-1", endpoint=host)
    names = sys.argv[1:]
    shared = [n for n in names if n in STORIES] if names else list(STORIES)
    if shared:
        run_stories(Boto2Driver(Layer1(region=region)), endpoint, shared)
    own = [n for n in names if n not in STORIES]
    if own or not names:
        run_boto2_stories(region, endpoint, own)


if __name__ == "__main__":
    run_main(main)
