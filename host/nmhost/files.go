package nmhost

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spacekeep/spacekeep/protocol"
)

// file.reveal and file.open start programs on a path the extension sends:
// only files spacekeep itself wrote are allowed (the files of the jobs the
// host knows about, and those Options.KnownFile vouches for), so that a
// compromised page cannot make the host open anything else, not even other
// files of the output folder (which may be "/").

func (s *session) fileReveal(_ context.Context, payload json.RawMessage) (any, error) {
	path, err := s.allowedPath(payload)
	if err != nil {
		return nil, err
	}
	if err := s.opts.Opener.Reveal(path); err != nil {
		return nil, protocol.Errorf(protocol.CodeInternal, "show %s in its folder: %w", path, err)
	}
	return protocol.Empty{}, nil
}

func (s *session) fileOpen(_ context.Context, payload json.RawMessage) (any, error) {
	path, err := s.allowedPath(payload)
	if err != nil {
		return nil, err
	}
	if err := s.opts.Opener.Open(path); err != nil {
		return nil, protocol.Errorf(protocol.CodeInternal, "open %s: %w", path, err)
	}
	return protocol.Empty{}, nil
}

// allowedPath decodes a PathRef and returns its path if the host may show
// it: a regular file (not a symlink) that spacekeep wrote; the error has
// code bad_request.
func (s *session) allowedPath(payload json.RawMessage) (string, error) {
	var ref protocol.PathRef
	if err := decode(payload, &ref); err != nil {
		return "", err
	}
	if ref.Path == "" || !filepath.IsAbs(ref.Path) {
		return "", protocol.Errorf(protocol.CodeBadRequest, "path must be absolute, not %q", ref.Path)
	}
	path := filepath.Clean(ref.Path)
	known := ""
	if s.knownFile(path) {
		known = path
	} else if real, err := filepath.EvalSymlinks(path); err == nil && s.knownFile(real) {
		known = real // the job's folder was named through a symlink
	}
	if known == "" {
		return "", protocol.Errorf(protocol.CodeBadRequest, "%s is not a file spacekeep made", path)
	}
	// The file itself, not whatever a symlink put in its place points to.
	if fi, err := os.Lstat(known); err != nil || !fi.Mode().IsRegular() {
		return "", protocol.Errorf(protocol.CodeBadRequest, "not a file: %s", path)
	}
	return known, nil
}

// knownFile tells whether spacekeep wrote path: a job.done of this session,
// a finished job the driver knows, or a file the KnownFile hook vouches for.
func (s *session) knownFile(path string) bool {
	s.mu.Lock()
	ok := s.produced[path]
	s.mu.Unlock()
	if ok {
		return true
	}
	for _, j := range s.d.List() {
		if j.Type == protocol.TypeJobDone && j.Path != "" && filepath.Clean(j.Path) == path {
			return true
		}
	}
	return s.opts.KnownFile != nil && s.opts.KnownFile(path)
}

// systemOpener starts the platform's file manager or default application.
type systemOpener struct{}

func (systemOpener) Reveal(path string) error { return start(revealCommand(path)) }
func (systemOpener) Open(path string) error   { return start(openCommand(path)) }

// start runs argv detached from our streams: stdout belongs to the framer,
// so the child gets none of ours. It is reaped in the background.
func start(argv []string) error {
	if len(argv) == 0 {
		return fmt.Errorf("not supported on this system")
	}
	cmd := command(argv)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", argv[0], err)
	}
	go func() { _ = cmd.Wait() }()
	return nil
}
