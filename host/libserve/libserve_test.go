package libserve

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/host/library"
	"github.com/spacekeep/spacekeep/host/mp4"
	"github.com/spacekeep/spacekeep/host/record"
)

const (
	idCover   = "1OdKrjdgPqRKX" // an m4a with a cover, turns and captions
	idMP3     = "1YqKDqWqdPLGV" // an mp3 stand-in, no captions
	idGone    = "1mnxeRjjgXVGX" // its audio was deleted
	idLink    = "1zqKVqPWMBPJB" // its audio is a symbolic link out of its folder
	idOutside = "1BdxYqLdXYQGX" // the library's row points outside its folder
	idUnknown = "1nAKEnNdNqWxL" // not in the library
)

// fixture is a library of a few Spaces with real files, and a server of it.
type fixture struct {
	lib   *library.Library
	srv   *Server
	dir   string
	m4a   []byte
	cover []byte
	base  string // the httptest server's base URL, token included
	ts    *httptest.Server
}

var m4aOnce struct {
	sync.Once
	m4a, cover []byte
}

// testM4A makes (once per run) a real m4a of a few seconds of tone with a
// JPEG cover, through the project's own writer, and returns it with the cover.
func testM4A(t *testing.T) ([]byte, []byte) {
	t.Helper()
	m4aOnce.Do(func() { m4aOnce.m4a, m4aOnce.cover = makeM4A(t) })
	if m4aOnce.m4a == nil {
		t.Fatal("no test m4a (see the first test's failure)")
	}
	return m4aOnce.m4a, m4aOnce.cover
}

func makeM4A(t *testing.T) ([]byte, []byte) {
	aac := filepath.Join(t.TempDir(), "a.aac")
	out, err := exec.Command("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=f=440:d=6:r=48000",
		"-ac", "1", "-c:a", "aac", "-b:a", "64k", "-f", "adts", aac).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg (the tests need it): %v: %s", err, out)
	}
	adts, err := os.ReadFile(aac)
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 32, 32))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	img.Set(1, 1, color.White)
	var cov bytes.Buffer
	if err := jpeg.Encode(&cov, img, nil); err != nil {
		t.Fatal(err)
	}
	var data, file bytes.Buffer
	w := mp4.NewWriter(&data)
	if err := w.WriteADTS(adts); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Finish(&file, &data, mp4.Meta{Title: "A talk", Cover: cov.Bytes()}); err != nil {
		t.Fatal(err)
	}
	return file.Bytes(), cov.Bytes()
}

