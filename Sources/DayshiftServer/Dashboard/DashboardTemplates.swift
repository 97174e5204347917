/// The dashboard's Mustache templates, embedded so that the single `dayshift` binary serves them
/// (no resource bundle to ship). Every value goes through `{{ }}`, which escapes HTML (`<`, `>`,
/// `&`, `"`, `'`); none uses `{{{ }}}`, and a test keeps it that way. No inline script or style:
/// the Content-Security-Policy allows only `/static/dashboard.js` and `/static/dashboard.css`.
enum DashboardTemplates {
    /// Every template by name (partials are `header` and `footer`).
    static let all: [String: String] = [
        "header": header, "footer": footer, "login": login, "runs": runs, "run": run, "deliveries": deliveries, "error": error,
    ]

    static let header = """
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="referrer" content="no-referrer">
    <title>{{pageTitle}} · Dayshift</title>
    <link rel="stylesheet" href="/static/dashboard.css">
    </head>
    <body>
    <header class="top">
    <a class="brand" href="/">Dayshift</a>
    {{#signedIn}}
    <nav><a href="/">Runs</a> <a href="/deliveries">Deliveries</a></nav>
    <form class="signout" method="post" action="/logout"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Sign out</button></form>
    {{/signedIn}}
    </header>
    <main>
    {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}

    """

    static let footer = """
    </main>
    </body>
    </html>

    """

    static let login = """
    {{> header}}
    <h1>Sign in</h1>
    {{#refused}}<p class="error" role="alert">That is not the operator token.</p>{{/refused}}
    <form class="login" method="post" action="/login">
    <label for="token">Operator token</label>
    <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
    <button id="sign-in" type="submit">Sign in</button>
    </form>
    <p class="hint">The token is the server's <code>DAYSHIFT_OPERATOR_TOKEN</code> (or <code>server.operator_token_file</code>). A sign-in lasts 12 hours.</p>
    {{> footer}}
    """

    static let runs = """
    {{> header}}
    <h1>Runs</h1>
    <nav class="filters" aria-label="Filter by status">{{#filters}}<a href="{{href}}"{{#current}} class="current" aria-current="page"{{/current}}>{{label}}</a> {{/filters}}</nav>
    <table id="runs">
    <thead><tr><th>Run</th><th>Status</th><th>Issue</th><th>Title</th><th>Current step</th><th>Duration</th><th>Cost</th><th>Started</th></tr></thead>
    <tbody>
    {{#runs}}
    <tr data-run="{{id}}"><td><a href="/runs/{{id}}">#{{id}}</a></td><td><span class="status status-{{status}}">{{status}}</span>{{#cancelRequested}} <small>(cancel requested)</small>{{/cancelRequested}}</td><td>{{issue}}</td><td>{{title}}</td><td>{{step}}</td><td>{{duration}}</td><td>{{cost}}</td><td>{{created}}</td></tr>
    {{/runs}}
    {{^runs}}<tr><td colspan="8" class="empty">No runs.</td></tr>{{/runs}}
    </tbody>
    </table>
    {{#hasNext}}<p class="pages"><a rel="next" href="{{nextHref}}">Older runs</a></p>{{/hasNext}}
    {{> footer}}
    """

