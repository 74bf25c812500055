// Package nmhost is the native-messaging session: it greets the extension,
// reads request frames, answers each with exactly one reply and forwards job
// events, coalescing progress so that a slow browser never blocks a
// download. All I/O is passed in, so tests run on pipes and buffers.
package nmhost

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/host/job"
	"github.com/spacekeep/spacekeep/host/merge"
	"github.com/spacekeep/spacekeep/protocol"
)

// Capabilities are announced in hello.
var Capabilities = []string{
	protocol.CapDownload, protocol.CapCancel, protocol.CapReveal, protocol.CapOpen,
	protocol.CapSettings, protocol.CapDoctor, protocol.CapSpaceInfo, protocol.CapPageSpaces,
}

// Opener shows files to the user. The default starts the platform's file
// manager or default application.
type Opener interface {
	Reveal(path string) error // show the file selected in its folder
	Open(path string) error   // open the file with its default application
}

// Options configure a session. The zero value works.
type Options struct {
	// Version is the host's version, sent in hello.
	Version string
	// Logger receives the session's log; it must never write to out.
	Logger zerolog.Logger
	// SettingsDir holds settings.json; empty means settings.Dir().
	SettingsDir string
	// FFmpeg is an explicit ffmpeg path for hello (else merge.FindFFmpeg's search).
	FFmpeg string
	// Doctor builds the doctor report; nil answers a report of ffmpeg only.
	Doctor func(ctx context.Context) protocol.Doctor
	// Opener reveals and opens files; nil means the platform's.
	Opener Opener
	// KnownFile vouches for files spacekeep wrote that no job of this
	// host reports (the library's, say): file.reveal and file.open show
	// only those and the files of known jobs. Nil vouches for none.
	KnownFile func(path string) bool
	// ProgressInterval is the least time between two progress frames of one
	// job; 0 means 250ms (four a second).
	ProgressInterval time.Duration
	// SpaceInfoTimeout bounds a space.info request; 0 means 30s.
	SpaceInfoTimeout time.Duration
	// Library opens the library of kept Spaces for the library.* requests;
	// nil answers them with unknown_type.
	Library LibraryOpener
	// LibraryServer answers library.serve; nil starts a server of Library
	// for this session (it stops when the session ends).
	LibraryServer LibraryServer
	// KeepJobs leaves the driver open when the session ends: the background
	// service serves many sessions on one driver, whose jobs outlive them.
	KeepJobs bool
	// Watch answers the watch.* requests and sends watch.live events; nil
	// means this host does not watch (no "watch" capability).
	Watch Watcher
	// Search answers spaces.search (X's Space search); nil means this
	// host does not search (no "search" capability).
	Search Searcher
}

// ErrFrameTooLarge is returned by Serve when the extension sent a frame over
// protocol.MaxIncoming: the stream cannot be resynchronised.
var ErrFrameTooLarge = errors.New("incoming frame too large")

