package xapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
)

// The Hydra tags in each audio chunk (X-FACTS §8): an ID3v2.4 tag whose
// TXXX frames say who is on stage (HydraParticipants) and how loud each
// one is (HydraAudioLevel: element 0 the host, element i+1 the i-th
// participant), with the time in TIT3 and JSONMetadata (NTP seconds).

// ntpUnix is the seconds between the NTP epoch (1900) and the Unix epoch.
const ntpUnix = 2208988800

// HydraParticipant is one on-stage participant other than the host, as a
// HydraParticipants frame lists them.
type HydraParticipant struct {
	Index      int    // ParticipantIndex, X's own number
	UserID     string // periscope user id
	Handle     string // screen name, without "@"
	Name       string // display name, when the tag has one
	ProfileURL string
}

// HydraSample is what one ID3 tag of a chunk says.
type HydraSample struct {
	// NTP is the tag's time in NTP seconds (since 1900), 0 when it has none.
	NTP float64
	// Participants is who besides the host is on stage; HasParticipants
	// is false when the tag has no HydraParticipants frame.
	Participants    []HydraParticipant
	HasParticipants bool
	// Levels are the audio levels, host first; HasLevels is false when the
	// tag has no HydraAudioLevel frame.
	Levels    []int
	HasLevels bool
}

// Unix is the sample's time in Unix seconds, 0 when unknown.
func (s HydraSample) Unix() float64 {
	if s.NTP <= ntpUnix {
		return 0
	}
	return s.NTP - ntpUnix
}

// HydraLevelOn is the level from which X's own tools take a person to be
// talking (hovtgc/x-spaces-transcription uses 8).
const HydraLevelOn = 8

// ErrNoHydra is returned for a tag that holds no Hydra frame at all.
var ErrNoHydra = errors.New("no Hydra frames in the ID3 tag")

// ParseHydraTag reads one ID3v2 tag (as found at the start of, or between
// the frames of, a chunk). A tag without Hydra frames gives ErrNoHydra;
// malformed tags and payloads give an error saying what was wrong, with
// whatever could be read.
func ParseHydraTag(tag []byte) (HydraSample, error) {
	var s HydraSample
	frames, err := id3Frames(tag)
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	seen := false
	for _, f := range frames {
		switch f.id {
		case "TIT3":
			if s.NTP == 0 {
				if v, err := strconv.ParseFloat(strings.TrimSpace(id3Text(f.body)), 64); err == nil && v > 0 {
					s.NTP = v
				}
			}
		case "TXXX":
			desc, val := txxx(f.body)
			switch desc {
			case "JSONMetadata":
				var m struct {
					NTP json.Number `json:"ntp"`
				}
				if json.Unmarshal([]byte(val), &m) == nil {
					if v, err := m.NTP.Float64(); err == nil && v > 0 {
						s.NTP = v
					}
				}
			case "HydraParticipants":
				seen = true
				ps, err := parseParticipants(val)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				s.Participants, s.HasParticipants = ps, true
			case "HydraAudioLevel":
				seen = true
				var lv []float64
				if err := json.Unmarshal([]byte(val), &lv); err != nil {
					errs = append(errs, fmt.Errorf("HydraAudioLevel is not an array of numbers: %w", err))
					continue
				}
				s.Levels = make([]int, len(lv))
				for i, v := range lv {
					s.Levels[i] = int(v)
				}
				s.HasLevels = true
			}
		}
	}
	if len(errs) > 0 {
		return s, errors.Join(errs...)
	}
	if !seen {
		return s, ErrNoHydra
	}
	return s, nil
}

func parseParticipants(val string) ([]HydraParticipant, error) {
	var raw []struct {
		Index       flexString `json:"ParticipantIndex"`
		UserID      flexString `json:"UserId"`
		UserName    string     `json:"UserName"`
		DisplayName string     `json:"DisplayName"`
		ProfileURL  string     `json:"ProfileUrl"`
	}
	if err := json.Unmarshal([]byte(val), &raw); err != nil {
		return nil, fmt.Errorf("HydraParticipants is not a list of participants: %w", err)
	}
	ps := make([]HydraParticipant, 0, len(raw))
	for _, r := range raw {
		idx, _ := strconv.Atoi(string(r.Index))
		ps = append(ps, HydraParticipant{Index: idx, UserID: string(r.UserID), Handle: strings.TrimPrefix(r.UserName, "@"),
			Name: r.DisplayName, ProfileURL: r.ProfileURL})
	}
	return ps, nil
}

type id3Frame struct {
	id   string
	body []byte
}

