// Package readers lets tests read spacekeep's files back with readers that
// spacekeep did not write: Python's mutagen (tags and chapters of m4a and
// mp3) and webvtt-py (WebVTT cues), as Debian packages them
// (python3-mutagen, python3-webvtt; .ci/setup installs both). A test that
// needs one fails when it is missing: it never passes without its reader.
package readers

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"sync"
	"testing"
)

// pythons are tried in order: Debian's own first (a pyenv or venv python3
// on PATH does not see Debian's packages).
var pythons = []string{"/usr/bin/python3", "python3"}

var (
	once   sync.Once
	python string
	why    string
)

// find returns a python3 that imports mutagen and webvtt.
func find() (string, string) {
	once.Do(func() {
		why = "no python3 found"
		for _, p := range pythons {
			path, err := exec.LookPath(p)
			if err != nil {
				continue
			}
			out, err := exec.Command(path, "-c", "import mutagen, webvtt").CombinedOutput()
			if err == nil {
				python = path
				return
			}
			why = path + ": " + string(bytes.TrimSpace(out))
		}
	})
	return python, why
}

// Python runs script with args under a python3 that has mutagen and
// webvtt, and decodes the JSON it prints into out.
func Python(t testing.TB, out any, script string, args ...string) {
	t.Helper()
	py, why := find()
	if py == "" {
		t.Fatalf("python3 with mutagen and webvtt is needed (apt-get install python3-mutagen python3-webvtt, or .ci/setup): %s", why)
	}
	cmd := exec.Command(py, append([]string{"-c", script}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("python reader: %v\n%s", err, stderr.String())
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("python reader printed %q: %v", b, err)
	}
}

// VTTCue is one cue as webvtt-py reads it.
type VTTCue struct {
	Start float64 `json:"start"`
	End   float64 `json:"end"`
	Text  string  `json:"text"` // without cue tags, entities decoded (html.unescape)
	Raw   string  `json:"raw"`  // as written, tags and entities included
}

// WebVTT reads a WebVTT file with webvtt-py.
func WebVTT(t testing.TB, path string) []VTTCue {
	t.Helper()
	var cues []VTTCue
	Python(t, &cues, `
import html, json, sys, webvtt
out = []
for c in webvtt.read(sys.argv[1]):
    out.append({"start": c.start_in_seconds, "end": c.end_in_seconds,
                "text": html.unescape(c.text), "raw": c.raw_text})
print(json.dumps(out))
`, path)
	return cues
}
