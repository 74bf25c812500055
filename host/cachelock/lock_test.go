package cachelock

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func TestSecondHolderIsToldWhoHoldsIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "space.lock")
	first, err := TryAcquire(path, "pid 1, spacekeep download")
	if err != nil {
		t.Fatal(err)
	}
	_, err = TryAcquire(path, "pid 2")
	var busy *BusyError
	if !errors.As(err, &busy) || busy.Owner != "pid 1, spacekeep download" {
		t.Fatalf("second TryAcquire: %v, want busy naming the first", err)
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	second, err := TryAcquire(path, "pid 2")
	if err != nil {
		t.Fatalf("after Release: %v", err)
	}
	defer second.Release()
	if got := Owner(path); got != "pid 2" {
		t.Errorf("Owner %q, want the new holder (the old name overwritten)", got)
	}
}

func TestAcquireWaitsForTheHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "space.lock")
	first, err := TryAcquire(path, "the first")
	if err != nil {
		t.Fatal(err)
	}
	told := make(chan string, 1)
	got := make(chan error, 1)
	go func() {
		l, err := Acquire(context.Background(), path, "the second", 5*time.Millisecond, func(o string) { told <- o })
		if err == nil {
			defer l.Release()
		}
		got <- err
	}()
	if o := <-told; o != "the first" {
		t.Errorf("waiting for %q, want the first", o)
	}
	select {
	case err := <-got:
		t.Fatalf("Acquire returned %v while the first still holds the lock", err)
	case <-time.After(50 * time.Millisecond):
	}
	first.Release()
	if err := <-got; err != nil {
		t.Fatalf("Acquire after the release: %v", err)
	}
}

func TestAcquireGivesUpWithItsContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "space.lock")
	first, err := TryAcquire(path, "the first")
	if err != nil {
		t.Fatal(err)
	}
	defer first.Release()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	if _, err := Acquire(ctx, path, "x", 5*time.Millisecond, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Acquire: %v, want the context's error", err)
	}
}
