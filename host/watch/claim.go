package watch

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
)

var spaceIDRE = regexp.MustCompile(`^[A-Za-z0-9]{1,32}$`)

// FileClaimer claims a Space with an exclusive lock on dir/<space>.lock,
// held until release or the process's end (the system drops the lock of a
// process that died), so that two watchers on one machine (the service,
// the browser's host, `spacekeep watch run`) record a Space once.
func FileClaimer(dir string) Claimer {
	return func(space string) (func(), bool, error) {
		if !spaceIDRE.MatchString(space) {
			return nil, false, fmt.Errorf("claim: odd Space id %q", space)
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, false, fmt.Errorf("claim: create %s: %w", dir, err)
		}
		f, err := os.OpenFile(filepath.Join(dir, space+".lock"), os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, false, fmt.Errorf("claim: %w", err)
		}
		ok, err := tryLock(f)
		if err != nil || !ok {
			f.Close()
			return nil, false, err
		}
		// The file stays (removing it would race another claimer's open).
		return func() { f.Close() }, true, nil
	}
}
