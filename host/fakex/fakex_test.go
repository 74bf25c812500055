package fakex

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/adts"
	"github.com/spacekeep/spacekeep/host/testaudio"
)

func start(t *testing.T, opts Options) *Server {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	for _, sp := range DefaultSpaces() {
		s.AddSpace(sp)
	}
	return s
}

func needFFmpeg(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Fatal("ffmpeg is not installed: run make setup (apt-get install ffmpeg)")
	}
}

// client plays the engine: it sends what X-FACTS §1 says to the API.
type client struct {
	t         *testing.T
	s         *Server
	hc        *http.Client
	at, ct0   string
	csrf      string // x-csrf-token; defaults to ct0
	bearer    string
	queryID   string
	features  string
	noCookies bool
}

func newClient(t *testing.T, s *Server) *client {
	at, ct0 := s.Session()
	return &client{t: t, s: s, hc: &http.Client{Timeout: 20 * time.Second}, at: at, ct0: ct0, csrf: ct0,
		bearer: BearerToken, queryID: KnownQueryIDs[0], features: string(Features2025)}
}

func (c *client) api(path string) (int, http.Header, []byte) {
	c.t.Helper()
	req, err := http.NewRequest("GET", c.s.APIBase()+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.bearer)
	if !c.noCookies {
		req.AddCookie(&http.Cookie{Name: "auth_token", Value: c.at})
		req.AddCookie(&http.Cookie{Name: "ct0", Value: c.ct0})
	}
	req.Header.Set("x-csrf-token", c.csrf)
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, body
}

func (c *client) audioSpace(id string) (int, http.Header, []byte) {
	vars, _ := json.Marshal(map[string]any{"id": id, "isMetatagsQuery": true, "withReplays": true, "withListeners": true})
	return c.api("/i/api/graphql/" + c.queryID + "/AudioSpaceById?variables=" + url.QueryEscape(string(vars)) +
		"&features=" + url.QueryEscape(c.features))
}

