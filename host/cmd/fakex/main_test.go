package main

import "testing"

func TestParseBytes(t *testing.T) {
	good := map[string]int64{
		"0": 0, "500000": 500000, "500KB": 500000, "1MB": 1000000, "1mb": 1000000, "2M": 2000000,
		"1MiB": 1 << 20, "1.5MB": 1500000, "64KiB/s": 65536, "1 MB": 1000000,
	}
	for in, want := range good {
		got, err := parseBytes(in)
		if err != nil || got != want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "fast", "1XB", "-5", "MB"} {
		if v, err := parseBytes(in); err == nil {
			t.Errorf("parseBytes(%q) = %d, want an error", in, v)
		}
	}
}
