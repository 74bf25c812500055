// Package job runs downloads: resolve the Space, fetch its chunks, merge them
// into a file, and report events. The native host and the CLI drive jobs only
// through Driver, so that the jobs can later live in a background service.
package job

import (
	"context"

	"github.com/spacekeep/spacekeep/protocol"
)

// Driver runs download jobs and reports their events.
type Driver interface {
	// Start queues a download and returns its job id at once.
	Start(req protocol.DownloadStart) (string, error)
	// Cancel stops a job; its cache stays so that a new start resumes it.
	// A live recording is stopped and kept: it ends with job.done.
	Cancel(id string) error
	// List returns the latest event of every job this driver knows.
	List() []protocol.JobStatus
	// Subscribe calls fn for every event until unsubscribe is called. fn must not block.
	Subscribe(fn func(protocol.Event)) (unsubscribe func())
	// SpaceInfo looks a Space up without downloading it.
	SpaceInfo(ctx context.Context, q protocol.SpaceQuery) (protocol.SpaceInfo, error)
	// Close cancels running jobs (their cache stays for resume) and waits for them.
	Close()
}
