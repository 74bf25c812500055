package nmhost

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spacekeep/spacekeep/protocol"
)

// file.reveal and file.open start programs on a path the extension sends:
// only paths inside the output folder or files this host produced are
// allowed, so that a compromised page cannot make the host open anything.

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

// allowedPath decodes a PathRef and returns its path, resolved, if the
// host may show it; the error has code bad_request.
func (s *session) allowedPath(payload json.RawMessage) (string, error) {
	var ref protocol.PathRef
	if err := decode(payload, &ref); err != nil {
		return "", err
	}
	if ref.Path == "" || !filepath.IsAbs(ref.Path) {
		return "", protocol.Errorf(protocol.CodeBadRequest, "path must be absolute, not %q", ref.Path)
	}
	path := filepath.Clean(ref.Path)
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", protocol.Errorf(protocol.CodeBadRequest, "no such file: %s", path)
	}
	if fi, err := os.Stat(real); err != nil || !fi.Mode().IsRegular() {
		return "", protocol.Errorf(protocol.CodeBadRequest, "not a file: %s", path)
	}
	if s.producedFile(path) || s.producedFile(real) || s.libraryFile(path) || s.libraryFile(real) {
		return real, nil
	}
	st, _ := s.loadSettings()
	if st.OutputDir != "" {
		if dir, err := filepath.EvalSymlinks(st.OutputDir); err == nil && inside(dir, real) {
			return real, nil
		}
	}
	return "", protocol.Errorf(protocol.CodeBadRequest, "%s is not in the output folder nor a file spacekeep made", path)
}

func (s *session) producedFile(path string) bool {
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
	return false
}

// inside tells whether path is dir or below it; both must be clean and absolute.
func inside(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	if err != nil {
		return false
	}
	return rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
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
