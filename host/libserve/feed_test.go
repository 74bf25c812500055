package libserve

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The feed is read by parsers we did not write: Debian's python3-feedparser
// (what many podcast tools use) and libxml2's xmllint (.ci/setup feeds
// installs both).

// feedparserScript prints what feedparser made of the feed on stdin.
const feedparserScript = `
import feedparser, json, sys
d = feedparser.parse(sys.stdin.buffer.read())
out = {"bozo": bool(d.bozo), "bozo_exception": str(d.get("bozo_exception", "")), "version": d.version,
       "namespaces": d.namespaces, "title": d.feed.get("title"), "entries": []}
for e in d.entries:
    out["entries"].append({
        "id": e.get("id"), "title": e.get("title"), "link": e.get("link"), "published": e.get("published"),
        "summary": e.get("summary"), "duration": e.get("itunes_duration"), "image": (e.get("image") or {}).get("href"),
        "enclosures": [{"href": x.get("href"), "length": x.get("length"), "type": x.get("type")} for x in e.get("enclosures", [])],
        "chapters": e.get("podcast_chapters"), "transcript": e.get("podcast_transcript"), "person": e.get("podcast_person"),
    })
print(json.dumps(out))
`

// feedparser finds a python3 that has feedparser: Debian's, else the PATH's.
func feedparser(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(py, "-c", "import feedparser").Run() == nil {
			return py
		}
	}
	t.Fatal("no python3 with feedparser: install python3-feedparser (.ci/setup feeds)")
	return ""
}

type parsedFeed struct {
	Bozo          bool              `json:"bozo"`
	BozoException string            `json:"bozo_exception"`
	Version       string            `json:"version"`
	Namespaces    map[string]string `json:"namespaces"`
	Title         string            `json:"title"`
	Entries       []struct {
		ID, Title, Link, Published, Summary, Duration, Image string
		Enclosures                                           []struct{ Href, Length, Type string }
		Chapters, Transcript                                 struct{ URL, Type string }
		Person                                               any
	} `json:"entries"`
}

func TestFeedReadByFeedparser(t *testing.T) {
	f := newFixture(t)
	py := feedparser(t)
	r := do(t, "GET", f.base+"feed.xml", nil)
	if r.code != 200 || !strings.HasPrefix(r.head.Get("Content-Type"), "application/rss+xml") {
		t.Fatalf("feed: %d %q", r.code, r.head.Get("Content-Type"))
	}
	cmd := exec.Command(py, "-c", feedparserScript)
	cmd.Stdin = strings.NewReader(string(r.body))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("feedparser: %v", err)
	}
	var p parsedFeed
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if p.Bozo || p.Version != "rss20" {
		t.Fatalf("feedparser: bozo %v (%s), version %q\n%s", p.Bozo, p.BozoException, p.Version, r.body)
	}
	if p.Namespaces["itunes"] != NSItunes || p.Namespaces["podcast"] != NSPodcast {
		t.Errorf("namespaces %v", p.Namespaces)
	}
	// Only the Spaces whose audio is there and in their folder: two.
	if len(p.Entries) != 2 {
		t.Fatalf("%d entries, want 2 (the m4a and the mp3): %+v", len(p.Entries), p.Entries)
	}
	byID := map[string]int{}
	for i, e := range p.Entries {
		byID[e.ID] = i
	}
	e := p.Entries[byID[idCover]]
	if e.ID != idCover || e.Title != "Rust & Go: a <talk>" || e.Link != "https://x.com/i/spaces/"+idCover {
		t.Errorf("entry: id %q title %q link %q", e.ID, e.Title, e.Link)
	}
	if len(e.Enclosures) != 1 || e.Enclosures[0].Href != f.base+"audio/"+idCover+".m4a" || e.Enclosures[0].Type != "audio/mp4" ||
		e.Enclosures[0].Length != strconv.Itoa(len(f.m4a)) {
		t.Errorf("enclosure %+v, want %d bytes of audio/mp4", e.Enclosures, len(f.m4a))
	}
	if e.Duration != "3600" || !strings.Contains(e.Published, "04 Mar 2026 18:00:00") {
		t.Errorf("duration %q, published %q", e.Duration, e.Published)
	}
	if e.Image != f.base+"cover/"+idCover+".jpg" {
		t.Errorf("itunes:image %q", e.Image)
	}
	for _, want := range []string{"@alice — ALICE", "@guest — Guest &lt;b&gt;Speaker&lt;/b&gt; &amp; co", `href="https://x.com/i/spaces/` + idCover + `"`} {
		if !strings.Contains(e.Summary, want) {
			t.Errorf("description %q lacks %q", e.Summary, want)
		}
	}
	if e.Chapters.URL != f.base+"chapters/"+idCover+".json" || e.Transcript.URL != f.base+"transcript/"+idCover+".vtt" || e.Transcript.Type != "text/vtt" {
		t.Errorf("podcast:chapters %+v, podcast:transcript %+v", e.Chapters, e.Transcript)
	}
	if mp3 := p.Entries[byID[idMP3]]; mp3.Enclosures[0].Type != "audio/mpeg" || mp3.Image != "" {
		t.Errorf("the mp3's entry: %+v", mp3)
	}
	// ?host= keeps one host's Spaces.
	r = do(t, "GET", f.base+"feed.xml?host=@BOB", nil)
	cmd = exec.Command(py, "-c", feedparserScript)
	cmd.Stdin = strings.NewReader(string(r.body))
	if out, err = cmd.Output(); err != nil {
		t.Fatal(err)
	}
	p = parsedFeed{}
	if err := json.Unmarshal(out, &p); err != nil || len(p.Entries) != 1 || p.Entries[0].ID != idMP3 || p.Title != "@BOB on spacekeep" {
		t.Errorf("?host=@BOB: %v %+v", err, p)
	}
}

