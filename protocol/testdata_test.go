package protocol

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/codes.json from Messages and ExitCodes")

// examples says what Go type each file under testdata/messages holds.
// kind is "request" (payload), "reply" (result), "event" or "hello";
// body is a pointer to the payload's or result's type, nil for none.
var examples = map[string]struct {
	kind string
	body func() any
}{
	"hello.json":                           {"hello", nil},
	"ping.request.json":                    {"request", nil},
	"ping.reply.json":                      {"reply", func() any { return new(Empty) }},
	"download.start.request.json":          {"request", func() any { return new(DownloadStart) }},
	"download.start.reply.json":            {"reply", func() any { return new(JobRef) }},
	"jobs.list.request.json":               {"request", func() any { return new(JobsListQuery) }},
	"jobs.list.reply.json":                 {"reply", func() any { return new(JobsList) }},
	"job.cancel.request.json":              {"request", func() any { return new(JobRef) }},
	"job.cancel.reply.json":                {"reply", func() any { return new(Empty) }},
	"file.reveal.request.json":             {"request", func() any { return new(PathRef) }},
	"file.open.request.json":               {"request", func() any { return new(PathRef) }},
	"settings.get.request.json":            {"request", nil},
	"settings.get.reply.json":              {"reply", func() any { return new(Settings) }},
	"settings.set.request.json":            {"request", func() any { return new(Settings) }},
	"settings.set.reply.json":              {"reply", func() any { return new(Settings) }},
	"doctor.request.json":                  {"request", nil},
	"doctor.reply.json":                    {"reply", func() any { return new(Doctor) }},
	"space.info.request.json":              {"request", func() any { return new(SpaceQuery) }},
	"space.info.reply.json":                {"reply", func() any { return new(SpaceInfo) }},
	"library.list.request.json":            {"request", func() any { return new(LibraryQuery) }},
	"library.list.reply.json":              {"reply", func() any { return new(LibraryPage) }},
	"library.search.request.json":          {"request", func() any { return new(LibraryQuery) }},
	"library.search.reply.json":            {"reply", func() any { return new(LibrarySearchPage) }},
	"library.show.request.json":            {"request", func() any { return new(LibraryRef) }},
	"library.show.reply.json":              {"reply", func() any { return new(LibraryDetail) }},
	"library.stats.request.json":           {"request", func() any { return new(LibraryQuery) }},
	"library.stats.reply.json":             {"reply", func() any { return new(LibraryStats) }},
	"library.remove.request.json":          {"request", func() any { return new(LibraryRef) }},
	"library.remove.reply.json":            {"reply", func() any { return new(LibraryRemoved) }},
	"library.serve.request.json":           {"request", nil},
	"library.serve.reply.json":             {"reply", func() any { return new(LibraryServe) }},
	"error.reply.json":                     {"reply", nil},
	"unknown_type.reply.json":              {"reply", nil},
	"frame_too_large.reply.json":           {"reply", nil},
	"job.progress.json":                    {"event", nil},
	"job.done.json":                        {"event", nil},
	"job.done.gaps.json":                   {"event", nil},
	"job.failed.json":                      {"event", nil},
	"watch.list.request.json":              {"request", nil},
	"watch.list.reply.json":                {"reply", func() any { return new(WatchList) }},
	"watch.add.request.json":               {"request", func() any { return new(WatchRef) }},
	"watch.add.reply.json":                 {"reply", func() any { return new(WatchList) }},
	"watch.remove.request.json":            {"request", func() any { return new(WatchRef) }},
	"watch.remove.reply.json":              {"reply", func() any { return new(WatchList) }},
	"watch.status.request.json":            {"request", nil},
	"watch.status.reply.json":              {"reply", func() any { return new(WatchStatus) }},
	"watch.session.request.json":           {"request", func() any { return new(Cookies) }},
	"watch.session.reply.json":             {"reply", func() any { return new(Empty) }},
	"watch.live.json":                      {"event", nil},
	"spaces.search.request.json":           {"request", func() any { return new(SpacesSearch) }},
	"spaces.search.reply.json":             {"reply", func() any { return new(SpacesFound) }},
	"spaces.search.unavailable.reply.json": {"reply", nil},
	"watch.add.damaged.reply.json":         {"reply", nil},
	"watch.add.topic.reply.json":           {"reply", func() any { return new(WatchList) }},
	"page.spaces.request.json":             {"request", func() any { return new(PageSpacesQuery) }},
	"page.spaces.reply.json":               {"reply", func() any { return new(PageSpaces) }},
}

func strict(t *testing.T, data []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode %s into %T: %v", data, v, err)
	}
}

