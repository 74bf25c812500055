package tsaudio

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/spacekeep/spacekeep/host/adts"
	"github.com/spacekeep/spacekeep/host/testaudio"
)

func chunk(t *testing.T, i int) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "fakex", "testdata", "video", "chunk_"+string(rune('0'+i))+".ts"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The fake's TS chunks (made by ffmpeg from testaudio chunk i and a test
// picture) give back exactly that chunk's AAC frames.
func TestADTSFromRealTSChunks(t *testing.T) {
	for i := range 4 {
		b := chunk(t, i)
		if !IsTS(b) {
			t.Fatalf("chunk %d not seen as MPEG-TS", i)
		}
		s, err := Probe(b)
		if err != nil || !s.Audio || !s.Video {
			t.Fatalf("chunk %d: %+v %v, want audio and video", i, s, err)
		}
		audio, err := ADTS(b)
		if err != nil {
			t.Fatalf("chunk %d: %v", i, err)
		}
		st := adts.Inspect(audio)
		if st.Frames != testaudio.Frames(i) || st.SampleRate != testaudio.SampleRate {
			t.Errorf("chunk %d: %d frames at %d Hz, want %d at %d", i, st.Frames, st.SampleRate, testaudio.Frames(i), testaudio.SampleRate)
		}
	}
}

func TestADTSRefusesWhatIsNotTS(t *testing.T) {
	b := chunk(t, 0)
	audio, _ := ADTS(b)
	for name, in := range map[string][]byte{
		"empty": nil,
		"adts":  audio,
		"html":  []byte("<html>error</html>"),
		"cut":   b[:len(b)/3],
		"zeros": bytes.Repeat([]byte{0x47, 0, 0, 0}, 500),
	} {
		out, err := ADTS(in)
		if err == nil && name != "cut" {
			t.Errorf("%s: got %d bytes of audio, want an error", name, len(out))
		}
	}
}

func FuzzADTS(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("..", "fakex", "testdata", "video", "chunk_0.ts"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b[:188*20])
	f.Add([]byte{0x47})
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := ADTS(in)
		if err == nil && adts.Inspect(out).Bytes != len(out) {
			t.Fatalf("ADTS returned bytes that are not whole frames")
		}
	})
}
