package merge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spacekeep/spacekeep/protocol"
)

// DefaultStall is how long ffmpeg may write nothing, while it has audio to
// encode, before it counts as hung: an mp3 encoder writes every second.
const DefaultStall = 60 * time.Second

// runFFmpeg starts ffmpeg, feeds it the cleaned chunks and waits for it,
// killing it if it hangs (see watchdog). It returns the seconds of audio fed.
func runFFmpeg(ctx context.Context, ffmpeg string, args []string, src source, total int64, progress func(done, total int64), list *chunkList, stall time.Duration, out string) (float64, error) {
	cmd := exec.CommandContext(ctx, ffmpeg, args...)
	// Our stdout carries native-messaging frames: ffmpeg must never write
	// there. A nil Stdout is /dev/null (NUL on Windows).
	cmd.Stdout = nil
	stderr := newTail(stderrTail)
	cmd.Stderr = stderr
	cmd.WaitDelay = waitDelay
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return 0, protocol.Errorf(protocol.CodeInternal, "ffmpeg stdin: %w", err)
	}
	if err := cmd.Start(); err != nil {
		code := protocol.CodeFFmpegFailed
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrPermission) {
			code = protocol.CodeFFmpegMissing
		}
		return 0, protocol.Errorf(code, "start %s: %w", ffmpeg, err)
	}
	wd := newWatchdog(out, stall, func() { cmd.Process.Kill() })
	defer wd.stop()

	sink := func(audio []byte) error {
		if _, err := wd.writer(stdin).Write(audio); err != nil {
			// ffmpeg has exited: its stderr, not the pipe, will say why.
			return fmt.Errorf("write to ffmpeg: %w", err)
		}
		return nil
	}
	fed, feedErr := feed(ctx, sink, src, total, progress, list)
	wd.busy(true) // from here on ffmpeg only has to finish the file
	stdin.Close() // EOF tells ffmpeg to finish the file
	if feedErr != nil {
		// Do not wait for ffmpeg to finish a file we are going to discard.
		cmd.Process.Kill()
	}
	waitErr := cmd.Wait()

	switch {
	case ctx.Err() != nil:
		return 0, protocol.NewError(protocol.CodeCancelled, ctx.Err())
	case wd.fired():
		return 0, protocol.Errorf(protocol.CodeFFmpegFailed, "ffmpeg hung: it wrote nothing for %s, so it was stopped", stall)
	case feedErr != nil && hasCode(feedErr):
		return 0, feedErr // a chunk we could not read or clean
	case waitErr != nil || feedErr != nil:
		return 0, ffmpegError(stderr, errors.Join(waitErr, feedErr))
	}
	return fed, nil
}

// watchdog kills a hung ffmpeg. ffmpeg may rightly write nothing while it
// waits for a chunk still downloading, so the clock only runs while it is
// busy: while a write to its stdin blocks, and once stdin is closed. Any
// growth of the output file resets it.
type watchdog struct {
	out   string
	stall time.Duration
	kill  func()

	mu       sync.Mutex
	isBusy   bool
	since    time.Time // start of the current busy spell, or last output growth
	size     int64
	done     chan struct{}
	stopOnce sync.Once
	hasFired atomic.Bool
}

func newWatchdog(out string, stall time.Duration, kill func()) *watchdog {
	w := &watchdog{out: out, stall: stall, kill: kill, done: make(chan struct{}), size: -1}
	tick := min(stall/4, time.Second)
	go w.watch(max(tick, 10*time.Millisecond))
	return w
}

func (w *watchdog) watch(tick time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-w.done:
			return
		case now := <-t.C:
			var size int64 = -1
			if fi, err := os.Stat(w.out); err == nil {
				size = fi.Size()
			}
			w.mu.Lock()
			if size != w.size {
				w.size, w.since = size, now
			}
			hung := w.isBusy && now.Sub(w.since) > w.stall
			w.mu.Unlock()
			if hung {
				w.hasFired.Store(true)
				w.kill()
				return
			}
		}
	}
}

// busy starts (or ends) a spell in which ffmpeg has work to do.
func (w *watchdog) busy(b bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if b && !w.isBusy {
		w.since = time.Now()
	}
	w.isBusy = b
}

// writer returns wr with each Write counted as a busy spell.
func (w *watchdog) writer(wr io.Writer) io.Writer {
	return writerFunc(func(p []byte) (int, error) {
		w.busy(true)
		defer w.busy(false)
		return wr.Write(p)
	})
}

func (w *watchdog) fired() bool { return w.hasFired.Load() }

func (w *watchdog) stop() { w.stopOnce.Do(func() { close(w.done) }) }

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
