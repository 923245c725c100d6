package eventbus

import (
	"errors"
	"math/big"
	"regexp"
	"testing"
)

func TestToMicro(t *testing.T) {
	for _, tc := range []struct {
		text    string
		want    int64
		wantErr error
	}{
		{"0", 0, nil},
		{"-0", 0, nil},
		{"0.0e5", 0, nil},
		{"0e99999", 0, nil},
		{"1", 1_000_000, nil},
		{"-1.5", -1_500_000, nil},
		{"3.018e2", 301_800_000, nil},
		{"301.8", 301_800_000, nil},
		{"0.1", 100_000, nil},
		{"0.000001", 1, nil},
		{"1e-6", 1, nil},
		{"1.0000000", 1_000_000, nil},
		{"1e+06", 1_000_000_000_000, nil},
		{"5e11", 500_000_000_000_000_000, nil},
		{"-500000000000", -500_000_000_000_000_000, nil},
		{"500000000000.000001", 0, errNotComparable},
		{"5.000000000001e11", 0, errNotComparable},
		{"6e11", 0, errNotComparable},
		{"1e19", 0, errNotComparable},
		{"1e999999", 0, errNotComparable},
		{"1e99999999999999999999", 0, errNotComparable},
		{"0e99999999999999999999", 0, nil},
		{"0.0000001", 0, errNotComparable},
		{"1e-7", 0, errNotComparable},
		{"", 0, nil},
		{"-", 0, nil},
		{"1.2.3", 0, nil},
		{"1e", 0, nil},
		{"0x10", 0, nil},
	} {
		t.Run(tc.text, func(t *testing.T) {
			got, err := toMicro(tc.text)
			syntax := tc.wantErr == nil && tc.want == 0 && !isZeroText(tc.text)
			switch {
			case syntax:
				if err == nil {
					t.Errorf("toMicro(%q) got %d, want a syntax error", tc.text, got)
				}
			case tc.wantErr != nil:
				if !errors.Is(err, tc.wantErr) {
					t.Errorf("toMicro(%q) got (%d, %v), want %v", tc.text, got, err, tc.wantErr)
				}
			default:
				if err != nil || got != tc.want {
					t.Errorf("toMicro(%q) got (%d, %v), want %d", tc.text, got, err, tc.want)
				}
			}
		})
	}
}

func isZeroText(s string) bool {
	switch s {
	case "0", "-0", "0.0e5", "0e99999", "0e99999999999999999999":
		return true
	}
	return false
}

var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// FuzzToMicro checks toMicro against exact rational arithmetic.
func FuzzToMicro(f *testing.F) {
	for _, s := range []string{"0", "301.8", "3.018e2", "-1e-6", "5e11", "5.0000000000001e11", "1e-7", "123.4560000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 40 || !jsonNumber.MatchString(text) {
			return
		}
		got, err := toMicro(text)
		r, ok := new(big.Rat).SetString(text)
		if !ok {
			return // exponents beyond big.Rat's reach
		}
		micro := new(big.Rat).Mul(r, big.NewRat(1_000_000, 1))
		limit := big.NewRat(microLimit, 1)
		want := micro.IsInt() && micro.Cmp(limit) <= 0 && micro.Cmp(new(big.Rat).Neg(limit)) >= 0
		if want != (err == nil) {
			t.Fatalf("toMicro(%q) got (%d, %v), want comparable=%v", text, got, err, want)
		}
		if want && micro.Num().Int64() != got {
			t.Fatalf("toMicro(%q) got %d, want %s", text, got, micro.Num())
		}
	})
}
