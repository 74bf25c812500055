package fakex

import (
	"bytes"
	"strings"
	"testing"
)

// The Spaces with video look as X-FACTS §4 and §7 say: a master of masters
// whose audio-only variant sits between two video ones, and a master of
// video variants only, whose chunks are real MPEG-TS (sync byte every 188
// bytes); VideoNoSound takes the AAC packets out.
func TestVideoShapes(t *testing.T) {
	s := start(t, Options{})
	c := newClient(t, s)
	loc := c.location(VideoAudioID)
	if strings.Contains(loc, "audio-space") || !strings.Contains(loc, "/master_master_playlist.m3u8") {
		t.Fatalf("location %s", loc)
	}
	_, body, _ := c.cdn(loc)
	var codecs []string
	for _, l := range strings.Split(string(body), "\n") {
		if _, attrs, ok := strings.Cut(l, "CODECS=\""); ok {
			codecs = append(codecs, strings.TrimSuffix(attrs, "\""))
		}
	}
	if len(codecs) != 3 || codecs[1] != "mp4a.40.2" || !strings.HasPrefix(codecs[0], "avc1") || !strings.HasPrefix(codecs[2], "avc1") {
		t.Fatalf("variants %v, want the audio-only one between two video ones:\n%s", codecs, body)
	}

	loc = c.location(VideoID)
	_, master, _ := c.cdn(loc)
	if strings.Contains(string(master), `CODECS="mp4a.40.2"`) {
		t.Fatalf("the video-only master lists an audio-only variant:\n%s", master)
	}
	dir := loc[:strings.LastIndexByte(loc, '/')+1]
	var list string
	for _, l := range strings.Split(string(master), "\n") {
		if strings.HasSuffix(l, ".m3u8") {
			list = l
		}
	}
	_, media, _ := c.cdn(dir + list)
	var chunk string
	for _, l := range strings.Split(string(media), "\n") {
		if strings.HasSuffix(l, ".ts") {
			chunk = l
			break
		}
	}
	code, ts, _ := c.cdn(dir + chunk)
	if code != 200 || len(ts) < 188*10 || len(ts)%188 != 0 {
		t.Fatalf("TS chunk %s: %d, %d bytes", chunk, code, len(ts))
	}
	for p := 0; p < len(ts); p += 188 {
		if ts[p] != 0x47 {
			t.Fatalf("no sync byte at %d", p)
		}
	}
	spec, _ := s.Space(VideoID)
	spec.VideoNoSound = true
	s.AddSpace(spec)
	_, silent, _ := c.cdn(dir + chunk)
	if len(silent) >= len(ts) || !bytes.Equal(silent[:188], ts[:188]) {
		t.Errorf("VideoNoSound: %d bytes of %d", len(silent), len(ts))
	}
}
