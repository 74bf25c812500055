package library

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// seeded is a library of n Spaces by 20 hosts, each with captions.
func seeded(b *testing.B, n int) *Library {
	b.Helper()
	ctx := context.Background()
	l, err := Open(ctx, filepath.Join(b.TempDir(), "library.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { l.Close() })
	dir := b.TempDir()
	var batch []Entry
	for i := range n {
		batch = append(batch, Entry{sample(i, fmt.Sprintf("host%d", i%20)), dir})
		if len(batch) == 500 {
			if err := l.AddAll(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = nil
		}
	}
	if err := l.AddAll(ctx, batch); err != nil {
		b.Fatal(err)
	}
	return l
}

// BenchmarkList5000 is one page of the Library page over 5,000 Spaces,
// deep in the list and for one host.
func BenchmarkList5000(b *testing.B) {
	l := seeded(b, 5000)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		f := Filter{Offset: (i * 50) % 5000, Limit: 50}
		if i%2 == 1 {
			f.Host = "host7"
			f.Offset = 0
		}
		p, err := l.List(ctx, f)
		if err != nil || len(p.Items) != 50 {
			b.Fatalf("%d items, %v", len(p.Items), err)
		}
	}
}

// BenchmarkSearch5000 searches captions and titles of 5,000 Spaces.
func BenchmarkSearch5000(b *testing.B) {
	l := seeded(b, 5000)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		q := "borrow checker"
		if i%2 == 1 {
			q = fmt.Sprintf("number %d", i%5000)
		}
		p, err := l.Search(ctx, q, Filter{Limit: 50})
		if err != nil || p.Total == 0 {
			b.Fatalf("%q: %d, %v", q, p.Total, err)
		}
	}
}

// BenchmarkStats5000 is the statistics of 5,000 Spaces.
func BenchmarkStats5000(b *testing.B) {
	l := seeded(b, 5000)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := l.Stats(ctx, Filter{}); err != nil {
			b.Fatal(err)
		}
	}
}
