package watch

import (
	"fmt"
	"os"
	"path/filepath"
)

// Beacon lets a watcher that runs outside the service (`spacekeep watch
// run` in a terminal) be seen by `watch status` in another: while it
// holds an exclusive lock on dir/run.lock, dir/run.json holds its latest
// status. The system drops the lock of a process that died, so a stale
// status file is never taken for a running watcher.
type Beacon struct {
	dir  string
	lock *os.File
}

const (
	beaconLock   = "run.lock"
	beaconStatus = "run.json"
)

// Announce takes the beacon in dir. ok is false when another watcher holds
// it (that one is the one shown).
func Announce(dir string) (b *Beacon, ok bool, err error) {
	if dir == "" {
		return nil, false, fmt.Errorf("watch beacon: no folder")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("watch beacon: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, beaconLock), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("watch beacon: %w", err)
	}
	if ok, err := tryLock(f); err != nil || !ok {
		f.Close()
		return nil, false, err
	}
	return &Beacon{dir: dir, lock: f}, true, nil
}

// Publish replaces the status shown (atomically: a reader never sees half).
func (b *Beacon) Publish(status []byte) error {
	tmp, err := os.CreateTemp(b.dir, beaconStatus+".*")
	if err != nil {
		return fmt.Errorf("watch beacon: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	if _, err := tmp.Write(status); err != nil {
		tmp.Close()
		return fmt.Errorf("watch beacon: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("watch beacon: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(b.dir, beaconStatus)); err != nil {
		return fmt.Errorf("watch beacon: %w", err)
	}
	return nil
}

// Close removes the status and lets the beacon go.
func (b *Beacon) Close() error {
	os.Remove(filepath.Join(b.dir, beaconStatus))
	return b.lock.Close()
}

// Running returns the status a running watcher published in dir; ok is
// false when none runs.
func Running(dir string) (status []byte, ok bool) {
	if dir == "" {
		return nil, false
	}
	f, err := os.OpenFile(filepath.Join(dir, beaconLock), os.O_RDWR, 0)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	if free, err := tryLock(f); err != nil || free {
		return nil, false // closing f lets our own lock go
	}
	data, err := os.ReadFile(filepath.Join(dir, beaconStatus))
	if err != nil {
		return nil, false
	}
	return data, true
}
