package main

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	"github.com/aws/aws-cdk-go/awscdk/v2/interfaces/interfacesawscloudwatch"
	"github.com/aws/jsii-runtime-go"

	"github.com/imgprep/imgprep/statemachine"
)

// The quarantine metric comes from a metric filter on the Quarantine
// function's JSON logs: tasks' Quarantine handler logs message "quarantined"
// (with key, status, error, reason) once per record it writes, so the metric
// needs no code of its own. Namespace is per stack so two stacks do not add up.
const (
	quarantineMetricName = "QuarantinedInputs"
	quarantineLogMessage = "quarantined"
)

func metricNamespace(stackName string) string { return "imgprep/" + stackName }

var fiveMinutes = awscdk.Duration_Minutes(jsii.Number(5))

func (s *Stack) monitoring() {
	if s.Config.AlarmTopicArn != "" {
		s.AlarmTopic = awssns.Topic_FromTopicArn(s.Stack, jsii.String("AlarmTopic"), jsii.String(s.Config.AlarmTopicArn))
	} else if s.Config.AlarmEmail != "" {
		topic := awssns.NewTopic(s.Stack, jsii.String("AlarmTopic"), &awssns.TopicProps{
			DisplayName: jsii.String("imgprep alarms (" + s.Config.StackName + ")"),
			EnforceSSL:  jsii.Bool(true),
		})
		topic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(s.Config.AlarmEmail), nil))
		s.AlarmTopic = topic
	}

	filter := awslogs.NewMetricFilter(s.Stack, jsii.String("QuarantineMetricFilter"), &awslogs.MetricFilterProps{
		LogGroup:        s.FunctionLogs["quarantine"],
		FilterPattern:   awslogs.FilterPattern_StringValue(jsii.String("$.message"), jsii.String("="), jsii.String(quarantineLogMessage)),
		MetricNamespace: jsii.String(metricNamespace(s.Config.StackName)),
		MetricName:      jsii.String(quarantineMetricName),
		MetricValue:     jsii.String("1"),
		DefaultValue:    jsii.Number(0),
	})
	s.QuarantineMetric = filter.Metric(&awscloudwatch.MetricOptions{
		Statistic: jsii.String("Sum"), Period: fiveMinutes, Label: jsii.String("quarantined inputs"),
	})

	s.alarms()
	s.dashboard()
}

func sum(label string) *awscloudwatch.MetricOptions {
	return &awscloudwatch.MetricOptions{Statistic: jsii.String("Sum"), Period: fiveMinutes, Label: jsii.String(label)}
}

// alarm fires when metric reaches 1 in a five-minute period; no data is
// not a breach (an idle pipeline is healthy).
func (s *Stack) alarm(id, description string, metric awscloudwatch.IMetric) {
	a := awscloudwatch.NewAlarm(s.Stack, jsii.String(id), &awscloudwatch.AlarmProps{
		AlarmDescription:   jsii.String(description),
		Metric:             metric,
		Threshold:          jsii.Number(1),
		EvaluationPeriods:  jsii.Number(1),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
	})
	if s.AlarmTopic != nil {
		a.AddAlarmAction(awscloudwatchactions.NewSnsAction(s.AlarmTopic))
	}
	s.Alarms[id] = a
}

// failures is failed + timed-out + aborted executions of sm.
func failures(sm awsstepfunctions.StateMachine, label string) awscloudwatch.IMetric {
	return awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
		Expression: jsii.String("FILL(f, 0) + FILL(t, 0) + FILL(a, 0)"),
		UsingMetrics: &map[string]awscloudwatch.IMetric{
			"f": sm.MetricFailed(sum("failed")),
			"t": sm.MetricTimedOut(sum("timed out")),
			"a": sm.MetricAborted(sum("aborted")),
		},
		Label:  jsii.String(label),
		Period: fiveMinutes,
	})
}