func generic(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestExamples decodes every example strictly into its Go type, encodes it
// again and checks that nothing was lost or added: the examples are what
// the extension's tests check its own code against.
func TestExamples(t *testing.T) {
	files, err := filepath.Glob("testdata/messages/*.json")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	for name := range examples {
		if !slices.Contains(names, name) {
			t.Errorf("missing example %s", name)
		}
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			ex, ok := examples[name]
			if !ok {
				t.Fatalf("no Go type known for %s: add it to examples", name)
			}
			data, err := os.ReadFile(filepath.Join("testdata/messages", name))
			if err != nil {
				t.Fatal(err)
			}
			var again []byte
			switch ex.kind {
			case "hello":
				var h Hello
				strict(t, data, &h)
				if h.Type != TypeHello {
					t.Errorf("type %q", h.Type)
				}
				again, _ = json.Marshal(h)
			case "event":
				var e Event
				strict(t, data, &e)
				// job.done.gaps.json is a job.done: the type is the name up to a variant.
				if want := strings.TrimSuffix(name, ".json"); e.Type != want && !strings.HasPrefix(want, e.Type+".") {
					t.Errorf("type %q, want %q", e.Type, want)
				}
				if e.Code != "" && Messages[e.Code] == "" {
					t.Errorf("unknown code %q", e.Code)
				}
				again, _ = json.Marshal(e)
			case "request":
				var r Request
				strict(t, data, &r)
				if want := strings.TrimSuffix(name, ".request.json"); r.Type != want {
					t.Errorf("type %q, want %q", r.Type, want)
				}
				if ex.body != nil {
					p := ex.body()
					strict(t, r.Payload, p)
					r.Payload, _ = json.Marshal(p)
				} else if r.Payload != nil {
					t.Errorf("%s takes no payload", r.Type)
				}
				again, _ = json.Marshal(r)
			case "reply":
				var r struct {
					Reply
					Result json.RawMessage `json:"result,omitempty"`
				}
				strict(t, data, &r)
				if r.OK != (r.Error == nil) {
					t.Errorf("ok is %v with error %v", r.OK, r.Error)
				}
				if r.Error != nil && Messages[r.Error.Code] == "" {
					t.Errorf("unknown code %q", r.Error.Code)
				}
				out := r.Reply
				if ex.body != nil {
					p := ex.body()
					strict(t, r.Result, p)
					out.Result = p
				}
				again, _ = json.Marshal(out)
			}
			if g, w := generic(t, again), generic(t, data); !reflect.DeepEqual(g, w) {
				t.Errorf("round trip changed the message:\n got %s\nwant %s", again, data)
			}
		})
	}
}

// codesFile is the shape of testdata/codes.json.
type codesFile struct {
	Codes []codeEntry `json:"codes"`
}

type codeEntry struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
	Exit    int    `json:"exit"`
}

func TestCodesJSON(t *testing.T) {
	var want codesFile
	for _, c := range Codes {
		want.Codes = append(want.Codes, codeEntry{c, Messages[c], ExitCodes[c]})
	}
	if len(Codes) != len(Messages) || len(Codes) != len(ExitCodes) {
		t.Errorf("%d codes, %d messages, %d exit codes: every code needs all three", len(Codes), len(Messages), len(ExitCodes))
	}
	seen := map[Code]bool{}
	for _, c := range Codes {
		if seen[c] || Messages[c] == "" {
			t.Errorf("code %q is repeated or has no message", c)
		}
		if _, ok := ExitCodes[c]; !ok {
			t.Errorf("code %q has no exit code", c)
		}
		seen[c] = true
	}
	data, err := json.MarshalIndent(want, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, '\n')
	if *update {
		if err := os.WriteFile("testdata/codes.json", data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("testdata/codes.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("testdata/codes.json is stale: run go test ./protocol -run TestCodesJSON -update")
	}
}

// TestProtocolMDNamesEveryCode keeps the document for people in step.
func TestProtocolMDNamesEveryCode(t *testing.T) {
	doc, err := os.ReadFile("PROTOCOL.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range Codes {
		if !bytes.Contains(doc, []byte("`"+string(c)+"`")) {
			t.Errorf("PROTOCOL.md does not document `%s`", c)
		}
	}
	for _, typ := range []string{TypeDownloadStart, TypeJobsList, TypeJobCancel, TypeFileReveal, TypeFileOpen,
		TypeSettingsGet, TypeSettingsSet, TypeDoctor, TypePing, TypeSpaceInfo,
		TypeHello, TypeJobProgress, TypeJobDone, TypeJobFailed,
		TypeLibraryList, TypeLibrarySearch, TypeLibraryShow, TypeLibraryStats, TypeLibraryRemove} {
		if !bytes.Contains(doc, []byte("`"+typ+"`")) {
			t.Errorf("PROTOCOL.md does not document `%s`", typ)
		}
	}
}
