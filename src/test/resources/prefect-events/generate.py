#!/usr/bin/env python3
"""Regenerates the *.jsonl fixtures in this folder (deterministic: fixed ids, fixed clock).

Each line is one Event exactly as a Prefect 3 client serialises it onto the
/api/events/in websocket (pydantic model_dump_json: compact, keys in model order,
UTC datetimes with a trailing Z, durations as float seconds). README.md names the
Prefect source each field comes from; FIXTURES.md says what a server must record.

    python3 generate.py        # rewrites the fixtures next to this file
"""
import datetime as dt
import json
import os
import random

PREFECT_VERSION = "3.8.4.dev6"
HERE = os.path.dirname(os.path.abspath(__file__))
UTC = dt.timezone.utc


def ts(t):
    """pydantic's JSON form of an aware UTC datetime."""
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso(t):
    """Python's datetime.isoformat() (used for the prefect.state-timestamp label)."""
    return t.isoformat()


class Ids:
    """UUIDv7 (what prefect._internal.uuid7 produces) from a fixed seed."""

    def __init__(self, seed):
        self.rng = random.Random(seed)

    def v7(self, t):
        ms = int(t.timestamp() * 1000)
        rand_a = self.rng.getrandbits(12)
        rand_b = self.rng.getrandbits(62)
        n = (ms << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
        h = f"{n:032x}"
        return f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"

    def hex(self, n):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def v4(self):
        n = self.rng.getrandbits(128)
        n &= ~(0xF << 76)
        n |= 0x4 << 76
        n &= ~(0x3 << 62)
        n |= 0x2 << 62
        h = f"{n:032x}"
        return f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


class FlowRunCtx:
    def __init__(self, flow_id, flow_name, flow_run_id, flow_run_name, tags=(), deployment=None):
        self.flow_id, self.flow_name = flow_id, flow_name
        self.id, self.name = flow_run_id, flow_run_name
        self.tags = list(tags)
        self.deployment = deployment  # (id, name, tags) or None

    def related(self, extra_tags=()):
        """prefect.events.related.related_resources_from_run_context: flow-run, flow,
        deployment, then one prefect.tag.<tag> per tag of those objects and of the task
        run itself (the task run is the event's own resource, so it is not listed), sorted."""
        out = [
            {"prefect.resource.id": f"prefect.flow-run.{self.id}",
             "prefect.resource.role": "flow-run",
             "prefect.resource.name": self.name},
            {"prefect.resource.id": f"prefect.flow.{self.flow_id}",
             "prefect.resource.role": "flow",
             "prefect.resource.name": self.flow_name},
        ]
        tags = set(self.tags) | set(extra_tags)
        if self.deployment:
            did, dname, dtags = self.deployment
            out.append({"prefect.resource.id": f"prefect.deployment.{did}",
                        "prefect.resource.role": "deployment",
                        "prefect.resource.name": dname})
            tags |= set(dtags)
        for tag in sorted(tags):
            out.append({"prefect.resource.id": f"prefect.tag.{tag}", "prefect.resource.role": "tag"})
        return out


class State:
    def __init__(self, type_, name, t, sid, message=None, details=None, data=None):
        self.type, self.name, self.t, self.id = type_, name, t, sid
        self.message, self.details, self.data = message, details or {}, data


class TaskRunSim:
    """The client-side task engine (prefect.task_engine.SyncTaskRunEngine): a local
    TaskRun whose state changes are only reported as events."""

    def __init__(self, ids, flow, task_run_id, name, task_key, dynamic_key, t_created,
                 retries=0, retry_delay=0, tags=(), task_inputs=None, flow_run_run_count=1):
        self.ids, self.flow = ids, flow
        self.id, self.name = task_run_id, name
        self.task_key, self.dynamic_key = task_key, dynamic_key
        self.retries, self.retry_delay = retries, retry_delay
        self.tags = list(tags)
        self.task_inputs = task_inputs or {}
        self.run_count = 0
        self.flow_run_run_count = 0
        self._frrc = flow_run_run_count
        self.expected_start_time = t_created
        self.start_time = None
        self.end_time = None
        self.total_run_time = 0.0
        self.state = None
        self.last_event = None
        self.events = []
        # create_local_run: Pending, emitted with no initial state
        self._set(State("PENDING", "Pending", t_created, ids.v7(t_created)))

    def task_run_payload(self):
        d = {
            "name": self.name,
            "task_key": self.task_key,
            "dynamic_key": self.dynamic_key,
            "empirical_policy": {"max_retries": 0, "retry_delay_seconds": 0.0,
                                 "retries": self.retries, "retry_delay": self.retry_delay},
            "tags": self.tags,
            "labels": {},
            "task_inputs": self.task_inputs,
            "run_count": self.run_count,
            "flow_run_run_count": self.flow_run_run_count,
            "expected_start_time": ts(self.expected_start_time),
        }
        if self.start_time is not None:
            d["start_time"] = ts(self.start_time)
        if self.end_time is not None:
            d["end_time"] = ts(self.end_time)
        d["total_run_time"] = round(self.total_run_time, 6)
        return d

    def _set(self, new):
        last = self.state
        if last is not None:
            if last.type == "RUNNING":
                self.total_run_time += (new.t - last.t).total_seconds()
            if new.type == "RUNNING":
                self.run_count += 1
            if new.type in ("COMPLETED", "FAILED", "CANCELLED", "CRASHED") and self.start_time and not self.end_time:
                self.end_time = new.t
        self.state = new
        payload = {
            "intended": {"from": last.type if last else None, "to": new.type},
            "initial_state": None if last is None else {
                "type": last.type, "name": last.name, "message": last.message or "",
                "state_details": last.details},
            "validated_state": {
                "type": new.type, "name": new.name, "message": new.message or "",
                "state_details": new.details, "data": new.data},
            "task_run": self.task_run_payload(),
        }
        event = {
            "occurred": ts(new.t),
            "event": f"prefect.task-run.{new.name}",
            "resource": {
                "prefect.resource.id": f"prefect.task-run.{self.id}",
                "prefect.resource.name": self.name,
                "prefect.run-count": str(self.run_count),
                "prefect.state-message": new.message or "",
                "prefect.state-name": new.name,
                "prefect.state-timestamp": iso(new.t),
                "prefect.state-type": new.type,
                "prefect.orchestration": "client",
            },
            "related": self.flow.related(self.tags),
            "payload": payload,
            "id": new.id,
            "follows": self.last_event["id"] if self.last_event else None,
        }
        self.last_event = event
        self.events.append(event)
        return event

    # the engine's transitions -------------------------------------------------
    def running(self, t):
        self.flow_run_run_count = self._frrc
        if self.start_time is None:
            self.start_time = t
        return self._set(State("RUNNING", "Running", t, self.ids.v7(t)))

    def awaiting_retry(self, t, scheduled):
        return self._set(State("SCHEDULED", "AwaitingRetry", t, self.ids.v7(t),
                               details={"scheduled_time": ts(scheduled)}))

    def retrying(self, t):
        return self._set(State("RUNNING", "Retrying", t, self.ids.v7(t)))

    def completed(self, t, data=None, untrackable=False):
        details = {"untrackable_result": True} if untrackable else {}
        return self._set(State("COMPLETED", "Completed", t, self.ids.v7(t), details=details, data=data))

    def failed(self, t, message):
        return self._set(State("FAILED", "Failed", t, self.ids.v7(t), message=message,
                               details={"retriable": False}))


def result_metadata(ids, block_id):
    return {"storage_key": ids.hex(32), "expiration": None,
            "serializer": {"type": "pickle", "picklelib": "cloudpickle", "picklelib_version": None},
            "prefect_version": PREFECT_VERSION, "storage_block_id": block_id}


def write(name, events):
    with open(os.path.join(HERE, name), "w") as f:
        for e in events:
            f.write(json.dumps(e, separators=(",", ":"), ensure_ascii=False) + "\n")


def at(base, seconds):
    return base + dt.timedelta(seconds=seconds)


ETL_FLOW_ID = Ids("etl-flow").v7(dt.datetime(2026, 8, 20, 9, 0, 0, tzinfo=UTC))


def main():
    # (a) retries=1, retry_delay_seconds=2, persist_result=True: fails once, succeeds on retry
    ids = Ids("retry-delay")
    t0 = dt.datetime(2026, 8, 21, 16, 27, 33, 123456, tzinfo=UTC)
    flow = FlowRunCtx(ETL_FLOW_ID, "etl", ids.v7(at(t0, -1.8)), "crimson-otter", tags=["nightly"])
    dk = ids.v4()
    tr = TaskRunSim(ids, flow, ids.v7(t0), f"flaky-{dk[:3]}", "flaky-4f2a9c1e", dk, t0, retries=1, retry_delay=2)
    tr.running(at(t0, 0.012001))
    tr.awaiting_retry(at(t0, 0.518342), at(t0, 2.518340))
    tr.retrying(at(t0, 2.521907))
    tr.completed(at(t0, 2.633415), data=result_metadata(ids, "0198c9a0-11aa-7bbb-8ccc-0d1e2f3a4b5c"))
    write("task-retry-delay.jsonl", tr.events)

    # (a') retries=1, no delay: Running -> Retrying directly
    ids = Ids("retry-immediate")
    t0 = dt.datetime(2026, 8, 21, 16, 31, 2, 450112, tzinfo=UTC)
    flow = FlowRunCtx(ETL_FLOW_ID, "etl", ids.v7(at(t0, -1.6)), "amber-heron")
    dk = ids.v4()
    tr = TaskRunSim(ids, flow, ids.v7(t0), f"flaky-{dk[:3]}", "flaky-4f2a9c1e", dk, t0, retries=1, retry_delay=0)
    tr.running(at(t0, 0.010443))
    tr.retrying(at(t0, 0.402881))
    tr.completed(at(t0, 0.517204))
    write("task-retry-immediate.jsonl", tr.events)

    # (b) a task that fails (retries=0), tagged "db"
    ids = Ids("failed")
    t0 = dt.datetime(2026, 8, 21, 16, 40, 11, 7250, tzinfo=UTC)
    flow = FlowRunCtx(ids.v7(at(t0, -86400)), "load-warehouse", ids.v7(at(t0, -1.7)), "gentle-lynx", tags=["prod"])
    dk = ids.v4()
    tr = TaskRunSim(ids, flow, ids.v7(t0), f"write_rows-{dk[:3]}", "write_rows-9e81b7d2", dk, t0, tags=["db"])
    tr.running(at(t0, 0.009812))
    tr.failed(at(t0, 0.240005), "Task run encountered an exception ValueError: boom")
    write("task-failed.jsonl", tr.events)

    # (c) 20 mapped tasks: double.map(range(20)) on the default thread-pool task runner
    ids = Ids("map")
    t0 = dt.datetime(2026, 8, 21, 17, 0, 0, 250000, tzinfo=UTC)
    flow = FlowRunCtx(ids.v7(at(t0, -3600)), "fan-out", ids.v7(at(t0, -1.5)), "quiet-falcon")
    runs = []
    for i in range(20):
        t = at(t0, 0.0021 * i + 0.000137 * (i % 3))
        dk = ids.v4()
        runs.append(TaskRunSim(ids, flow, ids.v7(t), f"double-{dk[:3]}", "double-2b7d0e44", dk, t,
                               task_inputs={"x": []}))
    order = []  # (time, run index, step) - threads interleave
    for i, r in enumerate(runs):
        start = 0.050 + 0.0009 * i + 0.0031 * ((i * 7) % 5)
        order.append((start, i, "run"))
        order.append((start + 0.0042 + 0.0013 * ((i * 3) % 4), i, "done"))
    events = [e for r in runs for e in r.events[:1]]  # the 20 Pending events, in submission order
    for t_off, i, step in sorted(order):
        r = runs[i]
        t = at(t0, t_off)
        if step == "run":
            events.append(r.running(t))
        else:
            # double(x) returns x * 2: ints in -5..256 are untrackable results
            events.append(r.completed(t, untrackable=True))
    write("task-map-20.jsonl", events)

    # (d) a flow with a subflow: parent runs prepare(), then child(items) which runs work()
    ids = Ids("subflow")
    t0 = dt.datetime(2026, 8, 21, 17, 30, 5, 800100, tzinfo=UTC)
    parent = FlowRunCtx(ids.v7(at(t0, -7200)), "parent-flow", ids.v7(at(t0, -1.4)), "brave-badger")
    child = FlowRunCtx(ids.v7(at(t0, -7200)), "child-flow", ids.v7(at(t0, 0.3301)), "misty-crane")
    dk = ids.v4()
    prep = TaskRunSim(ids, parent, ids.v7(t0), f"prepare-{dk[:3]}",
                      "prepare-71c0a3f5", dk, t0)
    prep.running(at(t0, 0.011))
    prep.completed(at(t0, 0.064532))
    # the parent task run of the subflow is created over HTTP (POST /api/task_runs/), not here
    t1 = at(t0, 0.402210)
    dk = ids.v4()
    work = TaskRunSim(ids, child, ids.v7(t1), f"work-{dk[:3]}",
                      "work-c4d5e6f7", dk, t1, task_inputs={"items": []})
    work.running(at(t1, 0.010544))
    work.completed(at(t1, 0.150031), untrackable=True)  # returns sum(items) == 6
    write("subflow.jsonl", prep.events + work.events)

    # heartbeats: a Runner with heartbeat_seconds=30 serving a deployment's flow run
    ids = Ids("heartbeat")
    t0 = dt.datetime(2026, 8, 21, 18, 0, 0, 0, tzinfo=UTC)
    flow = FlowRunCtx(ids.v7(at(t0, -7200)), "long-job", ids.v7(at(t0, -5)), "steady-walrus", tags=["batch"],
                      deployment=(ids.v7(at(t0, -7000)), "long-job-hourly", ["hourly"]))
    hb = []
    for k in range(3):
        t = at(t0, 30.000512 * k + 0.001)
        hb.append({
            "occurred": ts(t),
            "event": "prefect.flow-run.heartbeat",
            "resource": {"prefect.resource.id": f"prefect.flow-run.{flow.id}",
                         "prefect.resource.name": flow.name,
                         "prefect.version": PREFECT_VERSION},
            "related": [flow.related()[2], flow.related()[1]] + [
                {"prefect.resource.id": f"prefect.tag.{tag}", "prefect.resource.role": "tag"}
                for tag in sorted({"batch", "hourly"})],
            "payload": {},
            "id": ids.v7(t),
            "follows": None,
        })
    write("flow-run-heartbeat.jsonl", hb)


if __name__ == "__main__":
    main()
