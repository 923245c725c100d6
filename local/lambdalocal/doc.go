// Package lambdalocal invokes Go Lambda handlers in-process, the way the
// Lambda runtime would: through lambda.NewHandler(fn).Invoke (the same code
// path lambda.Start runs on AWS), with a lambdacontext carrying a request id,
// the function's timeout applied through the context, panics recovered, and
// errors named as the runtime names them (the Go type name of the returned
// error, or "Sandbox.Timedout" when the timeout passes).
//
// It implements the asl engine's LambdaInvoker. It must not import tasks,
// cmd or infra: handlers are registered by whoever builds the stack.
package lambdalocal