func rec(id, title, host string, audio string, captions bool) *record.Record {
	start := time.Date(2026, 3, 4, 18, 0, 0, 0, time.UTC)
	r := &record.Record{
		Schema: record.Schema, ID: id, URL: "https://x.com/i/spaces/" + id, Title: title, Status: record.StatusEnded,
		StartedAt: start, EndedAt: start.Add(time.Hour), DurationS: 3599.6,
		Host:     record.Person{Handle: host, Name: strings.ToUpper(host), AvatarURL: "https://pbs.twimg.com/profile_images/1/a.jpg"},
		Speakers: []record.Person{{Handle: host}, {Handle: "guest", Name: "Guest <b>Speaker</b> & co"}},
		Turns: []record.Turn{{StartS: 0, EndS: 12.5, Handle: host, Name: strings.ToUpper(host)},
			{StartS: 12.5, EndS: 30, Handle: "guest", Name: "Guest Speaker"}, {StartS: 30, EndS: 3599.6, Handle: host}},
		Files: []record.File{{Name: audio, Kind: record.KindAudio}, {Name: id + ".info.json", Kind: record.KindInfo}},
	}
	if captions {
		r.Captions = []record.Caption{{StartS: 1, EndS: 4, Handle: host, Text: "welcome --> everyone"}, {StartS: 13, EndS: 15.25, Handle: "guest", Text: "thanks for having me"}}
		r.CaptionCount = 2
	}
	return r
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{dir: t.TempDir()}
	f.m4a, f.cover = testM4A(t)
	dbPath := filepath.Join(t.TempDir(), "library.db")
	lib, err := library.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	f.lib = lib
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(f.dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("cover.m4a", f.m4a)
	write("talk.mp3", []byte("ID3 an mp3 stand-in"))
	write("gone.m4a", f.m4a)
	outside := filepath.Join(t.TempDir(), "secret.m4a")
	if err := os.WriteFile(outside, []byte("not for the network"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(f.dir, "link.m4a")); err != nil {
		t.Fatal(err)
	}
	write("inside.m4a", f.m4a)
	for _, r := range []*record.Record{
		rec(idCover, "Rust & Go: a <talk>", "alice", "cover.m4a", true),
		rec(idMP3, "An mp3", "bob", "talk.mp3", false),
		rec(idGone, "Deleted", "alice", "gone.m4a", false),
		rec(idLink, "Linked", "alice", "link.m4a", false),
		rec(idOutside, "Outside", "alice", "inside.m4a", false),
	} {
		if err := lib.Add(ctx, r, f.dir); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Remove(filepath.Join(f.dir, "gone.m4a")); err != nil {
		t.Fatal(err)
	}
	// A library whose row was edited to name a file in another folder.
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("UPDATE files SET path = ? WHERE space_id = ? AND kind = 'audio'", outside, idOutside); err != nil {
		t.Fatal(err)
	}
	token, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	f.srv, err = New(lib, token, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	f.ts = httptest.NewServer(f.srv)
	t.Cleanup(f.ts.Close)
	f.base = f.ts.URL + "/" + token + "/"
	return f
}

type response struct {
	code int
	head http.Header
	body []byte
}

func do(t *testing.T, method, url string, header map[string]string) response {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultTransport.RoundTrip(req) // no redirects followed, nothing added
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, body}
}

func TestAudioRange(t *testing.T) {
	f := newFixture(t)
	url := f.base + "audio/" + idCover + ".m4a"
	size := len(f.m4a)

	full := do(t, "GET", url, nil)
	if full.code != 200 || !bytes.Equal(full.body, f.m4a) {
		t.Fatalf("GET: %d, %d bytes; want 200 and the file's %d", full.code, len(full.body), size)
	}
	if full.head.Get("Accept-Ranges") != "bytes" || full.head.Get("Content-Type") != "audio/mp4" {
		t.Errorf("headers %v", full.head)
	}
	tag := full.head.Get("ETag")
	if tag == "" || full.head.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("ETag %q, CORS %q", tag, full.head.Get("Access-Control-Allow-Origin"))
	}
	for _, c := range []struct {
		rng        string
		start, end int // inclusive
	}{
		{"bytes=0-99", 0, 99},
		{"bytes=1000-1999", 1000, 1999},
		{"bytes=-500", size - 500, size - 1},
		{"bytes=" + strconv.Itoa(size-10) + "-", size - 10, size - 1},
	} {
		r := do(t, "GET", url, map[string]string{"Range": c.rng})
		want := fmt.Sprintf("bytes %d-%d/%d", c.start, c.end, size)
		if r.code != 206 || r.head.Get("Content-Range") != want || !bytes.Equal(r.body, f.m4a[c.start:c.end+1]) {
			t.Errorf("%s: %d %q, %d bytes; want 206 %q", c.rng, r.code, r.head.Get("Content-Range"), len(r.body), want)
		}
	}
	// If-Range: the current ETag keeps the range; a stale one gets the whole file.
	if r := do(t, "GET", url, map[string]string{"Range": "bytes=10-19", "If-Range": tag}); r.code != 206 || !bytes.Equal(r.body, f.m4a[10:20]) {
		t.Errorf("If-Range with the current ETag: %d, %d bytes", r.code, len(r.body))
	}
	if r := do(t, "GET", url, map[string]string{"Range": "bytes=10-19", "If-Range": `"stale-1"`}); r.code != 200 || !bytes.Equal(r.body, f.m4a) {
		t.Errorf("If-Range with a stale ETag: %d, %d bytes; want 200 and the whole file", r.code, len(r.body))
	}
	if r := do(t, "GET", url, map[string]string{"Range": fmt.Sprintf("bytes=%d-", size+5)}); r.code != 416 {
		t.Errorf("a range past the end: %d, want 416", r.code)
	}
	if r := do(t, "HEAD", url, nil); r.code != 200 || r.head.Get("Content-Length") != strconv.Itoa(size) || len(r.body) != 0 {
		t.Errorf("HEAD: %d, length %q, %d bytes of body", r.code, r.head.Get("Content-Length"), len(r.body))
	}
	if r := do(t, "POST", url, nil); r.code != 405 {
		t.Errorf("POST: %d, want 405", r.code)
	}
	// The ETag follows the file: rewritten, the old one is stale.
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(f.dir, "cover.m4a"), later, later); err != nil {
		t.Fatal(err)
	}
	if r := do(t, "GET", url, map[string]string{"Range": "bytes=10-19", "If-Range": tag}); r.code != 200 {
		t.Errorf("If-Range with the ETag of the file before it changed: %d, want 200", r.code)
	}
}

func TestToken(t *testing.T) {
	f := newFixture(t)
	tok := f.srv.Token()
	if len(tok) != 32 {
		t.Fatalf("token %q: want 128 bits in hex", tok)
	}
	other, _ := NewToken()
	if other == tok {
		t.Fatal("two tokens alike")
	}
	good := "/feed.xml"
	if r := do(t, "GET", f.ts.URL+"/"+tok+good, nil); r.code != 200 {
		t.Fatalf("the right token: %d", r.code)
	}
	for name, path := range map[string]string{
		"missing":        good,
		"root":           "/",
		"wrong":          "/" + other + good,
		"a prefix":       "/" + tok[:31] + good,
		"one char more":  "/" + tok + "0" + good,
		"upper case":     "/" + strings.ToUpper(tok) + good,
		"empty":          "/" + good,
		"escaped slash":  "/" + tok + "%2Ffeed.xml",
		"not first":      "/audio/" + tok + good,
		"prefix, audio":  "/" + tok[:16] + "/audio/" + idCover + ".m4a",
		"missing, audio": "/audio/" + idCover + ".m4a",
	} {
		for _, m := range []string{"GET", "HEAD", "POST"} {
			if r := do(t, m, f.ts.URL+path, nil); r.code != 404 {
				t.Errorf("%s token (%s %s): %d, want 404", name, m, path, r.code)
			}
		}
	}
	for _, bad := range []string{"", "x", tok[:31], strings.ToUpper(tok), tok + "00"} {
		if _, err := New(f.lib, bad, zerolog.Nop()); err == nil {
			t.Errorf("New accepted the token %q", bad)
		}
	}
}

func TestPathSafety(t *testing.T) {
	f := newFixture(t)
	for _, p := range []string{
		"audio/" + idCover + ".mp3",          // the wrong extension
		"audio/" + idCover,                   // none
		"audio/" + idUnknown + ".m4a",        // not in the library
		"audio/" + idGone + ".m4a",           // its file was deleted
		"audio/" + idLink + ".m4a",           // a link out of its folder
		"audio/" + idOutside + ".m4a",        // the row names a file elsewhere
		"cover/" + idOutside + ".jpg",        // nor its cover
		"audio/..%2F..%2Fetc%2Fpasswd.m4a",   // an escaped path
		"audio/../../../../etc/passwd",       // a raw one
		"audio/%2E%2E%2F" + idCover + ".m4a", //
		"audio/" + idCover + "%2F.m4a",       //
		"audio/" + idCover + ".m4a/x",        //
		"audio//" + idCover + ".m4a",         //
		"audio/" + idCover + "%00.m4a",       //
		"cover/" + idMP3 + ".jpg",            // an mp3 has no cover
		"cover/" + idCover + ".png",          // only .jpg
		"chapters/" + idUnknown + ".json",    //
		"transcript/" + idMP3 + ".vtt",       // no captions
		"transcript/" + idUnknown + ".vtt",   //
		"files/" + idCover + ".m4a",          // no such route
		"../" + f.srv.Token() + "/feed.xml",  //
		"audio/" + strings.Repeat("a", 13) + ".m4a",
	} {
		if r := do(t, "GET", f.base+p, nil); r.code != 404 {
			t.Errorf("%s: %d, want 404 (%.60q)", p, r.code, r.body)
		}
	}
	if r := do(t, "GET", f.base, nil); r.code != 200 || !strings.Contains(string(r.body), f.base+"feed.xml") ||
		!strings.Contains(string(r.body), f.base+"audio/"+idCover+".m4a") || strings.Contains(string(r.body), idOutside) {
		t.Errorf("the index page: %d %s", r.code, r.body)
	}
	if r := do(t, "GET", f.base+"audio/"+idMP3+".mp3", nil); r.code != 200 || r.head.Get("Content-Type") != "audio/mpeg" || string(r.body) != "ID3 an mp3 stand-in" {
		t.Errorf("the mp3: %d %q", r.code, r.head.Get("Content-Type"))
	}
	// The file outside is never in any answer.
	for _, p := range []string{"", "feed.xml", "audio/" + idOutside + ".m4a", "audio/" + idLink + ".m4a"} {
		if r := do(t, "GET", f.base+p, nil); bytes.Contains(r.body, []byte("not for the network")) {
			t.Errorf("%s served the file outside the library's folder", p)
		}
	}
}

func TestCover(t *testing.T) {
	f := newFixture(t)
	r := do(t, "GET", f.base+"cover/"+idCover+".jpg", nil)
	if r.code != 200 || r.head.Get("Content-Type") != "image/jpeg" || !bytes.Equal(r.body, f.cover) {
		t.Fatalf("cover: %d %q, %d bytes; want the %d bytes of the JPEG written into the m4a", r.code, r.head.Get("Content-Type"), len(r.body), len(f.cover))
	}
	if _, err := jpeg.Decode(bytes.NewReader(r.body)); err != nil {
		t.Errorf("the cover does not decode: %v", err)
	}
}

func TestChaptersJSON(t *testing.T) {
	f := newFixture(t)
	r := do(t, "GET", f.base+"chapters/"+idCover+".json", nil)
	if r.code != 200 || r.head.Get("Content-Type") != "application/json+chapters" {
		t.Fatalf("chapters: %d %q", r.code, r.head.Get("Content-Type"))
	}
	// The format's required fields (Podcasting 2.0 JSON chapters): a
	// version string and a chapters array whose items each have a numeric
	// startTime; optional title (string), url, endTime (number).
	var doc map[string]any
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatal(err)
	}
	if v, ok := doc["version"].(string); !ok || !strings.HasPrefix(v, "1.") {
		t.Errorf("version %v", doc["version"])
	}
	chs, ok := doc["chapters"].([]any)
	if !ok || len(chs) != 3 {
		t.Fatalf("chapters %v: want three, one per turn", doc["chapters"])
	}
	last := -1.0
	for i, c := range chs {
		m, ok := c.(map[string]any)
		if !ok {
			t.Fatalf("chapter %d is %T", i, c)
		}
		st, ok := m["startTime"].(float64)
		if !ok || st < last {
			t.Errorf("chapter %d: startTime %v (after %v)", i, m["startTime"], last)
		}
		last = st
		for k, v := range m {
			switch k {
			case "startTime", "endTime":
				if _, ok := v.(float64); !ok {
					t.Errorf("chapter %d: %s is %T", i, k, v)
				}
			case "title", "url", "img":
				if _, ok := v.(string); !ok {
					t.Errorf("chapter %d: %s is %T", i, k, v)
				}
			default:
				t.Errorf("chapter %d: unknown field %s", i, k)
			}
		}
	}
	if third := chs[2].(map[string]any); third["title"] != "@alice — ALICE" {
		t.Errorf("a turn without a name takes the host's: %v", third)
	}
	second := chs[1].(map[string]any)
	if second["startTime"] != 12.5 || second["title"] != "@guest — Guest Speaker" || second["url"] != "https://x.com/guest" {
		t.Errorf("chapter 2: %v", second)
	}
	// A Space without turns still has a chapter: its title.
	if r := do(t, "GET", f.base+"chapters/"+idMP3+".json", nil); r.code != 200 || !strings.Contains(string(r.body), `"title": "An mp3"`) {
		t.Errorf("chapters without turns: %d %s", r.code, r.body)
	}
}

