package record

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestRoundTrip(t *testing.T) {
	in := &Record{ID: "1OyKAWgagpqJb", Title: "A <b>&", Status: StatusEnded,
		StartedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), DurationS: 12.5,
		Host:  Person{Handle: "host", Name: "Host"},
		Turns: []Turn{{StartS: 0, EndS: 4, Handle: "host"}},
		Files: []File{{Name: "x.info.json", Kind: KindInfo}, {Name: "x.m4a", Kind: KindAudio, Size: 3}}}
	var b bytes.Buffer
	if err := Encode(&b, in); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"schema": 1`) || !strings.Contains(b.String(), "A <b>&") {
		t.Fatalf("encoded: %s", b.String())
	}
	out, err := Decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	if out.Title != in.Title || !out.StartedAt.Equal(in.StartedAt) || out.Audio() != "x.m4a" || len(out.Turns) != 1 {
		t.Fatalf("round trip: %+v", out)
	}
}

func TestDecodeRefuses(t *testing.T) {
	for name, s := range map[string]string{
		"newer schema": `{"schema": 2, "id": "x"}`,
		"no schema":    `{"id": "x"}`,
		"no id":        `{"schema": 1}`,
		"not json":     `{"schema": 1,`,
	} {
		if _, err := Decode(strings.NewReader(s)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestEncodeListedKnowsItsOwnSize: the record lists itself with the size it
// has on disk, whatever the number of digits that size takes.
func TestEncodeListedKnowsItsOwnSize(t *testing.T) {
	for _, pad := range []int{0, 9950, 99960, 999970} {
		r := &Record{ID: "x", Title: strings.Repeat("a", pad), Files: []File{{Name: "x.m4a", Kind: KindAudio, Size: 12}}}
		b, err := EncodeListed(r, "x.info.json")
		if err != nil {
			t.Fatal(err)
		}
		back, err := Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if n := len(back.Files); n != 2 || back.Files[1] != (File{Name: "x.info.json", Kind: KindInfo, Size: int64(len(b))}) {
			t.Errorf("pad %d: files %+v, the record is %d bytes", pad, back.Files, len(b))
		}
	}
}