// TestFeedPodcastNamespace checks the podcast: and itunes: elements by
// their namespace URIs, as a namespace-aware reader sees them, after
// xmllint has found the document well formed.
func TestFeedPodcastNamespace(t *testing.T) {
	f := newFixture(t)
	r := do(t, "GET", f.base+"feed.xml", nil)
	path := filepath.Join(t.TempDir(), "feed.xml")
	if err := os.WriteFile(path, r.body, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("xmllint", "--noout", path).CombinedOutput(); err != nil {
		t.Fatalf("xmllint (install libxml2-utils, .ci/setup feeds): %v: %s", err, out)
	}
	// The podcast: elements of the first item, by namespace, with xmllint's XPath.
	xp := func(expr string) string {
		out, err := exec.Command("xmllint", "--xpath", expr, path).CombinedOutput()
		if err != nil {
			t.Fatalf("xmllint --xpath %s: %v: %s", expr, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	item := `//item[guid="` + idCover + `"]`
	pod := func(local, attr string) string {
		return xp(`string(` + item + `/*[local-name()="` + local + `" and namespace-uri()="` + NSPodcast + `"]/@` + attr + `)`)
	}
	if got := pod("chapters", "url"); got != f.base+"chapters/"+idCover+".json" {
		t.Errorf("podcast:chapters url %q", got)
	}
	if got := pod("chapters", "type"); got != "application/json+chapters" {
		t.Errorf("podcast:chapters type %q", got)
	}
	if got := pod("transcript", "url"); got != f.base+"transcript/"+idCover+".vtt" {
		t.Errorf("podcast:transcript url %q", got)
	}
	if got := pod("transcript", "type"); got != "text/vtt" {
		t.Errorf("podcast:transcript type %q", got)
	}
	persons := xp(`count(` + item + `/*[local-name()="person" and namespace-uri()="` + NSPodcast + `"])`)
	if persons != "2" {
		t.Errorf("%s podcast:person, want 2 (the host and the guest)", persons)
	}
	if got := xp(`string(` + item + `/*[local-name()="person" and namespace-uri()="` + NSPodcast + `"][@role="guest"]/@href)`); got != "https://x.com/guest" {
		t.Errorf("the guest's podcast:person href %q", got)
	}
	if got := xp(`string(` + item + `/*[local-name()="duration" and namespace-uri()="` + NSItunes + `"])`); got != "3600" {
		t.Errorf("itunes:duration %q", got)
	}
	if got := xp(`string(//item[guid="` + idMP3 + `"]/*[local-name()="transcript"]/@url)`); got != "" {
		t.Errorf("a Space without captions has a transcript: %q", got)
	}
	// And Go's own namespace-aware decoder agrees.
	var doc struct {
		Items []struct {
			GUID     string `xml:"guid"`
			Chapters struct {
				URL string `xml:"url,attr"`
			} `xml:"https://podcastindex.org/namespace/1.0 chapters"`
		} `xml:"channel>item"`
	}
	if err := xml.Unmarshal(r.body, &doc); err != nil || len(doc.Items) != 2 || doc.Items[0].Chapters.URL == "" {
		t.Errorf("encoding/xml: %v %+v", err, doc)
	}
}
