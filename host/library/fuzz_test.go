package library

import (
	"context"
	"testing"
)

// FuzzSearchQuery: whatever a person (or a page) types into the search
// box is text: Search never fails with a database error on it.
func FuzzSearchQuery(f *testing.F) {
	for _, s := range []string{"borrow", "rust talk", `"`, `a" OR "b`, "NEAR(a b)", "a*", "-x", "col:x", "\x00", "borrow\x00checker",
		"(", ")", "^x", "a AND", "\xff\xfe", "'; DROP TABLE spaces; --", "🎙️ talk", "\u2028x", "a\tb\r\nc", "{a b}"} {
		f.Add(s)
	}
	l := open(f)
	ctx := context.Background()
	if err := l.Add(ctx, sample(1, "alice"), f.TempDir()); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if _, err := l.Search(ctx, q, Filter{Limit: 5}); err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
	})
}