    static let run = """
    {{> header}}
    <h1>Run #{{id}} <span id="run-status" class="status status-{{status}}">{{status}}</span></h1>
    <p class="issue"><span id="run-issue">{{issue}}</span>: <span id="run-title">{{title}}</span></p>
    <dl class="facts">
    <dt>Started</dt><dd>{{created}}</dd>
    <dt>Finished</dt><dd>{{finished}}</dd>
    <dt>Duration</dt><dd>{{duration}}</dd>
    <dt>Cost</dt><dd>{{cost}}</dd>
    {{#hasStep}}<dt>Current step</dt><dd id="current-step">{{step}}</dd>{{/hasStep}}
    {{#cancelRequested}}<dt>Cancel</dt><dd>requested</dd>{{/cancelRequested}}
    {{#hasSummary}}<dt>Summary</dt><dd id="run-summary">{{summary}}</dd>{{/hasSummary}}
    {{#pullRequests}}<dt>Pull request</dt><dd>{{#hasLink}}<a id="pull-request" href="{{url}}" rel="noreferrer noopener">#{{number}}</a>{{/hasLink}}{{^hasLink}}#{{number}}{{/hasLink}}{{#draft}} (draft){{/draft}}</dd>{{/pullRequests}}
    </dl>
    <div class="actions">
    {{#canCancel}}<form method="post" action="/runs/{{id}}/cancel"><input type="hidden" name="csrf" value="{{csrf}}"><button id="cancel" type="submit">Cancel run</button></form>{{/canCancel}}
    {{#canRetry}}<form method="post" action="/runs/{{id}}/retry"><input type="hidden" name="csrf" value="{{csrf}}"><button id="retry" type="submit">Retry</button></form>{{/canRetry}}
    </div>
    <h2>Steps</h2>
    <table id="steps">
    <thead><tr><th>Step</th><th>Status</th><th>Attempts</th><th>Started</th><th>Duration</th><th>Result</th></tr></thead>
    <tbody>
    {{#steps}}
    <tr data-step="{{name}}"><td>{{name}}</td><td><span class="status status-{{status}}">{{status}}</span></td><td>{{attempts}}</td><td>{{started}}</td><td>{{duration}}</td><td class="result">{{result}}{{#hasError}}<span class="error">{{error}}</span>{{/hasError}}</td></tr>
    {{/steps}}
    </tbody>
    </table>
    <h2>Log</h2>
    {{#live}}
    <p id="live-state" class="live-state">Connecting to the live log…</p>
    <ol id="log" class="log" data-stream="/runs/{{id}}/log/stream"></ol>
    <noscript><ol class="log">{{#log}}<li class="entry entry-{{kind}}" data-id="{{id}}"><time>{{time}}</time><pre>{{text}}</pre></li>{{/log}}</ol></noscript>
    {{/live}}
    {{^live}}
    <ol id="log" class="log">{{#log}}<li class="entry entry-{{kind}}" data-id="{{id}}"><time>{{time}}</time><pre>{{text}}</pre></li>{{/log}}</ol>
    {{/live}}
    <script src="/static/dashboard.js"></script>
    {{> footer}}
    """

    static let deliveries = """
    {{> header}}
    <h1>Deliveries</h1>
    <nav class="filters" aria-label="Filter by decision">{{#filters}}<a href="{{href}}"{{#current}} class="current" aria-current="page"{{/current}}>{{label}}</a> {{/filters}}</nav>
    <table id="deliveries">
    <thead><tr><th>Received</th><th>Delivery</th><th>Event</th><th>Issue</th><th>Decision</th><th>Reason</th><th>Replay of</th><th></th></tr></thead>
    <tbody>
    {{#deliveries}}
    <tr><td>{{received}}</td><td><code>{{guid}}</code></td><td>{{event}}{{#hasAction}}.{{action}}{{/hasAction}}</td><td>{{issue}}</td><td><span class="decision decision-{{decision}}">{{decision}}</span></td><td>{{reason}}</td><td>{{#hasReplayOf}}<code>{{replayOf}}</code>{{/hasReplayOf}}</td>
    <td>{{#canReplay}}<form method="post" action="/deliveries/{{guid}}/replay"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Replay</button></form>{{/canReplay}}</td></tr>
    {{/deliveries}}
    {{^deliveries}}<tr><td colspan="8" class="empty">No deliveries.</td></tr>{{/deliveries}}
    </tbody>
    </table>
    {{#hasNext}}<p class="pages"><a rel="next" href="{{nextHref}}">Older deliveries</a></p>{{/hasNext}}
    {{> footer}}
    """

    static let error = """
    {{> header}}
    <h1>{{pageTitle}}</h1>
    <p class="error" role="alert">{{detail}}</p>
    <p><a href="{{back}}">Back</a></p>
    {{> footer}}
    """
}