func TestTranscriptVTT(t *testing.T) {
	f := newFixture(t)
	r := do(t, "GET", f.base+"transcript/"+idCover+".vtt", nil)
	if r.code != 200 || !strings.HasPrefix(r.head.Get("Content-Type"), "text/vtt") {
		t.Fatalf("transcript: %d %q", r.code, r.head.Get("Content-Type"))
	}
	want := "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\n<v @alice>welcome --&gt; everyone\n\n2\n00:00:13.000 --> 00:00:15.250\n<v @guest>thanks for having me\n"
	if string(r.body) != want {
		t.Errorf("transcript:\n%s\nwant:\n%s", r.body, want)
	}
}

func TestListenLoopbackOnly(t *testing.T) {
	ln, err := Listen("", false)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if ip := ln.Addr().(*net.TCPAddr).IP; !ip.Equal(net.IPv4(127, 0, 0, 1)) {
		t.Fatalf("without --lan it listens on %v, want 127.0.0.1", ip)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	// Reached from another of this machine's addresses, it is not there.
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		n, ok := a.(*net.IPNet)
		if !ok || n.IP.IsLoopback() || n.IP.To4() == nil {
			continue
		}
		if c, err := net.DialTimeout("tcp", net.JoinHostPort(n.IP.String(), strconv.Itoa(port)), time.Second); err == nil {
			c.Close()
			t.Errorf("reached on %v without --lan", n.IP)
		}
	}
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.168.1.10:0", "example.com:0"} {
		if addr == ":0" {
			continue // an empty host is loopback without --lan
		}
		if ln, err := Listen(addr, false); err == nil {
			ln.Close()
			t.Errorf("Listen(%q) without --lan: no error", addr)
		} else if !strings.Contains(err.Error(), "--lan") {
			t.Errorf("Listen(%q): %v; want it to name --lan", addr, err)
		}
	}
	if ln, err := Listen(":0", false); err != nil || !ln.Addr().(*net.TCPAddr).IP.IsLoopback() {
		t.Errorf("Listen(:0) without --lan: %v, %v", ln, err)
	} else {
		ln.Close()
	}
	lan, err := Listen("", true)
	if err != nil {
		t.Fatal(err)
	}
	defer lan.Close()
	if ip := lan.Addr().(*net.TCPAddr).IP; !ip.IsUnspecified() {
		t.Errorf("with --lan it listens on %v, want every interface", ip)
	}
	if urls := URLs(lan, "t"); len(urls) == 0 || !strings.HasPrefix(urls[0], "http://127.0.0.1:") {
		t.Errorf("URLs %v", urls)
	}
}

