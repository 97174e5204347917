/// The dashboard's style sheet and its one script, served from `/static/` (the
/// Content-Security-Policy allows scripts and styles from the server itself only).
enum DashboardAssets {
    /// Follows a running run's log (`#log[data-stream]`) with `EventSource`, appending each entry
    /// as text (never as HTML); when the run ends, reloads the page to show its final state.
    /// `EventSource` reconnects by itself and sends `Last-Event-ID`, so no entry is shown twice.
    static let script = """
    "use strict";
    (function () {
      var log = document.getElementById("log");
      if (!log || !log.dataset.stream || !window.EventSource) { return; }
      var state = document.getElementById("live-state");
      var say = function (text) { if (state) { state.textContent = text; } };
      var source = new EventSource(log.dataset.stream);
      source.addEventListener("open", function () { say("Live: new log entries appear as they happen."); });
      source.addEventListener("log", function (event) {
        var entry = JSON.parse(event.data);
        var item = document.createElement("li");
        item.className = "entry live entry-" + String(entry.kind).replace(/[^a-z_]/g, "");
        item.setAttribute("data-id", String(entry.id));
        var time = document.createElement("time");
        time.textContent = String(entry.time);
        var text = document.createElement("pre");
        text.textContent = String(entry.text);
        item.appendChild(time);
        item.appendChild(text);
        log.appendChild(item);
      });
      source.addEventListener("end", function () {
        source.close();
        say("The run has ended.");
        window.setTimeout(function () { window.location.reload(); }, 1000);
      });
      source.addEventListener("error", function () {
        say(source.readyState === EventSource.CLOSED ? "The live log stopped; reload the page." : "Reconnecting to the live log…");
      });
    })();

    """

    static let styleSheet = """
    :root { color-scheme: light dark; --muted: #6b7280; --line: #d1d5db; }
    body { font: 15px/1.45 system-ui, sans-serif; margin: 0; }
    header.top { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1.5rem; border-bottom: 1px solid var(--line); }
    header.top .brand { font-weight: 700; text-decoration: none; }
    header.top nav a { margin-right: 1rem; }
    header.top .signout { margin-left: auto; }
    main { padding: 1rem 1.5rem 3rem; max-width: 80rem; }
    table { border-collapse: collapse; width: 100%; }
    th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
    td.empty, .hint, small { color: var(--muted); }
    .status, .decision { font-weight: 600; }
    .status-running { color: #2563eb; } .status-succeeded { color: #16a34a; }
    .status-failed, .status-tests_failed, .status-budget_exceeded, .error { color: #dc2626; } .status-cancelled, .status-no_changes, .status-skipped, .status-pending { color: var(--muted); }
    .decision-ignored { color: var(--muted); } .decision-acted { color: #16a34a; }
    .notice { padding: .5rem .8rem; border: 1px solid var(--line); border-radius: 4px; }
    .filters a { margin-right: .6rem; } .filters a.current { font-weight: 700; text-decoration: none; }
    dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
    dl.facts dt { color: var(--muted); }
    .actions form { display: inline-block; margin-right: .6rem; }
    ol.log { list-style: none; padding: 0; font-family: ui-monospace, monospace; font-size: 13px; }
    ol.log li { display: flex; gap: 1rem; border-bottom: 1px dotted var(--line); padding: .2rem 0; }
    ol.log time { color: var(--muted); white-space: nowrap; }
    ol.log pre { margin: 0; white-space: pre-wrap; word-break: break-word; }
    ol.log li.entry-step_failed pre { color: #dc2626; }
    form.login { display: flex; gap: .6rem; align-items: center; }
    .live-state { color: var(--muted); }

    """
}
