"""The Python peer for the intake benchmark: a GitHub webhook receiver written the usual way
with gidgethub and aiohttp, doing what Dayshift's intake does durably.

For each POST /webhooks/github it verifies X-Hub-Signature-256 and parses the body
(gidgethub.sansio.Event.from_http), then stores the delivery in SQLite (WAL,
synchronous=FULL) in one transaction of its own, ignoring a GUID seen before, and answers 202.

    python receiver.py --port 18083 --db /tmp/peer.sqlite   (secret: BENCH_WEBHOOK_SECRET)
"""

import argparse
import json
import os
import sqlite3
import time

from aiohttp import web
from gidgethub import BadRequest, ValidationFailure, sansio


def open_database(path: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute(
        """CREATE TABLE IF NOT EXISTS deliveries (
               guid TEXT PRIMARY KEY, event TEXT NOT NULL, action TEXT, repository TEXT,
               issue_number INTEGER, received_at REAL NOT NULL, payload BLOB NOT NULL)"""
    )
    return db


def make_app(db: sqlite3.Connection, secret: str) -> web.Application:
    async def receive(request: web.Request) -> web.Response:
        body = await request.read()
        try:
            event = sansio.Event.from_http(request.headers, body, secret=secret)
        except ValidationFailure:
            return web.json_response({"error": "invalid signature"}, status=401)
        except BadRequest as error:
            return web.json_response({"error": str(error)}, status=400)
        data = event.data if isinstance(event.data, dict) else {}
        repository = (data.get("repository") or {}).get("full_name")
        issue_number = (data.get("issue") or {}).get("number")
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute(
                "INSERT OR IGNORE INTO deliveries VALUES (?, ?, ?, ?, ?, ?, ?)",
                (event.delivery_id, event.event, data.get("action"), repository, issue_number, time.time(), body),
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return web.Response(status=202, text=json.dumps({"status": "accepted"}), content_type="application/json")

    async def health(_: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    app = web.Application(client_max_size=25 * 1024 * 1024)
    app.router.add_post("/webhooks/github", receive)
    app.router.add_get("/healthz", health)
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", required=True)
    arguments = parser.parse_args()
    secret = os.environ["BENCH_WEBHOOK_SECRET"]
    web.run_app(make_app(open_database(arguments.db), secret), host="127.0.0.1", port=arguments.port,
                access_log=None, print=None)


if __name__ == "__main__":
    main()
