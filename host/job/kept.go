package job

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/spacekeep/spacekeep/host/library"
	"github.com/spacekeep/spacekeep/protocol"
)

// KeptFunc returns the files a Space is known to be kept in (the
// library's record of it, audio first); nil when it knows of none.
type KeptFunc func(ctx context.Context, spaceID string) []string

// alreadyKept returns the Space's audio file of this format already in the
// output folder, or "": the one the library knows of (Config.Kept), else a
// file whose name carries the Space's id. With Config.Force nothing is
// kept. Like yt-dlp's "has already been downloaded", it saves fetching a
// Space again into "… (2).m4a" (and the library pointing at the copy).
func (m *Manager) alreadyKept(ctx context.Context, spaceID string, opt protocol.Options) string {
	if m.cfg.Force || opt.OutputDir == "" {
		return ""
	}
	dir, err := filepath.Abs(opt.OutputDir)
	if err != nil {
		return ""
	}
	ext := "." + opt.Format
	if m.cfg.Kept != nil {
		for _, p := range m.cfg.Kept(ctx, spaceID) {
			if filepath.Dir(p) == dir && strings.EqualFold(filepath.Ext(p), ext) && isRegular(p) {
				return p
			}
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || strings.HasPrefix(name, ".") || !strings.EqualFold(filepath.Ext(name), ext) {
			continue
		}
		if library.NameCarriesID(name, spaceID) {
			return filepath.Join(dir, name)
		}
	}
	return ""
}

func isRegular(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// keptMessage begins the message of the job.done of a Space already kept.
const keptMessage = "This Space is already kept: "

// AlreadyKept reports whether ev is the job.done of a Space that was
// already kept: nothing was fetched, ev.Path is the file found.
func AlreadyKept(ev protocol.Event) bool {
	return ev.Type == protocol.TypeJobDone && strings.HasPrefix(ev.Message, keptMessage)
}

// keptEvent is the job.done of a Space already kept: its file, nothing fetched.
func (r *runner) keptEvent(path string) protocol.Event {
	r.log.Info().Str("path", path).Msg("already kept: not fetched again")
	ev := protocol.Event{Type: protocol.TypeJobDone, Job: r.job, Stage: protocol.StageDone, Space: r.spaceInfo(),
		Path: path, Files: []string{path},
		Message: keptMessage + path + ". Nothing was fetched."}
	if st, err := os.Stat(path); err == nil {
		ev.Size = st.Size()
	}
	return ev
}
