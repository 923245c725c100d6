package asltest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/imgprep/imgprep/statemachine/asl"
)

func TestS3ListPages(t *testing.T) {
	s := &S3{}
	for _, k := range []string{"p/c", "p/a", "q/x", "p/b"} {
		s.Put("b", k, []byte(k))
	}
	var got []string
	token, pages := "", 0
	for {
		page, err := s.ListObjectsV2(context.Background(), "b", "p/", token, 2)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, o := range page.Objects {
			got = append(got, o.Key)
		}
		if page.NextToken == "" {
			break
		}
		token = page.NextToken
	}
	if want := []string{"p/a", "p/b", "p/c"}; len(got) != 3 || got[0] != want[0] || got[2] != want[2] || pages != 2 {
		t.Errorf("keys: got %v in %d pages, want %v in 2", got, pages, want)
	}
	if _, err := s.ListObjectsV2(context.Background(), "nope", "", "", 0); err == nil {
		t.Error("listing a missing bucket: got no error, want one")
	}
}

func TestLambdasBehaviours(t *testing.T) {
	l := &Lambdas{Functions: map[string]Behaviour{
		"arn:aws:lambda:us-east-1:111111111111:function:id":    {Behaviour: "identity"},
		"arn:aws:lambda:us-east-1:111111111111:function:const": {Behaviour: "constant", Result: []byte(`{"a":1}`)},
		"arn:aws:lambda:us-east-1:111111111111:function:err":   {Behaviour: "raise", ErrorType: "E", ErrorMessage: "m"},
	}}
	ctx := context.Background()
	if out, _ := l.InvokeLambda(ctx, "arn:aws:lambda:eu-west-1:222222222222:function:id", []byte(`[1]`)); string(out) != `[1]` {
		t.Errorf("identity by name: got %s, want [1]", out)
	}
	if out, _ := l.InvokeLambda(ctx, "arn:aws:lambda:us-east-1:111111111111:function:const", nil); string(out) != `{"a":1}` {
		t.Errorf("constant: got %s", out)
	}
	var fe *asl.LambdaFunctionError
	if _, err := l.InvokeLambda(ctx, "arn:aws:lambda:us-east-1:111111111111:function:err", nil); !errors.As(err, &fe) || fe.ErrorType != "E" {
		t.Errorf("raise: got %v, want LambdaFunctionError E", err)
	}
	var se *asl.LambdaServiceError
	if _, err := l.InvokeLambda(ctx, "arn:aws:lambda:us-east-1:111111111111:function:nope", nil); !errors.As(err, &se) || se.Message != "Function not found: arn:aws:lambda:us-east-1:111111111111:function:nope:$LATEST" {
		t.Errorf("missing: got %v, want ResourceNotFoundException naming :$LATEST", err)
	}
}

func TestClock(t *testing.T) {
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	c := NewClock(start)
	a, b := c.After(2*time.Second), c.After(time.Second)
	if d, ok := c.NextIn(time.Second); !ok || d != time.Second {
		t.Fatalf("NextIn: got %v %v, want 1s", d, ok)
	}
	c.Advance(time.Second)
	select {
	case <-b:
	default:
		t.Error("1s timer did not fire after 1s")
	}
	select {
	case <-a:
		t.Error("2s timer fired after 1s")
	default:
	}
	c.Advance(time.Second)
	if got := <-a; !got.Equal(start.Add(2 * time.Second)) {
		t.Errorf("2s timer: got %v, want %v", got, start.Add(2*time.Second))
	}
	if c.Pending() != 0 {
		t.Errorf("pending: got %d, want 0", c.Pending())
	}
}
