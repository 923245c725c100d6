package console

// The pages are plain HTML with inline CSS: no scripts, so the console
// works from any browser and from curl. A running execution's page
// reloads itself every two seconds through a meta refresh.

const layoutHTML = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{{.Title}} · imgprep executions</title>
{{if .Running}}<meta http-equiv="refresh" content="2">{{end}}
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
a{color:#0550ae;text-decoration:none}a:hover{text-decoration:underline}
table{border-collapse:collapse;margin:.5em 0 1.5em}
th,td{padding:.25em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
th{background:#f4f4f4}
code,pre{font:12px/1.35 ui-monospace,monospace}
pre{background:#f7f7f7;padding:.6em;max-height:24em;overflow:auto;white-space:pre-wrap;word-break:break-all}
.badge{display:inline-block;padding:0 .5em;border-radius:.7em;font-size:12px;color:#fff;background:#888}
.running{background:#0969da}.succeeded{background:#1a7f37}.failed{background:#cf222e}
.timed_out{background:#bc4c00}.aborted{background:#6e7781}.retried{background:#9a6700}.caught{background:#8250df}
.filters a{margin-right:.8em}.filters a.on{font-weight:bold;text-decoration:underline}
.track{position:relative;width:420px;height:12px;background:#f0f0f0}
.track span{position:absolute;top:0;height:12px;opacity:.85}
.err{color:#cf222e}.muted{color:#6e7781}
nav{margin-bottom:1em}
</style></head><body>
<nav><a href="./">State machines</a></nav>
{{template "content" .}}
</body></html>`

const indexHTML = `{{define "content"}}
<h1>State machines</h1>
{{if not .Machines}}<p class="muted">No state machines registered.</p>{{else}}
<table><tr><th>Name</th><th>Type</th><th>Executions</th>{{range .Statuses}}<th><span class="badge {{cls .}}">{{.}}</span></th>{{end}}<th>Latest start (UTC)</th></tr>
{{range $m := .Machines}}<tr>
<td>{{if $m.Child}}<span class="muted">&nbsp;&nbsp;└ child workflow</span> {{end}}<a href="machine?arn={{$m.ARN}}">{{$m.Name}}</a></td><td>{{$m.Type}}</td><td>{{$m.Total}}</td>
{{range $.Statuses}}<td>{{$n := count $m.Counts .}}{{if $n}}<a href="machine?arn={{$m.ARN}}&amp;status={{.}}">{{$n}}</a>{{end}}</td>{{end}}
<td>{{since $m.Latest}}</td></tr>
{{end}}</table>{{end}}
{{end}}`

const machineHTML = `{{define "content"}}
<h1>{{.Title}}</h1>
<p><code>{{.ARN}}</code> · {{.Machine.Type}}{{if .Child}} · child workflow of <a href="machine?arn={{.Machine.ARN}}">{{.Machine.Name}}</a>{{end}}</p>
<p class="filters">
<a href="machine?arn={{.ARN}}"{{if not .Status}} class="on"{{end}}>all ({{.Total}})</a>
{{range .Statuses}}<a href="machine?arn={{$.ARN}}&amp;status={{.}}"{{if eq . $.Status}} class="on"{{end}}><span class="badge {{cls .}}">{{.}}</span> {{count $.Counts .}}</a>{{end}}
</p>
<form method="get" action="machine"><input type="hidden" name="arn" value="{{.ARN}}">{{with .Status}}<input type="hidden" name="status" value="{{.}}">{{end}}
<input type="search" name="q" value="{{.Query}}" placeholder="name or error contains"> <button>Filter</button></form>
{{if not .Executions}}<p class="muted">No executions{{with .Status}} with status {{.}}{{end}}{{with .Query}} matching “{{.}}”{{end}}.</p>{{else}}
<table><tr><th>Name</th><th>Status</th><th>Started (UTC)</th><th>Duration</th><th>Error</th></tr>
{{range .Executions}}<tr>
<td><a href="execution?arn={{.ExecutionARN}}">{{.Name}}</a></td>
<td><span class="badge {{cls .Status}}">{{.Status}}</span></td>
<td>{{since .StartDate}}</td>
<td>{{if .StopDate.IsZero}}{{between .StartDate $.Now}}…{{else}}{{between .StartDate .StopDate}}{{end}}</td>
<td class="err">{{.Error}}</td></tr>
{{end}}</table>
{{if .More}}<p><a href="machine?arn={{.ARN}}&amp;status={{.Status}}&amp;q={{.Query}}&amp;limit={{.Limit}}">{{.More}} more…</a></p>{{end}}
{{end}}
{{end}}`

const executionHTML = `{{define "content"}}
{{$r := .Rec}}
<h1>{{$r.Name}} <span class="badge {{cls $r.Status}}">{{$r.Status}}</span></h1>
<table>
<tr><th>Execution</th><td><code>{{$r.ExecutionARN}}</code></td></tr>
<tr><th>State machine</th><td><a href="machine?arn={{$r.StateMachineARN}}"><code>{{$r.StateMachineARN}}</code></a> ({{$r.Type}})</td></tr>
{{with .MapRun}}<tr><th>Map run</th><td><code>{{.}}</code>{{with $.Parent}} of <a href="execution?arn={{.}}">{{.}}</a>{{end}}</td></tr>{{end}}
<tr><th>Started (UTC)</th><td>{{since $r.StartDate}}</td></tr>
<tr><th>Stopped (UTC)</th><td>{{if $r.StopDate.IsZero}}<span class="muted">running</span>{{else}}{{since $r.StopDate}}{{end}}</td></tr>
<tr><th>Duration</th><td>{{between $r.StartDate .End}}</td></tr>
{{with $r.Error}}<tr><th>Error</th><td class="err"><code>{{.}}</code></td></tr>{{end}}
{{with $r.Cause}}<tr><th>Cause</th><td><pre>{{.}}</pre></td></tr>{{end}}
</table>
<h2>Input</h2><pre>{{.Input}}</pre>
{{with .Output}}<h2>Output</h2><pre>{{.}}</pre>{{end}}

<h2>Timeline</h2>
{{if not .Steps}}<p class="muted">No state entered yet.</p>{{else}}
<table><tr><th>State</th><th>Type</th><th>Status</th><th>Entered</th><th>Duration</th><th>Attempts</th><th></th><th>Errors</th></tr>
{{range .Steps}}<tr>
<td><span style="padding-left:{{indent .Depth}}px">{{.Name}}</span></td><td>{{.Type}}</td>
<td><span class="badge {{cls .Status}}">{{.Status}}</span></td>
<td>+{{dur .Offset}}</td><td>{{dur .Duration}}{{if .Exited.IsZero}}…{{end}}</td>
<td>{{if .Attempts}}{{.Attempts}}{{end}}</td>
<td><div class="track"><span class="{{cls .Status}}" style="left:{{.Left}}%;width:{{.Width}}%"></span></div></td>
<td>{{range .Failures}}<div class="err">#{{.EventID}} {{.Type}}: <code>{{.Error}}</code>{{with .Cause}}<br><small class="muted">{{.}}</small>{{end}}</div>{{end}}</td>
</tr>
{{end}}</table>{{end}}

{{range .MapRuns}}
<h2>Map run</h2><p><code>{{.ARN}}</code></p>
{{if not .Children}}<p class="muted">No child executions recorded by this process.</p>{{else}}
<table><tr><th>Child execution</th><th>Status</th><th>Started (UTC)</th><th>Duration</th><th>Error</th></tr>
{{range .Children}}<tr><td><a href="execution?arn={{.ExecutionARN}}">{{.Name}}</a></td>
<td><span class="badge {{cls .Status}}">{{.Status}}</span></td><td>{{since .StartDate}}</td>
<td>{{between .StartDate .StopDate}}</td><td class="err">{{.Error}}</td></tr>
{{end}}</table>{{end}}
{{end}}

<h2>History</h2>
<table><tr><th>Id</th><th>Previous</th><th>Time</th><th>Type</th><th>Details</th></tr>
{{range .Events}}<tr><td>{{.ID}}</td><td>{{.PreviousEventID}}</td><td>+{{dur .Offset}}</td><td>{{.Type}}</td><td><code>{{.Details}}</code></td></tr>
{{end}}</table>
{{end}}`

const notFoundHTML = `{{define "content"}}<h1>Not found</h1><p>{{.Message}}</p>{{end}}`
