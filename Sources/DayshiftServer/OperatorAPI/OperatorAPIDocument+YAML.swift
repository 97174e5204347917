// Written by scripts/embed-openapi from openapi/operator-api.yaml; do not edit by hand.

extension OperatorAPIDocument {
    /// `openapi/operator-api.yaml`, byte for byte.
    static let yaml = #"""
openapi: 3.1.0
info:
  title: Dayshift operator API
  version: 0.1.0
  description: |
    Watch and steer a Dayshift server: issue objects, runs and their logs, webhook deliveries,
    sandboxes, the queue and the effective configuration.

    Every route needs `Authorization: Bearer <operator token>` (`DAYSHIFT_OPERATOR_TOKEN` or
    `server.operator_token_file`); without a configured token the server has no operator routes.
    Errors are RFC 9457 problem details (`application/problem+json`). Lists are newest first and
    paginated with an opaque `cursor`: pass a page's `next_cursor` to get the next page; it is
    `null` on the last page.
servers:
  - url: /api/v1
security:
  - operatorToken: []
paths:
  /openapi.json:
    get:
      operationId: getOpenAPIDocument
      summary: This document, as JSON.
      responses:
        "200":
          description: The OpenAPI document.
          content:
            application/json:
              schema:
                type: object
        "401":
          $ref: "#/components/responses/Unauthorized"
  /issues:
    get:
      operationId: listIssueObjects
      summary: Issue objects, one per `owner/repo#number` that Dayshift has worked on.
      parameters:
        - $ref: "#/components/parameters/Repository"
        - name: state
          in: query
          description: "`running` (a run is in progress) or `idle`."
          schema:
            type: string
            enum: [running, idle]
        - $ref: "#/components/parameters/Cursor"
        - $ref: "#/components/parameters/Limit"
      responses:
        "200":
          description: One page of issue objects, ordered by key.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/IssueObjectPage"
        "400":
          $ref: "#/components/responses/BadRequest"
        "401":
          $ref: "#/components/responses/Unauthorized"
  /issues/{owner}/{repo}/{number}:
    get:
      operationId: getIssueObject
      summary: One issue object with all its runs, oldest first.
      parameters:
        - name: owner
          in: path
          required: true
          schema:
            type: string
        - name: repo
          in: path
          required: true
          schema:
            type: string
        - name: number
          in: path
          required: true
          schema:
            type: integer
            minimum: 1
      responses:
        "200":
          description: The issue object.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/IssueObjectDetail"
        "400":
          $ref: "#/components/responses/BadRequest"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "404":
          $ref: "#/components/responses/NotFound"
  /runs:
    get:
      operationId: listRuns
      summary: Runs, newest first.
      parameters:
        - name: status
          in: query
          schema:
            $ref: "#/components/schemas/RunStatus"
        - $ref: "#/components/parameters/Repository"
        - name: since
          in: query
          description: Only runs created at or after this time (RFC 3339).
          schema:
            type: string
            format: date-time
        - name: until
          in: query
          description: Only runs created before this time (RFC 3339).
          schema:
            type: string
            format: date-time
        - $ref: "#/components/parameters/Cursor"
        - $ref: "#/components/parameters/Limit"
      responses:
        "200":
          description: One page of runs.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/RunPage"
          links:
            GetRun:
              operationId: getRun
              parameters:
                id: "$response.body#/items/0/id"
            ListRunLogs:
              operationId: listRunLogs
              parameters:
                id: "$response.body#/items/0/id"
            FollowRunLogs:
              operationId: followRunLogs
              parameters:
                id: "$response.body#/items/0/id"
            RetryRun:
              operationId: retryRun
              parameters:
                id: "$response.body#/items/0/id"
        "400":
          $ref: "#/components/responses/BadRequest"
        "401":
          $ref: "#/components/responses/Unauthorized"
  /runs/{id}:
    get:
      operationId: getRun
      summary: One run with its steps.
      parameters:
        - $ref: "#/components/parameters/RunID"
      responses:
        "200":
          description: The run.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/RunDetail"
        "400":
          $ref: "#/components/responses/BadRequest"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "404":
          $ref: "#/components/responses/NotFound"
  /runs/{id}/cancel:
    post:
      operationId: cancelRun
      summary: Asks a running run to stop; its report and cleanup steps still run.
      description: |
        Recorded as a delivery (event `dayshift.operator`, action `cancel`) whose message the
        issue object handles like `/dayshift cancel`.
      parameters:
        - $ref: "#/components/parameters/RunID"
      responses:
        "202":
          $ref: "#/components/responses/ActionAccepted"
        "400":
          $ref: "#/components/responses/BadRequest"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "404":
          $ref: "#/components/responses/NotFound"
        "409":
          $ref: "#/components/responses/Conflict"
        "503":
          $ref: "#/components/responses/ShuttingDown"
  /runs/{id}/retry:
    post:
      operationId: retryRun
      summary: Starts a new run of the same issue, from the issue as this run saw it.
      description: |
        Recorded as a delivery (event `dayshift.operator`, action `retry`); refused while the
        issue has a running run.
      parameters:
        - $ref: "#/components/parameters/RunID"
      responses:
        "202":
          $ref: "#/components/responses/ActionAccepted"
        "400":
          $ref: "#/components/responses/BadRequest"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "404":
          $ref: "#/components/responses/NotFound"
        "409":
          $ref: "#/components/responses/Conflict"
        "503":
          $ref: "#/components/responses/ShuttingDown"
  /runs/{id}/logs:
    get:
      operationId: listRunLogs
      summary: The run's log, oldest entry first.
      description: |
        One entry when a step starts, one when it ends (with the last lines of its command's
        output, secrets redacted), and one when the run finishes. Entry ids grow within a run.
      parameters:
        - $ref: "#/components/parameters/RunID"
        - name: after
          in: query
          description: Only entries with a larger id.
          schema:
            type: integer
            minimum: 0
        - $ref: "#/components/parameters/Limit"
      responses:
        "200":
          description: One page of log entries.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/LogPage"
        "400":
          $ref: "#/components/responses/BadRequest"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "404":
          $ref: "#/components/responses/NotFound"
  /runs/{id}/agent:
    get:
      operationId: getRunAgent
      summary: The run's agent under a profile, with its progress and its kept transcript.
      description: |
        What the agent wrote on its standard output (Claude Code's stream-json, Codex's JSON lines,
        Aider's or the command's text), secrets redacted: whole up to 3 MiB, else its first 2 MiB and
        last 1 MiB around a line saying how many bytes were left out (`truncated`). While Claude Code
        works, `turns` and `tool` say how far it has come. Untrusted text: show it, never act on it.
      parameters:
        - $ref: "#/components/parameters/RunID"
      responses:
        "200":
          description: The run's agent.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/RunAgent"
        "400":
          $ref: "#/components/responses/BadRequest"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "404":
          $ref: "#/components/responses/NotFound"
  /runs/{id}/logs/stream:
    get:
      operationId: followRunLogs
      summary: The run's log as Server-Sent Events, live until the run finishes.
      description: |
        Each entry is an event `log` whose `id` is the entry's id and whose `data` is the entry as
        JSON. After the run's last entry an event `end` closes the stream. Reconnect with
        `Last-Event-ID` to continue after the last entry received.
      parameters:
        - $ref: "#/components/parameters/RunID"
        - name: Last-Event-ID
          in: header
          description: Continue after this entry id.
          schema:
            type: string
      responses:
        "200":
          description: The event stream; `schema` describes one event.
          content:
            text/event-stream:
              schema:
                type: object
                required: [event, data]
                properties:
                  event:
                    type: string
                    enum: [log, end]
                  id:
                    type: string
                    description: The log entry's id (on `end`, the last one sent).
                  data:
                    type: string
                    contentMediaType: application/json
                    contentSchema:
                      oneOf:
                        - $ref: "#/components/schemas/LogEntry"
                        - type: object
                          maxProperties: 0
        "400":
          $ref: "#/components/responses/BadRequest"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "404":
          $ref: "#/components/responses/NotFound"
        "503":
          description: The server is shutting down, or too many live log streams are open (64 per server).
          content:
            application/problem+json:
              schema:
                $ref: "#/components/schemas/Problem"
  /deliveries:
    get:
      operationId: listDeliveries
      summary: Webhook deliveries (and operator actions), newest first, with the decision taken.
      parameters:
        - name: event
          in: query
          description: "`X-GitHub-Event`, e.g. `issues`; `dayshift.operator` for operator actions."
          schema:
            type: string
        - name: decision
          in: query
          schema:
            type: string
            enum: [acted, ignored]
        - $ref: "#/components/parameters/Repository"
        - $ref: "#/components/parameters/Cursor"
        - $ref: "#/components/parameters/Limit"
      responses:
        "200":
          description: One page of deliveries.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/DeliveryPage"
          links:
            GetDelivery:
              operationId: getDelivery
              parameters:
                guid: "$response.body#/items/0/guid"
            ReplayDelivery:
              operationId: replayDelivery
              parameters:
                guid: "$response.body#/items/0/guid"
        "400":
          $ref: "#/components/responses/BadRequest"
        "401":
          $ref: "#/components/responses/Unauthorized"
  /deliveries/{guid}:
    get:
      operationId: getDelivery
      summary: One delivery with its stored payload.
      parameters:
        - $ref: "#/components/parameters/DeliveryGUID"
      responses:
        "200":
          description: The delivery.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/DeliveryDetail"
        "400":
          $ref: "#/components/responses/BadRequest"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "404":
          $ref: "#/components/responses/NotFound"
  /deliveries/{guid}/replay:
    post:
      operationId: replayDelivery
      summary: Processes a stored GitHub delivery's payload again, as a new delivery that names the original.
      description: |
        The trigger rules and repository scope of today's configuration decide again; the replay
        is stored under a new GUID with `replay_of` set. Operator actions, and deliveries whose payload retention pruned, are not replayed (409).
      parameters:
        - $ref: "#/components/parameters/DeliveryGUID"
      responses:
        "202":
          description: The replay was stored.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Delivery"
        "400":
          $ref: "#/components/responses/BadRequest"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "404":
          $ref: "#/components/responses/NotFound"
        "409":
          $ref: "#/components/responses/Conflict"
        "503":
          $ref: "#/components/responses/ShuttingDown"
  /sandboxes:
    get:
      operationId: listSandboxes
      summary: Live sandboxes Dayshift created (label `dayshift.managed=true`), with their run.
      responses:
        "200":
          description: The sandboxes.
          content:
            application/json:
              schema:
                type: object
                required: [items]
                properties:
                  items:
                    type: array
                    items:
                      $ref: "#/components/schemas/Sandbox"
          links:
            DeleteSandbox:
              operationId: deleteSandbox
              parameters:
                id: "$response.body#/items/0/id"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "502":
          $ref: "#/components/responses/BadGateway"
  /sandboxes/{id}:
    delete:
      operationId: deleteSandbox
      summary: Deletes a sandbox Dayshift created whose run is not running.
      parameters:
        - name: id
          in: path
          required: true
          schema:
            type: string
      responses:
        "204":
          description: Deleted.
        "400":
          $ref: "#/components/responses/BadRequest"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "404":
          $ref: "#/components/responses/NotFound"
        "409":
          $ref: "#/components/responses/Conflict"
        "502":
          $ref: "#/components/responses/BadGateway"
  /queue:
    get:
      operationId: getQueue
      summary: Sandbox slots, the runs holding them, the runs queued for one, and messages waiting for their issue object.
      responses:
        "200":
          description: The queue.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Queue"
        "401":
          $ref: "#/components/responses/Unauthorized"
  /config:
    get:
      operationId: getConfiguration
      summary: The effective configuration; every secret shows only as `[set]` or `""`.
      responses:
        "200":
          description: |
            The configuration, every setting by name in snake case, grouped as in the YAML file
            (mostly its keys; `data_directory` is `data_dir`).
          content:
            application/json:
              schema:
                type: object
        "401":
          $ref: "#/components/responses/Unauthorized"
components:
  securitySchemes:
    operatorToken:
      type: http
      scheme: bearer
  parameters:
    Repository:
      name: repository
      in: query
      description: "`owner/repo`, compared case-insensitively."
      schema:
        type: string
    Cursor:
      name: cursor
      in: query
      description: A previous page's `next_cursor`.
      schema:
        type: string
    Limit:
      name: limit
      in: query
      description: Items per page (default 50).
      schema:
        type: integer
        minimum: 1
        maximum: 500
    RunID:
      name: id
      in: path
      required: true
      schema:
        type: integer
        format: int64
        minimum: 1
    DeliveryGUID:
      name: guid
      in: path
      required: true
      schema:
        type: string
  responses:
    BadRequest:
      description: A parameter is malformed; `detail` names it.
      content:
        application/problem+json:
          schema:
            $ref: "#/components/schemas/Problem"
    Unauthorized:
      description: No or wrong bearer token.
      headers:
        WWW-Authenticate:
          schema:
            type: string
      content:
        application/problem+json:
          schema:
            $ref: "#/components/schemas/Problem"
    NotFound:
      description: No such resource.
      content:
        application/problem+json:
          schema:
            $ref: "#/components/schemas/Problem"
    Conflict:
      description: The resource is not in a state that allows this.
      content:
        application/problem+json:
          schema:
            $ref: "#/components/schemas/Problem"
    BadGateway:
      description: The sandbox provider did not answer.
      content:
        application/problem+json:
          schema:
            $ref: "#/components/schemas/Problem"
    ShuttingDown:
      description: The server is shutting down; try again on another replica or after the restart.
      content:
        application/problem+json:
          schema:
            $ref: "#/components/schemas/Problem"
    ActionAccepted:
      description: The action was stored; the issue object carries it out.
      content:
        application/json:
          schema:
            $ref: "#/components/schemas/ActionAccepted"
  schemas:
    Problem:
      type: object
      description: RFC 9457 problem details.
      required: [type, title, status]
      properties:
        type:
          type: string
        title:
          type: string
        status:
          type: integer
        detail:
          type: string
    RunStatus:
      type: string
      enum: [running, succeeded, failed, no_changes, tests_failed, cancelled, budget_exceeded]
    StepStatus:
      type: string
      enum: [pending, running, succeeded, failed, skipped]
    RunSummary:
      type: object
      required: [id, issue, repository, number, sequence, status, title, created_at, finished_at, duration_seconds,
                 summary, cancel_requested, current_step, cost_usd]
      properties:
        id:
          type: integer
          format: int64
        issue:
          type: string
          description: "`owner/repo#number`."
        repository:
          type: string
        number:
          type: integer
        sequence:
          type: integer
          description: 1 for the issue's first run, 2 for its second, …
        status:
          $ref: "#/components/schemas/RunStatus"
        title:
          type: string
          description: The issue's title when the run started (untrusted text).
        created_at:
          type: string
          format: date-time
        finished_at:
          type: [string, "null"]
          format: date-time
        duration_seconds:
          type: [number, "null"]
          description: From creation to finish, or to now while running.
        summary:
          type: [string, "null"]
        cancel_requested:
          type: boolean
        current_step:
          type: [string, "null"]
        cost_usd:
          type: [number, "null"]
          description: What the run's model calls through the LLM proxy cost, when metered.
    Step:
      type: object
      required: [name, position, status, attempts, started_at, ended_at, duration_seconds, result, error]
      properties:
        name:
          type: string
        position:
          type: integer
        status:
          $ref: "#/components/schemas/StepStatus"
        attempts:
          type: integer
        started_at:
          type: [string, "null"]
          format: date-time
        ended_at:
          type: [string, "null"]
          format: date-time
        duration_seconds:
          type: [number, "null"]
        result:
          type: [string, "null"]
          description: One line on what the step did.
        error:
          type: [string, "null"]
    RunDetail:
      allOf:
        - $ref: "#/components/schemas/RunSummary"
        - type: object
          required: [steps, pull_request]
          properties:
            steps:
              type: array
              items:
                $ref: "#/components/schemas/Step"
            pull_request:
              oneOf:
                - type: "null"
                - type: object
                  required: [number, url, draft]
                  properties:
                    number:
                      type: integer
                    url:
                      type: string
                    draft:
                      type: boolean
    RunPage:
      type: object
      required: [items, next_cursor]
      properties:
        items:
          type: array
          items:
            $ref: "#/components/schemas/RunSummary"
        next_cursor:
          type: [string, "null"]
    IssueObject:
      type: object
      required: [issue, repository, number, state, runs, latest_run, activated_at]
      properties:
        issue:
          type: string
        repository:
          type: string
        number:
          type: integer
        state:
          type: string
          enum: [running, idle]
        runs:
          type: integer
          description: How many runs it has had.
        latest_run:
          oneOf:
            - type: "null"
            - $ref: "#/components/schemas/RunSummary"
        activated_at:
          type: string
          format: date-time
          description: When an owner last took the issue object's lease.
    IssueObjectPage:
      type: object
      required: [items, next_cursor]
      properties:
        items:
          type: array
          items:
            $ref: "#/components/schemas/IssueObject"
        next_cursor:
          type: [string, "null"]
    IssueObjectDetail:
      allOf:
        - $ref: "#/components/schemas/IssueObject"
        - type: object
          required: [all_runs]
          properties:
            all_runs:
              type: array
              items:
                $ref: "#/components/schemas/RunSummary"
    LogEntry:
      type: object
      required: [id, time, kind, step, text]
      properties:
        id:
          type: integer
        time:
          type: string
          format: date-time
        kind:
          type: string
          enum: [step_started, step_succeeded, step_failed, step_skipped, run_finished]
        step:
          type: [string, "null"]
        text:
          type: string
    RunAgent:
      type: object
      required: [run_id, profile, turns, tool, session_id, total_bytes, truncated, transcript]
      properties:
        run_id:
          type: integer
        profile:
          type: string
          enum: [command, claude-code, codex, aider]
        turns:
          type: integer
          description: Assistant turns seen so far (Claude Code, while it runs).
        tool:
          type: [string, "null"]
          description: The tool the agent called last, while it runs.
        session_id:
          type: [string, "null"]
        total_bytes:
          type: integer
          description: Bytes the agent wrote in all; 0 until it has finished.
        truncated:
          type: boolean
        transcript:
          type: string
    LogPage:
      type: object
      required: [items, finished, next_after]
      properties:
        items:
          type: array
          items:
            $ref: "#/components/schemas/LogEntry"
        finished:
          type: boolean
          description: True when the run has finished and no entry is left after this page.
        next_after:
          type: [integer, "null"]
          description: Pass as `after` for the next page; `null` when this page is the end for now.
    Delivery:
      type: object
      required: [guid, event, action, repository, issue_number, received_at, decision, reason, replay_of]
      properties:
        guid:
          type: string
        event:
          type: string
        action:
          type: [string, "null"]
        repository:
          type: [string, "null"]
        issue_number:
          type: [integer, "null"]
        received_at:
          type: string
          format: date-time
        decision:
          type: string
          enum: [acted, ignored]
        reason:
          type: string
        replay_of:
          type: [string, "null"]
          description: The GUID this delivery replayed.
    DeliveryDetail:
      allOf:
        - $ref: "#/components/schemas/Delivery"
        - type: object
          required: [payload]
          properties:
            payload:
              description: The stored body, as JSON (keys sorted).
    DeliveryPage:
      type: object
      required: [items, next_cursor]
      properties:
        items:
          type: array
          items:
            $ref: "#/components/schemas/Delivery"
        next_cursor:
          type: [string, "null"]
    ActionAccepted:
      type: object
      required: [delivery, issue, action]
      properties:
        delivery:
          type: string
          description: The GUID the action was recorded under.
        issue:
          type: string
        action:
          type: string
          enum: [cancel, retry]
    Sandbox:
      type: object
      required: [id, name, state, created_at, run, issue]
      properties:
        id:
          type: string
        name:
          type: string
        state:
          type: string
        created_at:
          type: string
          format: date-time
        run:
          type: [integer, "null"]
          format: int64
        issue:
          type: [string, "null"]
    QueuedMessage:
      type: object
      required: [message, issue, command, since]
      properties:
        message:
          type: integer
          format: int64
        issue:
          type: string
        command:
          type: string
        since:
          type: string
          format: date-time
    QueuedRun:
      type: object
      required: [run, issue, installation, position, since]
      properties:
        run:
          type: integer
          format: int64
        issue:
          type: string
        installation:
          type: [integer, "null"]
          format: int64
          description: "The GitHub App installation the run's trigger came through; `null`: none."
        position:
          type: integer
          description: "1: the run served next (first in, first out per installation, installations in turn)."
        since:
          type: string
          format: date-time
    Queue:
      type: object
      required: [slots, running, queued, waiting]
      properties:
        slots:
          type: object
          required: [limit, in_use]
          properties:
            limit:
              type: [integer, "null"]
              description: "`runtime.max_concurrent_runs`: runs that may hold a sandbox at once."
            in_use:
              type: integer
              description: Running runs holding a slot.
        running:
          type: array
          description: Running runs that are not queued.
          items:
            $ref: "#/components/schemas/RunSummary"
        queued:
          type: array
          description: Runs waiting for a sandbox slot, next first.
          items:
            $ref: "#/components/schemas/QueuedRun"
        waiting:
          type: array
          description: Inbox messages not yet handled by their issue object.
          items:
            $ref: "#/components/schemas/QueuedMessage"
"""#
}
