package xapi

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// id3 builds an ID3v2.<ver> tag from frames (id, body).
func id3(ver byte, frames ...[2]string) []byte {
	var fb bytes.Buffer
	for _, f := range frames {
		fb.WriteString(f[0])
		n := len(f[1])
		if ver == 4 {
			fb.Write([]byte{byte(n >> 21 & 0x7F), byte(n >> 14 & 0x7F), byte(n >> 7 & 0x7F), byte(n & 0x7F)})
		} else {
			fb.Write([]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
		}
		fb.Write([]byte{0, 0})
		fb.WriteString(f[1])
	}
	fb.Write(make([]byte, 7)) // padding
	n := fb.Len()
	tag := []byte{'I', 'D', '3', ver, 0, 0, byte(n >> 21 & 0x7F), byte(n >> 14 & 0x7F), byte(n >> 7 & 0x7F), byte(n & 0x7F)}
	return append(tag, fb.Bytes()...)
}

func txxxFrame(desc, val string) [2]string { return [2]string{"TXXX", "\x03" + desc + "\x00" + val} }

func TestParseHydraTag(t *testing.T) {
	// The values of x-samples/chunk_metadata_ffprobe.txt, plus two people on stage.
	tag := id3(4,
		[2]string{"PRIV", "com.apple.streaming.transportStreamTimestamp\x00\x00\x00\x00\x00\x86\xa9\x9d\xfa"},
		[2]string{"TIT3", "\x033894606003.284"},
		txxxFrame("JSONMetadata", `{"HydraVersion":4,"ntp":3894606003.284}`),
		txxxFrame("HydraParticipants", `[{"ParticipantIndex":1,"UserId":"1yoKMZ","UserName":"ada","SessionId":"s","ProfileUrl":"https://pbs.twimg.com/a_normal.jpg"},{"ParticipantIndex":3,"UserId":1234567890123456789,"UserName":"grace"}]`),
		txxxFrame("HydraAudioLevel", `[46,0,12]`),
	)
	s, err := ParseHydraTag(tag)
	if err != nil {
		t.Fatal(err)
	}
	want := HydraSample{NTP: 3894606003.284, HasParticipants: true, HasLevels: true, Levels: []int{46, 0, 12},
		Participants: []HydraParticipant{{Index: 1, UserID: "1yoKMZ", Handle: "ada", ProfileURL: "https://pbs.twimg.com/a_normal.jpg"},
			{Index: 3, UserID: "1234567890123456789", Handle: "grace"}}}
	if !reflect.DeepEqual(s, want) {
		t.Fatalf("got  %+v\nwant %+v", s, want)
	}
	if u := s.Unix(); u < 1685617203 || u > 1685617204 {
		t.Errorf("Unix = %v", u)
	}
}

func TestParseHydraTagVariants(t *testing.T) {
	// ID3v2.3 (plain sizes) and a UTF-16 TXXX.
	utf16 := "\x01\xff\xfeH\x00y\x00d\x00r\x00a\x00A\x00u\x00d\x00i\x00o\x00L\x00e\x00v\x00e\x00l\x00\x00\x00\xff\xfe[\x00" + "9\x00]\x00"
	s, err := ParseHydraTag(id3(3, [2]string{"TXXX", utf16}))
	if err != nil || !s.HasLevels || !reflect.DeepEqual(s.Levels, []int{9}) || s.HasParticipants {
		t.Fatalf("v2.3 UTF-16: %+v %v", s, err)
	}
	// No Hydra frames: a replay that lost them.
	if _, err := ParseHydraTag(id3(4, [2]string{"TIT3", "\x031"})); !errors.Is(err, ErrNoHydra) {
		t.Errorf("no Hydra frames: %v", err)
	}
	// Bad JSON in one frame: the other is still read, and the error says which.
	s, err = ParseHydraTag(id3(4, txxxFrame("HydraParticipants", `[{"ParticipantIndex":`), txxxFrame("HydraAudioLevel", `[1,2]`)))
	if err == nil || !s.HasLevels || s.HasParticipants || !bytes.Contains([]byte(err.Error()), []byte("HydraParticipants")) {
		t.Errorf("bad participants: %+v %v", s, err)
	}
	for name, b := range map[string][]byte{
		"empty":     nil,
		"not ID3":   []byte("ID2\x04\x00\x00\x00\x00\x00\x00"),
		"v2.2":      []byte("ID3\x02\x00\x00\x00\x00\x00\x00"),
		"cut frame": id3(4, txxxFrame("HydraAudioLevel", "[1]"))[:20],
	} {
		if _, err := ParseHydraTag(b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func FuzzParseHydraTag(f *testing.F) {
	f.Add(id3(4, txxxFrame("HydraParticipants", `[{"ParticipantIndex":1,"UserId":"x","UserName":"a"}]`), txxxFrame("HydraAudioLevel", `[46,3]`)))
	f.Add(id3(3, [2]string{"TXXX", "\x01\xff\xfeA\x00\x00\x00"}))
	f.Add([]byte("ID3\x04\x00\x40\x00\x00\x00\x10\x00\x00\x00\x06\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, _ := ParseHydraTag(b) // must not panic or hang
		if !s.HasLevels && len(s.Levels) > 0 {
			t.Fatalf("levels without HasLevels: %+v", s)
		}
	})
}