// metadata fetches a Space and returns data.audioSpace.
func (c *client) metadata(id string) map[string]any {
	c.t.Helper()
	code, _, body := c.audioSpace(id)
	if code != 200 {
		c.t.Fatalf("AudioSpaceById %s: %d %s", id, code, body)
	}
	var v struct {
		Data struct {
			AudioSpace map[string]any `json:"audioSpace"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		c.t.Fatal(err)
	}
	return v.Data.AudioSpace
}

// location resolves a Space to its status source.location.
func (c *client) location(id string) string {
	c.t.Helper()
	md := c.metadata(id)["metadata"].(map[string]any)
	code, _, body := c.api("/i/api/1.1/live_video_stream/status/" + md["media_key"].(string) + "?client=web&use_syndication_guest_id=false&cookie_set_host=x.com")
	if code != 200 {
		c.t.Fatalf("status: %d %s", code, body)
	}
	var st struct {
		Source struct{ Location, NoRedirectPlaybackURL string } `json:"source"`
	}
	if err := json.Unmarshal(body, &st); err != nil {
		c.t.Fatal(err)
	}
	return st.Source.Location
}

// cdn GETs a CDN URL without cookies.
func (c *client) cdn(u string) (int, []byte, error) {
	resp, err := c.hc.Get(u)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func errCode(t *testing.T, body []byte) int {
	t.Helper()
	var v struct{ Errors []apiError }
	if err := json.Unmarshal(body, &v); err != nil || len(v.Errors) == 0 {
		t.Fatalf("no errors in %s (%v)", body, err)
	}
	return v.Errors[0].Code
}

func TestAuthChecks(t *testing.T) {
	s := start(t, Options{})
	cases := []struct {
		name   string
		mod    func(c *client)
		status int
		code   int
	}{
		{"no bearer", func(c *client) { c.bearer = "nope" }, 401, 89},
		{"no cookies", func(c *client) { c.noCookies = true }, 401, 32},
		{"unknown auth_token", func(c *client) { c.at = "deadbeef" }, 401, 32},
		{"csrf mismatch", func(c *client) { c.csrf = "other" }, 403, 353},
	}
	for _, tc := range cases {
		c := newClient(t, s)
		tc.mod(c)
		status, _, body := c.audioSpace(DemoID)
		if status != tc.status || errCode(t, body) != tc.code {
			t.Errorf("%s: got %d %s, want %d code %d", tc.name, status, body, tc.status, tc.code)
		}
	}
	c := newClient(t, s)
	md := c.metadata(DemoID)["metadata"].(map[string]any)
	if md["title"] != "Keeping Spaces: a demo" || md["state"] != "Ended" || md["is_space_available_for_replay"] != true {
		t.Errorf("metadata: %v", md)
	}
	if _, ok := md["ended_at"].(string); !ok {
		t.Errorf("ended_at is %T, X sends a string", md["ended_at"])
	}
	core := md["creator_results"].(map[string]any)["result"].(map[string]any)["core"].(map[string]any)
	if core["screen_name"] != "spacekeeper" || core["name"] != "Space Keeper" {
		t.Errorf("creator core: %v", core)
	}
	// Cookies never leak into the request log.
	for _, r := range s.Requests() {
		for _, v := range r.Header.Values("Cookie") {
			if strings.Contains(v, c.at) || strings.Contains(v, c.ct0) {
				t.Fatalf("cookie value in the request log: %q", v)
			}
		}
		if r.Header.Get("X-Csrf-Token") == c.ct0 {
			t.Fatal("csrf token in the request log")
		}
	}
}

func TestFeatures336ThenSuccess(t *testing.T) {
	s := start(t, Options{RequiredFeatures: []string{"a_enabled", "b_enabled"}})
	c := newClient(t, s)
	status, _, body := c.audioSpace(DemoID)
	if status != 400 || errCode(t, body) != 336 || !strings.Contains(string(body), "cannot be null: a_enabled, b_enabled") {
		t.Fatalf("got %d %s", status, body)
	}
	var f map[string]any
	json.Unmarshal(Features2025, &f)
	f["a_enabled"], f["b_enabled"] = false, true
	b, _ := json.Marshal(f)
	c.features = string(b)
	if md := c.metadata(DemoID); md["metadata"] == nil {
		t.Fatalf("no metadata after adding the features: %v", md)
	}
}

func TestQueryIDsAndRateLimit(t *testing.T) {
	s := start(t, Options{DeadQueryIDs: KnownQueryIDs[:1], RateLimitFirst: 2})
	c := newClient(t, s)
	if status, _, _ := c.audioSpace(DemoID); status != 404 {
		t.Fatalf("dead queryId: %d", status)
	}
	c.queryID = KnownQueryIDs[1]
	for i := range 2 {
		status, h, body := c.audioSpace(DemoID)
		reset, _ := strconv.ParseInt(h.Get("x-rate-limit-reset"), 10, 64)
		if status != 429 || errCode(t, body) != 88 || reset < time.Now().Unix() {
			t.Fatalf("call %d: %d reset=%d %s", i, status, reset, body)
		}
	}
	c.metadata(DemoID)
	if s.pageQueryID() != KnownQueryIDs[1] {
		t.Errorf("page queryId %s is dead", s.pageQueryID())
	}
}

func TestUnknownAndLegacySpaces(t *testing.T) {
	s := start(t, Options{})
	c := newClient(t, s)
	status, _, body := c.audioSpace("1ZZZZZZZZZZZZ")
	if status != 200 || string(body) != `{"data":{"audioSpace":{}}}` {
		t.Fatalf("unknown Space: %d %s", status, body)
	}
	status, _, body = c.audioSpace(LegacyMasterID)
	var v struct {
		Data struct {
			AudioSpace struct {
				Metadata struct {
					CreatorResults struct {
						Result struct {
							Core   map[string]any `json:"core"`
							Legacy map[string]any `json:"legacy"`
						} `json:"result"`
					} `json:"creator_results"`
				} `json:"metadata"`
			} `json:"audioSpace"`
		} `json:"data"`
		Errors []struct{ Message string } `json:"errors"`
	}
	if err := json.Unmarshal(body, &v); err != nil || status != 200 {
		t.Fatalf("%d %v %s", status, err, body)
	}
	r := v.Data.AudioSpace.Metadata.CreatorResults.Result
	if r.Core != nil || r.Legacy["screen_name"] != "oldtimer" || !strings.HasSuffix(r.Legacy["profile_image_url_https"].(string), "_normal.jpg") {
		t.Errorf("legacy creator: %+v", r)
	}
	if len(v.Errors) != 1 || v.Errors[0].Message != "Dependency: Unspecified" {
		t.Errorf("errors next to data: %+v", v.Errors)
	}
	// NotStarted: no started_at, a scheduled_start; status has no stream.
	md := c.metadata(NotStartedID)["metadata"].(map[string]any)
	if _, ok := md["started_at"]; ok || md["scheduled_start"] == nil {
		t.Errorf("NotStarted metadata: %v", md)
	}
	if code, _, _ := c.api("/i/api/1.1/live_video_stream/status/" + md["media_key"].(string)); code != 404 {
		t.Errorf("status of a NotStarted Space: %d", code)
	}
	// The avatar is served, bigger under the _400x400 name.
	avatar := r.Legacy["profile_image_url_https"].(string)
	_, small, err1 := c.cdn(avatar)
	_, big, err2 := c.cdn(strings.Replace(avatar, "_normal", "_400x400", 1))
	if err1 != nil || err2 != nil || !bytes.HasPrefix(small, []byte{0xFF, 0xD8}) || len(big) <= len(small) {
		t.Errorf("avatar: %v %v %d %d bytes", err1, err2, len(small), len(big))
	}
}

func TestPageOverTLS(t *testing.T) {
	s := start(t, Options{TLS: true, Latency: 30 * time.Millisecond})
	pem, err := os.ReadFile(s.CertFile())
	if err != nil || !bytes.Equal(pem, s.CertPEM()) {
		t.Fatalf("cert file: %v", err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	get := func(path, host string) *http.Response {
		req, _ := http.NewRequest("GET", s.APIBase()+path, nil)
		req.Host = host
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := get("/i/spaces/"+DemoID, "x.com")
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	cookies := map[string]*http.Cookie{}
	for _, c := range resp.Cookies() {
		cookies[c.Name] = c
	}
	at, ct0 := cookies["auth_token"], cookies["ct0"]
	if at == nil || ct0 == nil || !at.HttpOnly || !at.Secure || !ct0.Secure || ct0.HttpOnly ||
		at.Domain != "x.com" || ct0.Domain != "x.com" || at.Path != "/" || at.MaxAge <= 0 {
		t.Fatalf("cookies: %v", resp.Header["Set-Cookie"])
	}
	for _, want := range []string{"Keeping Spaces: a demo", `href="https://x.com/i/spaces/` + LegacyMasterID, KnownQueryIDs[0], "AudioSpaceById"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// The page's fresh session is accepted by the API.
	c := newClient(t, s)
	c.hc = hc
	c.at, c.ct0, c.csrf = at.Value, ct0.Value, ct0.Value
	c.metadata(DemoID)

	// Latency applies to every request.
	t0 := time.Now()
	get("/", "x.com").Body.Close()
	if d := time.Since(t0); d < 30*time.Millisecond {
		t.Errorf("a request took %v with 30ms latency", d)
	}

	// A mid-body reset also works over TLS (chunk 4 of FlakyChunksID).
	loc := c.location(FlakyChunksID)
	_, pl, _ := c.cdn(loc)
	var fifth string
	for _, l := range strings.Split(string(pl), "\n") {
		if strings.Contains(l, "_4_a.aac") {
			fifth = l
		}
	}
	chunkURL := loc[:strings.LastIndex(loc, "/")+1] + fifth
	if _, _, err := c.cdn(chunkURL); err == nil {
		t.Error("no error from a reset chunk over TLS")
	}
	if code, b, err := c.cdn(chunkURL); err != nil || code != 200 || len(b) < 1000 {
		t.Errorf("retry over TLS: %d %v", code, err)
	}

	resp = get("/i/spaces/"+DemoID+"/peek?logged_out=1", "mobile.twitter.com")
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.MaxAge >= 0 || ck.Domain != "twitter.com" {
			t.Errorf("logged out cookie not expired for twitter.com: %v", ck)
		}
	}
}

// fetchAll downloads every chunk of a media playlist, each until it
// succeeds, strips what precedes the ADTS audio and returns it joined.
func fetchAll(t *testing.T, c *client, playlistURL string) ([]byte, int) {
	t.Helper()
	code, pl, err := c.cdn(playlistURL)
	if err != nil || code != 200 {
		t.Fatalf("playlist %s: %d %v", playlistURL, code, err)
	}
	base, _ := url.Parse(playlistURL)
	var audio []byte
	n := 0
	for _, line := range strings.Split(string(pl), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		ref, _ := url.Parse(line)
		u := base.ResolveReference(ref).String()
		var body []byte
		for try := 0; ; try++ {
			code, b, err := c.cdn(u)
			if err == nil && code == 200 {
				body = b
				break
			}
			if try == 2 {
				t.Fatalf("chunk %s: %d %v", u, code, err)
			}
		}
		audio = append(audio, stripID3(t, body)...)
		n++
	}
	return audio, n
}

func stripID3(t *testing.T, b []byte) []byte {
	t.Helper()
	i := bytes.Index(b, []byte("ID3\x04\x00"))
	if i < 0 {
		t.Fatalf("no ID3 tag in chunk")
	}
	b = b[i:]
	size := int(b[6])<<21 | int(b[7])<<14 | int(b[8])<<7 | int(b[9])
	b = b[10+size:]
	if len(b) < 2 || b[0] != 0xFF || b[1]&0xF0 != 0xF0 {
		t.Fatalf("no ADTS after the ID3 tag")
	}
	return b
}

// TestReplayShapes resolves each audio shape as a robust engine would and
// proves with testaudio.Verify that the chunks make the whole recording.
func TestReplayShapes(t *testing.T) {
	needFFmpeg(t)
	s := start(t, Options{})
	c := newClient(t, s)
	cases := []struct {
		id     string
		chunks int
	}{{DemoID, 20}, {LegacyMasterID, 12}, {WrappedID, 8}, {TWPrefixID, 8}, {JunkID, 9}}
	for _, tc := range cases {
		loc := c.location(tc.id)
		switch {
		case strings.HasPrefix(loc, "https://twitter.com/"):
			u, _ := url.Parse(loc)
			loc = u.Query().Get("url")
			if !strings.HasPrefix(loc, s.CDNBase()) {
				t.Fatalf("wrapped url: %s", loc)
			}
		case strings.HasSuffix(loc, "master_playlist.m3u8"):
			_, master, _ := c.cdn(loc)
			lines := strings.Split(strings.TrimSpace(string(master)), "\n")
			variant := lines[len(lines)-1]
			if !strings.Contains(variant, "/transcode/") {
				t.Fatalf("variant %s", variant)
			}
			// Naively resolved, the variant's chunks do not exist.
			_, vpl, _ := c.cdn(s.CDNBase() + variant)
			first := firstChunk(t, vpl)
			slash := strings.LastIndex(variant, "/")
			if code, _, _ := c.cdn(s.CDNBase() + variant[:slash+1] + first); code != 404 {
				t.Fatalf("chunk under /transcode/: %d", code)
			}
			loc = strings.TrimSuffix(loc, "master_playlist.m3u8") + variant[slash+1:]
		}
		audio, n := fetchAll(t, c, loc)
		if n != tc.chunks {
			t.Fatalf("%s: %d chunks in the playlist, want %d", tc.id, n, tc.chunks)
		}
		f := filepath.Join(t.TempDir(), tc.id+".aac")
		os.WriteFile(f, audio, 0o644)
		if err := testaudio.Verify(context.Background(), "", f, tc.chunks); err != nil {
			t.Errorf("%s: %v", tc.id, err)
		}
	}
	for _, r := range s.Requests() {
		if r.Listener == "cdn" && r.HasCookie {
			t.Errorf("cookie sent to the CDN: %s", r.Path)
		}
	}
	if hits := s.ChunkHits(DemoID); len(hits) != 20 || hits[0] != 1 || hits[19] != 1 {
		t.Errorf("ChunkHits: %v", hits)
	}
}

func TestPlaylist404sAndVideo(t *testing.T) {
	s := start(t, Options{})
	c := newClient(t, s)
	loc := c.location(Playlist404ID)
	for i, want := range []int{404, 404, 200, 200} {
		if code, _, _ := c.cdn(loc); code != want {
			t.Fatalf("request %d: %d, want %d", i, code, want)
		}
	}
	loc = c.location(VideoID)
	if strings.Contains(loc, "audio-space") || !strings.Contains(loc, "/master_dynamic_") {
		t.Fatalf("video location %s", loc)
	}
	code, body, _ := c.cdn(loc)
	if code != 200 || !strings.Contains(string(body), "RESOLUTION=") {
		t.Fatalf("video master: %d %s", code, body)
	}
}

func TestChunkFaultsFireOnce(t *testing.T) {
	s := start(t, Options{})
	c := newClient(t, s)
	c.hc = &http.Client{Timeout: 10 * time.Second}
	_, pl, _ := c.cdn(c.location(FlakyChunksID))
	base := c.location(FlakyChunksID)
	base = base[:strings.LastIndex(base, "/")+1]
	var names []string
	for _, l := range strings.Split(string(pl), "\n") {
		if strings.HasPrefix(l, "chunk_") {
			names = append(names, l)
		}
	}
	// Spec: FailEvery 4 (index 3, 7, 11), ResetEvery 5 (4, 9), ShortEvery 7 (6, 13).
	want := map[int]string{3: "503", 7: "503", 11: "503", 4: "reset", 9: "reset", 6: "short", 13: "short"}
	for i, name := range names {
		code, _, err := c.cdn(base + name)
		got := "ok"
		switch {
		case err != nil && errors.Is(err, io.ErrUnexpectedEOF):
			got = "short"
		case err != nil && strings.Contains(err.Error(), "reset"):
			got = "reset"
		case err != nil:
			got = "error " + err.Error()
		case code != 200:
			got = strconv.Itoa(code)
		}
		w := want[i]
		if w == "" {
			w = "ok"
		}
		if got != w {
			t.Errorf("chunk %d first try: %s, want %s", i, got, w)
		}
		code, body, err := c.cdn(base + name)
		if err != nil || code != 200 || len(body) < 1000 {
			t.Errorf("chunk %d second try: %d %v", i, code, err)
		}
	}
	if hits := s.ChunkHits(FlakyChunksID); hits[3] != 2 || hits[0] != 2 || len(hits) != 14 {
		t.Errorf("hits %v", hits)
	}
	// A range request resumes inside a chunk.
	req, _ := http.NewRequest("GET", base+names[0], nil)
	req.Header.Set("Range", "bytes=100-")
	resp, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	_, full, _ := c.cdn(base + names[0])
	if resp.StatusCode != 206 || !bytes.Equal(b, full[100:]) {
		t.Errorf("range: %d, %d bytes", resp.StatusCode, len(b))
	}
}

func TestLivePlaylistGrows(t *testing.T) {
	s := start(t, Options{})
	s.AddSpace(SpaceSpec{ID: "1LiveTestAbcd", State: StateRunning, Chunks: 5, LiveInterval: 40 * time.Millisecond})
	c := newClient(t, s)
	loc := c.location("1LiveTestAbcd")
	if !strings.HasSuffix(loc, "/dynamic_playlist.m3u8?type=live") {
		t.Fatalf("live location %s", loc)
	}
	seq := func(pl string) int {
		i := strings.Index(pl, "#EXT-X-MEDIA-SEQUENCE:")
		n, _ := strconv.Atoi(strings.SplitN(pl[i+22:], "\n", 2)[0])
		return n
	}
	_, a, _ := c.cdn(loc)
	time.Sleep(150 * time.Millisecond)
	_, b, _ := c.cdn(loc)
	pa, pb := string(a), string(b)
	if strings.Count(pa, "#EXTINF:3.000,") != liveWindow || strings.Count(pa, "#EXT-X-PROGRAM-DATE-TIME:") != liveWindow ||
		strings.Contains(pa, "ENDLIST") || !strings.Contains(pa, "_a.aac?type=live") {
		t.Fatalf("live window:\n%s", pa)
	}
	if seq(pb) <= seq(pa) {
		t.Fatalf("window did not move: %d then %d", seq(pa), seq(pb))
	}
	master := strings.TrimSuffix(loc, "dynamic_playlist.m3u8?type=live") + "master_playlist.m3u8"
	_, m, _ := c.cdn(master)
	lines := strings.Split(strings.TrimSpace(string(m)), "\n")
	_, all, _ := c.cdn(s.CDNBase() + lines[len(lines)-1])
	if n := strings.Count(string(all), "#EXTINF"); n < seq(pb)+liveWindow {
		t.Fatalf("master variant lists %d chunks, window ends at %d", n, seq(pb)+liveWindow)
	}
	if err := s.EndSpace("1LiveTestAbcd"); err != nil {
		t.Fatal(err)
	}
	loc = c.location("1LiveTestAbcd")
	_, ended, _ := c.cdn(loc)
	if !strings.Contains(string(ended), "#EXT-X-ENDLIST") || !strings.Contains(loc, "type=replay") {
		t.Fatalf("after EndSpace: %s\n%s", loc, ended)
	}
}

// TestShaping measures loosely that the shared downlink and the
// per-connection cap slow transfers to about their rate.
func TestShaping(t *testing.T) {
	const downlink = 300_000
	s := start(t, Options{Downlink: downlink})
	c := newClient(t, s)
	_, pl, _ := c.cdn(c.location(DemoID))
	base := c.location(DemoID)
	base = base[:strings.LastIndex(base, "/")+1]
	var names []string
	for _, l := range strings.Split(string(pl), "\n") {
		if strings.HasPrefix(l, "chunk_") {
			names = append(names, l)
		}
	}
	names = names[:4]
	var total int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	t0 := time.Now()
	for _, n := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, b, err := c.cdn(base + n)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			total += int64(len(b))
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(t0).Seconds()
	ideal := float64(total) / downlink
	t.Logf("%d bytes in %.2fs, downlink allows %.2fs; max concurrent %d", total, elapsed, ideal, s.MaxConcurrentChunks())
	if elapsed < 0.7*ideal || elapsed > 4*ideal+1 {
		t.Errorf("%d bytes took %.2fs; the downlink allows %.2fs", total, elapsed, ideal)
	}
	if s.MaxConcurrentChunks() < 2 {
		t.Errorf("MaxConcurrentChunks = %d with 4 parallel fetches", s.MaxConcurrentChunks())
	}

	s2 := start(t, Options{ConnBandwidth: 200_000})
	c2 := newClient(t, s2)
	loc := c2.location(DemoID)
	_, pl2, _ := c2.cdn(loc)
	first := firstChunk(t, pl2)
	t0 = time.Now()
	_, b, err := c2.cdn(loc[:strings.LastIndex(loc, "/")+1] + first)
	elapsed = time.Since(t0).Seconds()
	ideal = float64(len(b)) / 200_000
	if err != nil || elapsed < 0.7*ideal || elapsed > 4*ideal+1 {
		t.Errorf("per-connection cap: %d bytes in %.2fs, want about %.2fs (%v)", len(b), elapsed, ideal, err)
	}
}

func TestChunkTag(t *testing.T) {
	tag := chunkTag(time.Date(2024, 7, 5, 15, 17, 40, 257e6, time.UTC), []byte(`[]`), []byte(`[46]`))
	if !bytes.HasPrefix(tag, []byte("ID3\x04\x00\x00")) || !bytes.Contains(tag, []byte("PRIVcom.apple")) && !bytes.Contains(tag, []byte("com.apple.streaming.transportStreamTimestamp\x00")) {
		t.Fatalf("tag % x", tag[:16])
	}
	size := int(tag[6])<<21 | int(tag[7])<<14 | int(tag[8])<<7 | int(tag[9])
	if size != len(tag)-10 {
		t.Fatalf("tag size %d, have %d", size, len(tag)-10)
	}
	if !bytes.Contains(tag, []byte(`{"HydraVersion":4,"ntp":3929181460.257}`)) {
		t.Errorf("JSONMetadata missing: %q", tag)
	}
	if !bytes.Contains(tag, []byte(fmt.Sprintf("HydraAudioLevel\x00%s", "[46]"))) {
		t.Errorf("HydraAudioLevel missing: %q", tag)
	}
}

func firstChunk(t *testing.T, playlist []byte) string {
	t.Helper()
	for _, l := range strings.Split(string(playlist), "\n") {
		if strings.HasPrefix(l, "chunk_") {
			return l
		}
	}
	t.Fatalf("no chunk in playlist:\n%s", playlist)
	return ""
}

// TestExtinfModes: the chunks hold 140, 141 and 142 frames whatever the
// playlist says, and the playlist says it as the world does: rounded to
// 3.000 (the default), as an integer in a version 3 list, or exact. By
// default some chunks carry junk before their tag.
func TestExtinfModes(t *testing.T) {
	s := start(t, Options{})
	c := newClient(t, s)
	for _, mode := range []string{"", ExtinfRounded, ExtinfInteger, ExtinfExact} {
		id := "1Extinf" + mode
		s.AddSpace(SpaceSpec{ID: id, State: StateEnded, Replayable: true, Chunks: 6, Extinf: mode})
		loc := c.location(id)
		_, pl, _ := c.cdn(loc)
		base := loc[:strings.LastIndex(loc, "/")+1]
		var listed []string
		sizes, junked := map[int]bool{}, 0
		lines := strings.Split(string(pl), "\n")
		for i, l := range lines {
			v, ok := strings.CutPrefix(l, "#EXTINF:")
			if !ok {
				continue
			}
			listed = append(listed, strings.TrimSuffix(v, ","))
			_, body, err := c.cdn(base + lines[i+1])
			if err != nil {
				t.Fatal(err)
			}
			if body[0] == 0x47 {
				junked++
			}
			frames, err := adts.Frames(body)
			if err != nil {
				t.Fatal(err)
			}
			sizes[frames] = true
			want := fmt.Sprintf("%.3f", float64(frames*1024)/testaudio.SampleRate)
			switch mode {
			case ExtinfExact:
			case ExtinfInteger:
				want = "3"
			default:
				want = "3.000"
			}
			if got := listed[len(listed)-1]; got != want {
				t.Errorf("mode %q: a chunk of %d frames is listed as %s, want %s", mode, frames, got, want)
			}
		}
		if len(listed) != 6 || len(sizes) != 3 {
			t.Errorf("mode %q: %d chunks listed, frame counts %v; want 6 chunks of 140, 141 and 142 frames", mode, len(listed), sizes)
		}
		version := "#EXT-X-VERSION:6\n"
		if mode == ExtinfInteger {
			version = "#EXT-X-VERSION:3\n"
		}
		if !strings.Contains(string(pl), version) {
			t.Errorf("mode %q: playlist without %q:\n%s", mode, version, pl)
		}
		if junked != 1 {
			t.Errorf("mode %q: %d of 6 chunks start with junk, want 1 (every 5th by default)", mode, junked)
		}
	}
}

// TestChunksNeedNoFFmpeg: with no ffmpeg on PATH and an empty temp folder
// (a newcomer's machine, `make demo`), the fake still serves its audio;
// it used to answer HTTP 500, which looked like X failing.
func TestChunksNeedNoFFmpeg(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("TMPDIR", t.TempDir())
	s := start(t, Options{})
	c := newClient(t, s)
	audio, n := fetchAll(t, c, c.location(DemoID))
	if frames, err := adts.Frames(audio); n != 20 || err != nil || frames != int(math.Round(testaudio.Length(20)*testaudio.SampleRate/1024)) {
		t.Fatalf("%d chunks, %d frames (%v)", n, frames, err)
	}
}
