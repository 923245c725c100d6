package asl_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/imgprep/imgprep/statemachine/asl"
)

// BenchmarkPassChain reports state transitions per second through a chain
// of Pass states that each use Parameters and ResultPath, with the full
// history recorded. Run: go test -run ^$ -bench PassChain -cpu 1 ./statemachine/asl
func BenchmarkPassChain(b *testing.B) {
	const n = 100
	var sb strings.Builder
	sb.WriteString(`{"StartAt":"S0","States":{`)
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteString(",")
		}
		next := fmt.Sprintf(`"Next":"S%d"`, i+1)
		if i == n-1 {
			next = `"End":true`
		}
		fmt.Fprintf(&sb, `"S%d":{"Type":"Pass","Parameters":{"n.$":"$.n","key.$":"$.key","step":%d},"ResultPath":"$.last",%s}`, i, i, next)
	}
	sb.WriteString("}}")
	m, err := asl.Parse([]byte(sb.String()))
	if err != nil {
		b.Fatal(err)
	}
	eng := &asl.Engine{}
	input := []byte(`{"n":1,"key":"uploads/cat.jpg"}`)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res := eng.Execute(context.Background(), m, input, asl.ExecutionOptions{Name: "bench"}); res.Status != asl.StatusSucceeded {
			b.Fatalf("status %s %s", res.Status, res.Cause)
		}
	}
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "transitions/s")
}