// Serve runs one session: hello first, then requests from in until it
// ends. At the end of in it closes d (cancelling running jobs, whose cache
// stays for resume; not with opts.KeepJobs), writes the events that
// produced, and returns nil. It
// returns an error when in breaks mid-frame or sends an oversized frame,
// and ctx.Err() when ctx is cancelled.
func Serve(ctx context.Context, in io.Reader, out io.Writer, d job.Driver, opts Options) error {
	if opts.ProgressInterval <= 0 {
		opts.ProgressInterval = 250 * time.Millisecond
	}
	if opts.SpaceInfoTimeout <= 0 {
		opts.SpaceInfoTimeout = 30 * time.Second
	}
	if opts.Opener == nil {
		opts.Opener = systemOpener{}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := &session{
		ctx:      ctx,
		d:        d,
		w:        protocol.NewWriter(out),
		log:      opts.Logger,
		opts:     opts,
		produced: map[string]bool{},
	}
	s.opts.KnownFile = s.withLibraryFiles(opts.KnownFile)
	// Subscribe before hello so that no event is missed, but hold the
	// events until hello is out: it is always the first frame.
	s.pump = newPump(opts.ProgressInterval, s.writeEvent)
	s.pump.pause()
	unsubscribe := d.Subscribe(s.onEvent)
	defer s.subscribeWatch()()
	if err := s.w.WriteFrame(s.hello()); err != nil {
		unsubscribe()
		if !opts.KeepJobs {
			d.Close()
		}
		s.pump.resume()
		s.pump.close()
		return fmt.Errorf("write hello: %w", err)
	}
	s.pump.resume()

	err := s.readLoop(in)

	// The browser is gone or the stream is unusable: stop the jobs (their
	// cache stays), let in-flight handlers finish, flush the last events.
	// A session of the background service leaves the jobs running.
	if !opts.KeepJobs {
		d.Close()
	}
	cancel()
	s.handlers.Wait()
	s.closeLibrary()
	unsubscribe()
	s.pump.close()
	return err
}

type session struct {
	ctx  context.Context
	d    job.Driver
	w    *protocol.Writer
	log  zerolog.Logger
	opts Options
	pump *pump

	handlers   sync.WaitGroup
	settingsMu sync.Mutex // serialises settings.set's read-modify-write

	mu       sync.Mutex
	produced map[string]bool // files of job.done events: file.reveal/open may show them

	lib libraryState
}

func (s *session) hello() protocol.Hello {
	h := protocol.Hello{
		Type:         protocol.TypeHello,
		Version:      s.opts.Version,
		Protocol:     protocol.Version,
		Capabilities: Capabilities,
	}
	h.Capabilities = append([]string(nil), Capabilities...)
	if s.opts.Library != nil {
		h.Capabilities = append(h.Capabilities, protocol.CapLibrary)
	}
	if s.opts.Watch != nil {
		h.Capabilities = append(h.Capabilities, protocol.CapWatch)
	}
	if s.opts.Search != nil {
		h.Capabilities = append(h.Capabilities, protocol.CapSearch)
	}
	// Found or not is a stat; its version would cost an ffmpeg start
	// (~100 ms) before the first frame, so the doctor request reports it.
	if _, err := merge.FindFFmpeg(s.opts.FFmpeg); err == nil {
		h.FFmpeg = true
	}
	return h
}

// onEvent is the driver's callback: it must not block.
func (s *session) onEvent(e protocol.Event) {
	if e.Type == protocol.TypeJobDone && e.Path != "" {
		s.mu.Lock()
		s.produced[e.Path] = true
		for _, f := range e.Files {
			s.produced[f] = true
		}
		s.mu.Unlock()
	}
	s.pump.push(e)
}

func (s *session) writeEvent(e protocol.Event) {
	if err := s.w.WriteFrame(e); err != nil && s.w.Err() == nil {
		s.log.Error().Err(err).Str("type", e.Type).Str("job", e.Job).Msg("could not send event")
	}
}

type frameOrErr struct {
	body []byte
	err  error
}

// readLoop reads frames until the input ends, breaks or ctx is cancelled.
// The read runs in its own goroutine because a read from stdin cannot be
// interrupted.
func (s *session) readLoop(in io.Reader) error {
	frames := make(chan frameOrErr)
	go func() {
		for {
			body, err := protocol.ReadFrame(in)
			select {
			case frames <- frameOrErr{body, err}:
			case <-s.ctx.Done():
				return
			}
			if protocol.IsFatal(err) {
				return
			}
		}
	}()
	for {
		var f frameOrErr
		select {
		case <-s.ctx.Done():
			return s.ctx.Err()
		case f = <-frames:
		}
		switch {
		case f.err == nil:
			s.dispatch(f.body)
		case errors.Is(f.err, io.EOF):
			s.log.Info().Msg("input closed: ending the session")
			return nil
		case protocol.CodeOf(f.err) == protocol.CodeFrameTooLarge:
			s.log.Error().Err(f.err).Msg("oversized frame: ending the session")
			s.reply(nil, nil, protocol.NewError(protocol.CodeFrameTooLarge, f.err))
			return fmt.Errorf("%w: %v", ErrFrameTooLarge, f.err)
		case !protocol.IsFatal(f.err):
			s.log.Warn().Err(f.err).Msg("malformed frame")
			s.reply(nil, nil, protocol.AsError(f.err))
		default:
			s.log.Error().Err(f.err).Msg("input broken: ending the session")
			return fmt.Errorf("read request: %w", f.err)
		}
	}
}

// reply writes the one answer to a request. A result too large for a frame
// is answered with frame_too_large instead.
func (s *session) reply(id json.RawMessage, result any, err error) {
	if id == nil {
		id = json.RawMessage("null")
	}
	r := protocol.Reply{ID: id, OK: err == nil}
	if err != nil {
		e := protocol.AsError(err)
		r.Error = &protocol.Error{Code: e.Code, Message: e.Message}
		if e.Code == protocol.CodeInternal {
			// An internal error's text is for the log, not for people.
			r.Error.Message = protocol.Messages[protocol.CodeInternal]
			s.log.Error().Err(err).RawJSON("id", id).Msg("internal error")
		}
	} else {
		if result == nil {
			result = protocol.Empty{}
		}
		r.Result = result
	}
	werr := s.w.WriteFrame(r)
	if protocol.CodeOf(werr) == protocol.CodeFrameTooLarge {
		s.log.Error().Err(werr).RawJSON("id", id).Msg("reply too large")
		werr = s.w.WriteFrame(protocol.Reply{ID: id, Error: &protocol.Error{
			Code: protocol.CodeFrameTooLarge, Message: protocol.Messages[protocol.CodeFrameTooLarge]}})
	}
	if werr != nil {
		s.log.Error().Err(werr).RawJSON("id", id).Msg("could not send reply")
	}
}

// safeID returns id if it is valid JSON to echo, else null.
func safeID(id json.RawMessage) json.RawMessage {
	if len(id) == 0 || !json.Valid(id) {
		return nil
	}
	return id
}

// recoverTo turns a handler's panic into an internal-error reply.
func (s *session) recoverTo(id json.RawMessage, typ string) {
	if v := recover(); v != nil {
		s.log.Error().Str("type", typ).Str("panic", fmt.Sprint(v)).Str("stack", string(debug.Stack())).Msg("handler panicked")
		s.reply(id, nil, protocol.NewError(protocol.CodeInternal, fmt.Errorf("panic: %v", v)))
	}
}
