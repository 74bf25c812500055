package e2e

import (
	"bytes"
	"context"
	"encoding/pem"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/internal/testbin"
	"github.com/spacekeep/spacekeep/host/testaudio"
	"github.com/spacekeep/spacekeep/protocol"
)

// TestDownloadFromGroundWeDidNotBuild downloads with the real binary from
// a plain net/http FileServer over TLS, not the project's fake: playlists
// written by hand, chunk files of 140 to 142 AAC frames (2.987 to 3.029 s)
// behind an ID3 tag (one with junk in front), listed as #EXTINF:3.000 in
// one list and as the integer #EXTINF:3 (VERSION 3) in another, and a
// minimal API answer pointing at them. ffprobe must find the audio of the
// frames in the file, not the sum of the EXTINFs.
func TestDownloadFromGroundWeDidNotBuild(t *testing.T) {
	const n = 12
	dir := t.TempDir()
	chunks, err := testaudio.Generate(n)
	if err != nil {
		t.Fatal(err)
	}
	hls := filepath.Join(dir, "Transcoding", "v1", "hls", "abc", "non_transcode", "us-east-1", "bucket", "audio-space")
	if err := os.MkdirAll(hls, 0o755); err != nil {
		t.Fatal(err)
	}
	rounded := "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n"
	integer := "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n"
	for i, c := range chunks {
		name := fmt.Sprintf("chunk_17196000%011d_%d_a.aac", i, i)
		body := append(id3v24("TIT3", strconv.Itoa(3900000000+3*i)), c...)
		if i == 4 {
			body = append([]byte{0x47, 0x41, 0x00, 0x30, 0x07, 0x50}, body...) // part of a TS header
		}
		if err := os.WriteFile(filepath.Join(hls, name), body, 0o644); err != nil {
			t.Fatal(err)
		}
		rounded += "#EXTINF:3.000,\n" + name + "?type=replay\n"
		integer += "#EXTINF:3,\n" + name + "?type=replay\n"
	}
	for name, body := range map[string]string{"playlist_1.m3u8": rounded, "playlist_2.m3u8": integer} {
		if err := os.WriteFile(filepath.Join(hls, name), []byte(body+"#EXT-X-ENDLIST\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	playlist := "playlist_1.m3u8"
	files := http.FileServer(http.Dir(dir))
	var srv *httptest.Server
	srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/Transcoding/"):
			if r.Header.Get("Cookie") != "" {
				t.Errorf("a cookie went to the CDN")
			}
			files.ServeHTTP(w, r)
		case strings.Contains(r.URL.Path, "/AudioSpaceById"):
			fmt.Fprint(w, `{"data":{"audioSpace":{"metadata":{"rest_id":"1IndepGround1","state":"Ended","title":"Independent ground",
				"media_key":"28_1790000000000000000","created_at":1719590000000,"started_at":1719590001000,"ended_at":"1719590041000",
				"is_space_available_for_replay":true,"creator_results":{"result":{"rest_id":"42","core":{"name":"Ground","screen_name":"ground"}}}},
				"participants":{"total":1,"admins":[],"speakers":[],"listeners":[]}}}}`)
		case strings.HasPrefix(r.URL.Path, "/i/api/1.1/live_video_stream/status/"):
			fmt.Fprintf(w, `{"source":{"location":"%s/Transcoding/v1/hls/abc/non_transcode/us-east-1/bucket/audio-space/%s?type=replay"}}`, srv.URL, playlist)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	cert := filepath.Join(dir, "cert.pem")
	if err := os.WriteFile(cert, pemOf(srv.Certificate().Raw), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, playlist = range []string{"playlist_1.m3u8", "playlist_2.m3u8"} {
		home, out := t.TempDir(), t.TempDir()
		cmd := exec.Command(bin, "download", "-o", out, "1IndepGround1")
		cmd.Env = append(testbin.HomeEnv(home), "SPACEKEEP_NO_SERVICE=1", "SPACEKEEP_API_BASE="+srv.URL,
			"SPACEKEEP_AUTH_TOKEN=a0b1c2", "SPACEKEEP_CT0=d3e4f5", "SSL_CERT_FILE="+cert)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s: %v\n%s", playlist, err, stderr.String())
		}
		lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
		file := lines[len(lines)-1]
		probe, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file).Output()
		if err != nil {
			t.Fatalf("%s: ffprobe %s: %v", playlist, file, err)
		}
		got, err := strconv.ParseFloat(strings.TrimSpace(string(probe)), 64)
		if err != nil {
			t.Fatal(err)
		}
		// 36.096 s of frames against 36 s of EXTINF: the file holds the frames.
		if want := testaudio.Length(n); math.Abs(got-want) > 0.01 {
			t.Fatalf("%s: ffprobe says %.3f s, want the frames' %.3f s (EXTINF sums to %d s)", playlist, got, want, 3*n)
		}
		if err := testaudio.Verify(context.Background(), "ffmpeg", file, n); err != nil {
			t.Fatalf("%s: %v", playlist, err)
		}
	}
}

// id3v24 is a minimal ID3v2.4 tag with one text frame.
func id3v24(id, text string) []byte {
	body := append([]byte{3}, text...)
	frame := append([]byte(id), syncsafe(len(body))...)
	frame = append(append(frame, 0, 0), body...)
	return append(append([]byte("ID3\x04\x00\x00"), syncsafe(len(frame))...), frame...)
}

func syncsafe(n int) []byte {
	return []byte{byte(n >> 21 & 0x7F), byte(n >> 14 & 0x7F), byte(n >> 7 & 0x7F), byte(n & 0x7F)}
}

// pemOf is a DER certificate in PEM, for SSL_CERT_FILE.
func pemOf(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// TestAudioShortOfThePlaylistExits17: X serves every chunk 0.4 s short of
// its EXTINF, twice alike, so the file holds 4 s less than the playlist's
// 30 s: it is kept, the path printed, the loss said, and the exit status
// is 17 (saved with gaps), not a failure.
func TestAudioShortOfThePlaylistExits17(t *testing.T) {
	const id = "1LeanAllAlong"
	f := newFixture(t, fakex.Options{}, fakex.SpaceSpec{ID: id, State: fakex.StateEnded, Replayable: true, Chunks: 10, LeanEvery: 1})
	stdout, stderr, code := f.run("download", "-o", f.out, "--no-captions", id)
	if code != protocol.ExitIncomplete {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, protocol.ExitIncomplete, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if _, err := os.Stat(lines[len(lines)-1]); err != nil {
		t.Fatalf("the file is not kept: %v", err)
	}
	if !strings.Contains(stderr, "less audio than the playlist lists") || strings.Contains(stderr, "audio is missing") {
		t.Errorf("stderr:\n%s", stderr)
	}
}