// id3Frames splits an ID3v2.3/2.4 tag into its frames. It stops at padding
// or at the first frame that does not fit, returning the frames before it.
func id3Frames(tag []byte) ([]id3Frame, error) {
	if len(tag) < 10 || string(tag[:3]) != "ID3" {
		return nil, errors.New("not an ID3v2 tag")
	}
	ver, flags := tag[3], tag[5]
	if ver < 3 || ver > 4 {
		return nil, fmt.Errorf("ID3v2.%d tags are not read", ver)
	}
	size := int(tag[6]&0x7F)<<21 | int(tag[7]&0x7F)<<14 | int(tag[8]&0x7F)<<7 | int(tag[9]&0x7F)
	body := tag[10:]
	if size < len(body) {
		body = body[:size]
	}
	if flags&0x80 != 0 && ver == 3 { // v2.3 unsynchronises the whole tag
		body = unsync(body)
	}
	if flags&0x40 != 0 { // extended header: skip it
		if len(body) < 4 {
			return nil, errors.New("ID3 extended header cut short")
		}
		n := int(be32(body))
		if ver == 4 {
			n = syncsafe(body)
		} else {
			n += 4
		}
		if n < 4 || n > len(body) {
			return nil, errors.New("ID3 extended header larger than the tag")
		}
		body = body[n:]
	}
	var out []id3Frame
	for len(body) >= 10 {
		if body[0] == 0 {
			break // padding
		}
		id := string(body[:4])
		for _, c := range id {
			if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				return out, fmt.Errorf("bad ID3 frame id %q", id)
			}
		}
		n := int(be32(body[4:]))
		if ver == 4 {
			n = syncsafe(body[4:])
		}
		fflags := body[9]
		if n < 0 || 10+n > len(body) {
			return out, fmt.Errorf("ID3 frame %s runs past the tag", id)
		}
		fb := body[10 : 10+n]
		if ver == 4 && fflags&0x02 != 0 {
			fb = unsync(fb)
		}
		if ver == 4 && fflags&0x01 != 0 && len(fb) >= 4 { // data length indicator
			fb = fb[4:]
		}
		out = append(out, id3Frame{id: id, body: fb})
		body = body[10+n:]
	}
	return out, nil
}

func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func syncsafe(b []byte) int {
	return int(b[0]&0x7F)<<21 | int(b[1]&0x7F)<<14 | int(b[2]&0x7F)<<7 | int(b[3]&0x7F)
}

// unsync undoes ID3 unsynchronisation: FF 00 becomes FF.
func unsync(b []byte) []byte {
	if !bytes.Contains(b, []byte{0xFF, 0}) {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		out = append(out, b[i])
		if b[i] == 0xFF && i+1 < len(b) && b[i+1] == 0 {
			i++
		}
	}
	return out
}

// id3Text decodes a text frame body: an encoding byte, then the text.
func id3Text(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	s, _ := decodeText(b[0], b[1:])
	return strings.TrimRight(s, "\x00")
}

// txxx splits a TXXX body into its description and value.
func txxx(b []byte) (desc, val string) {
	if len(b) == 0 {
		return "", ""
	}
	enc, rest := b[0], b[1:]
	d, v := splitTerm(enc, rest)
	ds, _ := decodeText(enc, d)
	vs, _ := decodeText(enc, v)
	return ds, strings.TrimRight(vs, "\x00")
}

// splitTerm splits at the first NUL (two aligned NULs in UTF-16).
func splitTerm(enc byte, b []byte) ([]byte, []byte) {
	if enc == 1 || enc == 2 {
		for i := 0; i+1 < len(b); i += 2 {
			if b[i] == 0 && b[i+1] == 0 {
				return b[:i], b[i+2:]
			}
		}
		return b, nil
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i], b[i+1:]
	}
	return b, nil
}

func decodeText(enc byte, b []byte) (string, error) {
	switch enc {
	case 0: // ISO-8859-1
		r := make([]rune, len(b))
		for i, c := range b {
			r[i] = rune(c)
		}
		return string(r), nil
	case 1, 2: // UTF-16 with BOM, UTF-16BE
		big := enc == 2
		if len(b) >= 2 && b[0] == 0xFF && b[1] == 0xFE {
			big, b = false, b[2:]
		} else if len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF {
			big, b = true, b[2:]
		}
		u := make([]uint16, len(b)/2)
		for i := range u {
			if big {
				u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
			} else {
				u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
			}
		}
		return string(utf16.Decode(u)), nil
	case 3:
		return string(b), nil
	}
	return "", fmt.Errorf("unknown ID3 text encoding %d", enc)
}

// flexString reads a JSON string or number as text: ids come both ways,
// and a 19-digit number must not pass through float64.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	if string(b) == "null" {
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexString(n)
	return nil
}
