// Package statemachine holds the Amazon States Language definitions of the
// imgprep workflows, embedded from the *.asl.json files beside it, and renders
// their ${...} substitutions for AWS (CDK DefinitionSubstitutions) and for the
// local engine. It also defines, once, the EventBridge pattern that starts the
// ingest workflow, so the AWS rule and the local event bus cannot disagree.
//
// It must not import tasks, local, infra or any AWS SDK: it is data plus
// string rendering. The engine that runs the definitions is the subpackage asl.
package statemachine
