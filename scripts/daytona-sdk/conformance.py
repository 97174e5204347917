#!/usr/bin/env python3
"""A scripted session with Daytona's official Python SDK (PyPI `daytona`, version pinned in
requirements.txt) against a Daytona API, normally Dayshift's emulator
(`dayshift emulator daytona`).

Environment:
  DAYTONA_API_URL   main-API base URL, e.g. http://127.0.0.1:9091/api (required)
  DAYTONA_API_KEY   bearer token (required; any value when the emulator accepts any)

The session: connect; create a sandbox from a snapshot with labels and env; find it by labels
and by name; process.exec (exit code, combined output, cwd, env); home and work directories;
a session with a sync command, an async command and its logs; git.clone of a local bare
repository (file:// URL, default and named branch); file upload and download (binary, nested
directory, missing file); stop; a toolbox call on the stopped sandbox; start again; stop;
delete; 404 after delete.

Prints one `ok - ...` line per check and exits 0, or prints `FAIL - ...` with what differed
and exits 1 at the first mismatch (2 for a configuration problem).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import uuid


class Mismatch(Exception):
    """The API answered something the SDK session did not expect."""


def check(condition: bool, what: str, detail: object = "") -> None:
    if not condition:
        raise Mismatch(f"{what}: {detail}" if detail != "" else what)
    print(f"ok - {what}", flush=True)


def expect_error(call, what: str, contains: str | None = None, error_type: type | None = None) -> Exception:
    try:
        call()
    except Exception as error:  # noqa: BLE001 - the SDK raises its own hierarchy
        if error_type is not None and not isinstance(error, error_type):
            raise Mismatch(f"{what}: expected {error_type.__name__}, got {type(error).__name__}: {error}") from error
        if contains is not None and contains not in str(error):
            raise Mismatch(f"{what}: expected an error containing {contains!r}, got {error!r}") from error
        print(f"ok - {what} ({type(error).__name__})", flush=True)
        return error
    raise Mismatch(f"{what}: expected an error, the call succeeded")


def wait_until(predicate, what: str, timeout: float = 30.0, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise Mismatch(f"{what}: not reached within {timeout} s")
        time.sleep(interval)


def git(*args: str, cwd: str | None = None) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="conformance", GIT_AUTHOR_EMAIL="c@example.invalid",
               GIT_COMMITTER_NAME="conformance", GIT_COMMITTER_EMAIL="c@example.invalid")
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def make_bare_repository(root: str) -> str:
    """A bare repository with README.md on `main` and feature.txt on branch `feature`."""
    work = os.path.join(root, "work")
    bare = os.path.join(root, "origin.git")
    git("init", "-q", "-b", "main", work)
    with open(os.path.join(work, "README.md"), "w", encoding="utf-8") as handle:
        handle.write("# conformance\n")
    git("add", "README.md", cwd=work)
    git("commit", "-q", "-m", "initial", cwd=work)
    git("checkout", "-q", "-b", "feature", cwd=work)
    with open(os.path.join(work, "feature.txt"), "w", encoding="utf-8") as handle:
        handle.write("feature branch\n")
    git("add", "feature.txt", cwd=work)
    git("commit", "-q", "-m", "feature", cwd=work)
    git("checkout", "-q", "main", cwd=work)
    git("clone", "-q", "--bare", work, bare)
    return bare


def session(api_url: str, api_key: str, scratch: str) -> None:
    from daytona import (
        CreateSandboxFromSnapshotParams,
        Daytona,
        DaytonaConfig,
        DaytonaNotFoundError,
        ListSandboxesQuery,
        SessionExecuteRequest,
    )
    from daytona_api_client import SandboxState

    daytona = Daytona(DaytonaConfig(api_key=api_key, api_url=api_url))
    print(f"# daytona SDK {__import__('importlib.metadata').metadata.version('daytona')} -> {api_url}", flush=True)

    run_id = uuid.uuid4().hex[:8]
    name = f"conformance-{run_id}"
    labels = {"dayshift.conformance": "true", "dayshift.run": run_id}

    # --- create, find -------------------------------------------------------------------
    sandbox = daytona.create(
        CreateSandboxFromSnapshotParams(
            snapshot="daytona-small", name=name, labels=dict(labels), env_vars={"GREETING": "hello"},
            auto_stop_interval=60,
        ),
        timeout=60,
    )
    check(sandbox.state == SandboxState.STARTED, "create waits until the sandbox is started", sandbox.state)
    check(sandbox.name == name, "create keeps the name", sandbox.name)
    check(all(sandbox.labels.get(k) == v for k, v in labels.items()), "create keeps the labels", sandbox.labels)
    check(sandbox.labels.get("code-toolbox-language") == "python", "the SDK adds its language label", sandbox.labels)
    check(sandbox.snapshot == "daytona-small", "the sandbox names its snapshot", sandbox.snapshot)
    check(sandbox.toolbox_proxy_url.endswith("/toolbox"), "the DTO carries toolboxProxyUrl", sandbox.toolbox_proxy_url)
    check((sandbox.cpu, sandbox.memory, sandbox.disk) == (1, 1, 3), "resources come from the snapshot",
          (sandbox.cpu, sandbox.memory, sandbox.disk))

    found = list(daytona.list(ListSandboxesQuery(labels={"dayshift.run": run_id})))
    check([s.id for s in found] == [sandbox.id], "list by labels finds exactly this sandbox", [s.id for s in found])
    check(daytona.get(name).id == sandbox.id, "get by name finds it")
    check(daytona.get(sandbox.id).name == name, "get by id finds it")
    expect_error(
        lambda: daytona.create(CreateSandboxFromSnapshotParams(snapshot="daytona-small", name=name), timeout=30),
        "a second sandbox with the same name is refused", contains="already exists")

    # --- process.exec -------------------------------------------------------------------
    result = sandbox.process.exec("echo $GREETING world; echo oops >&2; exit 3")
    check(result.exit_code == 3, "exec returns the exit code", result.exit_code)
    check("hello world" in result.result and "oops" in result.result,
          "exec returns stdout and stderr combined, with the create env", repr(result.result))
    home = sandbox.get_user_home_dir()
    check(bool(home) and home == sandbox.get_work_dir(), "home and work directories are reported", home)
    sandbox.process.exec("mkdir -p sub/dir")
    result = sandbox.process.exec("pwd", cwd="sub/dir")
    check(result.result.strip() == os.path.join(home, "sub/dir"), "exec honours a relative cwd", repr(result.result))
    result = sandbox.process.exec("echo $ONLY_HERE", env={"ONLY_HERE": "per-command"})
    check(result.result.strip() == "per-command", "exec passes per-command env", repr(result.result))
    result = sandbox.process.exec("printf 'a | b' | tr '|' '+' && echo", timeout=30)
    check(result.result.strip() == "a + b" and result.exit_code == 0, "exec runs through a shell", repr(result.result))

    # --- sessions -----------------------------------------------------------------------
    sandbox.process.create_session("work")
    first = sandbox.process.execute_session_command("work", SessionExecuteRequest(command="cd sub && export FOO=bar"))
    check(first.exit_code == 0, "a session command runs", first.exit_code)
    second = sandbox.process.execute_session_command(
        "work", SessionExecuteRequest(command="echo $FOO; pwd; echo err >&2"))
    check(second.exit_code == 0, "a sync session command returns its exit code", second.exit_code)
    check(second.stdout == f"bar\n{home}/sub\n", "the session keeps cwd and exported variables", repr(second.stdout))
    check(second.stderr == "err\n", "sync session output is split into stdout and stderr", repr(second.stderr))
    started = sandbox.process.execute_session_command(
        "work",
        SessionExecuteRequest(command="for i in 1 2 3; do echo line$i; sleep 0.1; done; echo warn >&2; exit 4",
                              run_async=True))
    check(bool(started.cmd_id) and started.exit_code is None, "an async command answers its id at once", started)
    finished = wait_until(
        lambda: (lambda c: c if c.exit_code is not None else None)(
            sandbox.process.get_session_command("work", started.cmd_id)),
        "the async command finishes")
    check(finished.exit_code == 4, "the async command reports its exit code", finished.exit_code)
    logs = sandbox.process.get_session_command_logs("work", started.cmd_id)
    check(logs.stdout == "line1\nline2\nline3\n", "async logs hold stdout", repr(logs.stdout))
    check(logs.stderr == "warn\n", "async logs hold stderr", repr(logs.stderr))
    info = sandbox.process.get_session("work")
    check([c.command for c in info.commands][-1].startswith("for i in"), "get_session lists its commands",
          [c.command for c in info.commands])
    check(any(s.session_id == "work" for s in sandbox.process.list_sessions()), "list_sessions lists it")
    sandbox.process.delete_session("work")
    expect_error(lambda: sandbox.process.get_session("work"), "a deleted session is gone", error_type=DaytonaNotFoundError)

    # --- git ----------------------------------------------------------------------------
    bare = make_bare_repository(scratch)
    sandbox.git.clone(url=f"file://{bare}", path="repo")
    check(sandbox.process.exec("cat repo/README.md").result == "# conformance\n", "git.clone checks out the default branch")
    sandbox.git.clone(url=f"file://{bare}", path="repo-feature", branch="feature")
    result = sandbox.process.exec("cat feature.txt && git rev-parse --abbrev-ref HEAD", cwd="repo-feature")
    check(result.result == "feature branch\nfeature\n", "git.clone checks out a named branch", repr(result.result))
    expect_error(lambda: sandbox.git.clone(url=f"file://{scratch}/missing.git", path="nowhere"),
                 "cloning a missing repository fails")

    # --- files --------------------------------------------------------------------------
    payload = bytes(range(256)) * 4 + b"\nend"
    sandbox.fs.upload_file(payload, "uploads/nested/data.bin")
    check(sandbox.fs.download_file("uploads/nested/data.bin") == payload, "upload then download round-trips bytes")
    check(sandbox.process.exec("wc -c < uploads/nested/data.bin").result.strip() == str(len(payload)),
          "an uploaded file is visible to commands")
    check(sandbox.fs.download_file("repo/README.md") == b"# conformance\n", "download reads a cloned file")
    expect_error(lambda: sandbox.fs.download_file("no/such/file.txt"), "downloading a missing file fails")

    # --- stop, start, delete ------------------------------------------------------------
    sandbox.stop()
    check(sandbox.state == SandboxState.STOPPED, "stop waits until stopped", sandbox.state)
    expect_error(lambda: sandbox.process.exec("true"), "the toolbox refuses a stopped sandbox",
                 contains="Is the Sandbox started?")
    sandbox.start()
    check(sandbox.state == SandboxState.STARTED, "start waits until started", sandbox.state)
    check(sandbox.process.exec("cat repo/README.md").result == "# conformance\n", "files survive stop and start")
    sandbox.stop()
    sandbox.delete()
    wait_until(lambda: expect_gone(daytona, sandbox.id, DaytonaNotFoundError), "the deleted sandbox is gone", timeout=10)
    print("ok - get after delete answers not found", flush=True)
    leftovers = list(daytona.list(ListSandboxesQuery(labels={"dayshift.run": run_id})))
    check(leftovers == [], "list no longer shows the deleted sandbox", [s.id for s in leftovers])


def expect_gone(daytona, sandbox_id: str, not_found: type) -> bool:
    try:
        daytona.get(sandbox_id)
    except not_found:
        return True
    return False


def main() -> int:
    api_url = os.environ.get("DAYTONA_API_URL", "")
    api_key = os.environ.get("DAYTONA_API_KEY", "")
    if not api_url or not api_key:
        print("FAIL - set DAYTONA_API_URL and DAYTONA_API_KEY", file=sys.stderr)
        return 2
    scratch = tempfile.mkdtemp(prefix="daytona-conformance-")
    try:
        session(api_url, api_key, scratch)
    except Mismatch as mismatch:
        print(f"FAIL - {mismatch}", flush=True)
        return 1
    except Exception:  # noqa: BLE001 - an SDK exception is a conformance failure too
        print("FAIL - unexpected exception:", flush=True)
        traceback.print_exc(file=sys.stdout)
        return 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print("conformance: all checks passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