func TestKeptToken(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "settings")
	k, err := LoadKept(dir)
	if err != nil || !ValidToken(k.Token) {
		t.Fatalf("%v %v", k, err)
	}
	fi, err := os.Stat(filepath.Join(dir, keptFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the kept token's file: %v %v; want 0600", fi, err)
	}
	k.Port = 8123
	if err := SaveKept(dir, k); err != nil {
		t.Fatal(err)
	}
	again, err := LoadKept(dir)
	if err != nil || again != k {
		t.Errorf("kept %v, loaded %v (%v)", k, again, err)
	}
}

func TestOnDemand(t *testing.T) {
	f := newFixture(t)
	od := &OnDemand{Open: func(ctx context.Context) (*library.Library, error) { return library.Open(ctx, f.lib.File()) }}
	base, err := od.BaseURL(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := od.BaseURL(context.Background()); again != base || !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("base %q then %q", base, again)
	}
	if r := do(t, "GET", base+"audio/"+idCover+".m4a", map[string]string{"Range": "bytes=0-3"}); r.code != 206 || !bytes.Equal(r.body, f.m4a[:4]) {
		t.Errorf("on demand: %d", r.code)
	}
	if err := od.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(base + "feed.xml"); err == nil {
		t.Error("still serving after Close")
	}
}
