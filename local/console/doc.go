// Package console is a small read-only web console for the executions the
// embedded stack ran: the state machines, each one's executions newest
// first with status filters, and one execution's input, output or error,
// a timeline of its states (durations, retries, the error of each failed
// attempt) and its raw history. It reads everything through a
// *sfnapi.Service, so running executions show their history so far.
//
// Standard library only (html/template, net/http), no scripts. It must not
// import tasks, cmd, infra or local/stack.
package console