func (s *Stack) alarms() {
	// A rejected input also fails its execution (after its quarantine
	// record is written), so this fires on bad uploads as well as on faults:
	// the record under quarantine/ says which.
	s.alarm("IngestFailedAlarm", "imgprep ingest executions failed, timed out or were aborted (see quarantine/ in the output bucket and the ingest log group)",
		failures(s.Ingest, "ingest failures"))
	if s.Reprocess != nil {
		s.alarm("ReprocessFailedAlarm", "imgprep bulk reprocess executions failed, timed out or were aborted",
			failures(s.Reprocess, "reprocess failures"))
	}
	s.alarm("DeadLetterQueueAlarm", "uploads whose workflow EventBridge could not start after 24 h of retries are waiting in the dead-letter queue",
		s.DeadLetterQueue.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{
			Statistic: jsii.String("Maximum"), Period: fiveMinutes, Label: jsii.String("dead letters"),
		}))

	// Throttles of any function or of the ingest machine, as one number.
	using := map[string]awscloudwatch.IMetric{"sfn": s.Ingest.MetricThrottled(sum("ingest throttled"))}
	expr := "FILL(sfn, 0)"
	for _, f := range statemachine.Functions {
		id := "l" + f.Handler
		using[id] = s.Functions[f.Handler].MetricThrottles(sum(f.Handler + " throttles"))
		expr += fmt.Sprintf(" + FILL(%s, 0)", id)
	}
	s.alarm("ThrottlesAlarm", "imgprep Lambda invocations or ingest executions were throttled (retried, but a sign of a concurrency limit)",
		awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
			Expression: jsii.String(expr), UsingMetrics: &using, Label: jsii.String("throttles"), Period: fiveMinutes,
		}))
}

func (s *Stack) dashboard() {
	s.Dashboard = awscloudwatch.NewDashboard(s.Stack, jsii.String("Dashboard"), &awscloudwatch.DashboardProps{
		DashboardName: jsii.String(s.Config.StackName),
	})
	graph := func(title string, metrics ...awscloudwatch.IMetric) awscloudwatch.IWidget {
		return awscloudwatch.NewGraphWidget(&awscloudwatch.GraphWidgetProps{
			Title: jsii.String(title), Left: &metrics, Width: jsii.Number(8), Height: jsii.Number(6),
		})
	}
	executions := func(sm awsstepfunctions.StateMachine) []awscloudwatch.IMetric {
		return []awscloudwatch.IMetric{
			sm.MetricStarted(sum("started")), sm.MetricSucceeded(sum("succeeded")),
			sm.MetricFailed(sum("failed")), sm.MetricTimedOut(sum("timed out")),
		}
	}
	pct := func(p string) *awscloudwatch.MetricOptions {
		return &awscloudwatch.MetricOptions{Statistic: jsii.String(p), Period: fiveMinutes, Label: jsii.String(p)}
	}
	var errs, throttles, durations []awscloudwatch.IMetric
	for _, f := range statemachine.Functions {
		fn := s.Functions[f.Handler]
		errs = append(errs, fn.MetricErrors(sum(f.Handler)))
		throttles = append(throttles, fn.MetricThrottles(sum(f.Handler)))
		durations = append(durations, fn.MetricDuration(&awscloudwatch.MetricOptions{
			Statistic: jsii.String("p95"), Period: fiveMinutes, Label: jsii.String(f.Handler + " p95"),
		}))
	}
	var alarms []interfacesawscloudwatch.IAlarmRef
	for _, id := range sortedKeys(s.Alarms) {
		alarms = append(alarms, s.Alarms[id])
	}

	s.Dashboard.AddWidgets(
		graph("Ingest executions", executions(s.Ingest)...),
		graph("Ingest duration (ms)", s.Ingest.MetricTime(pct("p50")), s.Ingest.MetricTime(pct("p95"))),
		awscloudwatch.NewAlarmStatusWidget(&awscloudwatch.AlarmStatusWidgetProps{
			Title: jsii.String("Alarms"), Alarms: &alarms, Width: jsii.Number(8), Height: jsii.Number(6),
		}),
	)
	s.Dashboard.AddWidgets(
		graph("Lambda errors by task", errs...),
		graph("Lambda throttles by task", throttles...),
		graph("Lambda duration p95 by task (ms)", durations...),
	)
	row := []awscloudwatch.IWidget{
		graph("Quarantined inputs", s.QuarantineMetric),
		graph("Dead-letter queue depth", s.DeadLetterQueue.MetricApproximateNumberOfMessagesVisible(&awscloudwatch.MetricOptions{
			Statistic: jsii.String("Maximum"), Period: fiveMinutes, Label: jsii.String("messages"),
		})),
	}
	if s.Reprocess != nil {
		row = append(row, graph("Reprocess executions", executions(s.Reprocess)...))
	}
	s.Dashboard.AddWidgets(row...)
}
