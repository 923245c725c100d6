package stack

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/imgprep/imgprep/local/sfnapi"
)

// TestIngestExecutionsThroughSFNAPI: what an upload started can be listed,
// described and its history read with the SDK's sfn client, as against AWS.
func TestIngestExecutionsThroughSFNAPI(t *testing.T) {
	st := startStack(t, t.TempDir())
	defer st.Close()
	oc := watch(st)
	etag := put(t, st, "traced.png", colourPNG(t, 80, 60))
	o := oc.wait(t, "traced.png", etag)

	ctx := context.Background()
	client := sfn.New(sfn.Options{Region: DefaultRegion, Credentials: credentials.NewStaticCredentialsProvider(DefaultAccessKey, DefaultSecretKey, "")},
		sfnapi.ClientOptions(st.APIEndpoint()))
	machines, err := client.ListStateMachines(ctx, &sfn.ListStateMachinesInput{})
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]sfntypes.StateMachineType{}
	for _, m := range machines.StateMachines {
		types[aws.ToString(m.Name)] = m.Type
	}
	if types[IngestMachineName] != sfntypes.StateMachineTypeExpress || types[ReprocessMachineName] != sfntypes.StateMachineTypeStandard {
		t.Errorf("state machines: got %v, want ingest EXPRESS and reprocess STANDARD", types)
	}

	list, err := client.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(st.IngestARN())})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Executions) != 1 || aws.ToString(list.Executions[0].ExecutionArn) != o.Execution {
		t.Fatalf("ListExecutions: got %+v, want the one execution %s", list.Executions, o.Execution)
	}
	d, err := client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: &o.Execution})
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != sfntypes.ExecutionStatusSucceeded || d.StopDate == nil {
		t.Errorf("DescribeExecution: got %s, stop %v, want SUCCEEDED with a stop date", d.Status, d.StopDate)
	}
	h, err := client.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: &o.Execution})
	if err != nil {
		t.Fatal(err)
	}
	var entered []string
	for i, e := range h.Events {
		if e.Id != int64(i+1) {
			t.Errorf("event %d has id %d, want %d", i, e.Id, i+1)
		}
		if e.Type == sfntypes.HistoryEventTypeTaskStateEntered {
			entered = append(entered, aws.ToString(e.StateEnteredEventDetails.Name))
		}
	}
	want := []string{"Validate", "Grayscale", "Resize", "Store"}
	if len(entered) != len(want) {
		t.Fatalf("task states entered: got %v, want %v", entered, want)
	}
	for i := range want {
		if entered[i] != want[i] {
			t.Errorf("task states entered: got %v, want %v", entered, want)
		}
	}
	if first, last := h.Events[0].Type, h.Events[len(h.Events)-1].Type; first != sfntypes.HistoryEventTypeExecutionStarted || last != sfntypes.HistoryEventTypeExecutionSucceeded {
		t.Errorf("history runs from %s to %s, want ExecutionStarted to ExecutionSucceeded", first, last)
	}
}
