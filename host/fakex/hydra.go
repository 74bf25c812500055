package fakex

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/spacekeep/spacekeep/host/testaudio"
)

// Talk is one person speaking, which the chunks' HydraAudioLevel frames
// show: Who 0 is the host, k >= 1 the k-th of SpaceSpec.Speakers. From
// and To are seconds from the start of the audio.
type Talk struct {
	Who      int
	From, To float64
}

// Away is a speaker (Who >= 1) off the stage for a while: missing from
// HydraParticipants, so the indexes of those after them shift.
type Away struct {
	Who      int
	From, To float64
}

// tagEvery is how many AAC frames lie between two ID3 tags in a chunk:
// about one second (47 × 1024 / 48 kHz), as X samples the levels.
const tagEvery = 47

// tagsPerChunk numbers tags for BadHydraEvery: about 3 s of audio, one a second.
const tagsPerChunk = 3

// taggedAudio is chunk seq's body after any junk: an ID3 tag, then the
// ADTS frames with another tag before every tagEvery-th frame, like the
// timed metadata of X's chunks.
func (sp *space) taggedAudio(seq int, audio []byte) []byte {
	var buf bytes.Buffer
	frame := 0
	for pos := 0; pos < len(audio); {
		n := adtsLen(audio[pos:])
		if n <= 0 || pos+n > len(audio) {
			buf.Write(audio[pos:]) // not ADTS: pass it on as is
			break
		}
		if frame%tagEvery == 0 {
			at := float64(frame*1024) / testaudio.SampleRate
			buf.Write(sp.hydraTag(seq, at))
		}
		buf.Write(audio[pos : pos+n])
		pos += n
		frame++
	}
	return padFirstTag(buf.Bytes(), int(testaudio.Seconds(seq)*chunkBitrate/8))
}

// chunkBitrate is the rate of X's chunks, in bits per second. The embedded
// audio is coded at a lower rate to stay small; padding in each chunk's
// first tag makes up the bytes, so that a transfer weighs what X's does.
const chunkBitrate = 96_000

// padFirstTag grows the ID3 tag at the start of chunk b with padding (zero
// bytes after its frames, as ID3v2.4 allows) until b is size bytes long.
func padFirstTag(b []byte, size int) []byte {
	n := size - len(b)
	if n <= 0 || len(b) < 10 || string(b[:3]) != "ID3" {
		return b
	}
	body := int(b[6])<<21 | int(b[7])<<14 | int(b[8])<<7 | int(b[9])
	end := 10 + body
	out := make([]byte, 0, size)
	out = append(out, b[:6]...)
	out = append(out, syncsafe(body+n)...)
	out = append(out, b[10:end]...)
	out = append(out, make([]byte, n)...)
	return append(out, b[end:]...)
}

func adtsLen(b []byte) int {
	if len(b) < 7 || b[0] != 0xFF || b[1]&0xF0 != 0xF0 {
		return 0
	}
	return int(b[3]&0x03)<<11 | int(b[4])<<3 | int(b[5])>>5
}

// hydraTag is the tag at seconds at into chunk seq.
func (sp *space) hydraTag(seq int, at float64) []byte {
	wall := sp.chunkTime(seq).Add(time.Duration(at * float64(time.Second)))
	audioT := testaudio.Start(seq) + at
	if sp.spec.NoHydra {
		return chunkTag(wall, nil, nil)
	}
	parts, levels := sp.hydraAt(audioT)
	if every(sp.spec.BadHydraEvery, sp.tagIndex(seq, at)) {
		// A damaged sample: cut JSON, and a level for a participant
		// past the list.
		return chunkTag(wall, []byte(`[{"ParticipantIndex":1,"UserId":`), append(levels, 50, 50))
	}
	return chunkTag(wall, parts, levels)
}

// tagIndex numbers the tags of a Space in order.
func (sp *space) tagIndex(seq int, at float64) int {
	return seq*tagsPerChunk + int(at)
}

// hydraParticipant is one element of HydraParticipants (X-FACTS §8).
type hydraParticipant struct {
	ParticipantIndex int    `json:"ParticipantIndex"`
	UserID           string `json:"UserId"`
	UserName         string `json:"UserName"`
	SessionID        string `json:"SessionId"`
	ProfileURL       string `json:"ProfileUrl"`
}

// hydraAt is HydraParticipants and HydraAudioLevel at t seconds into the
// audio: the speakers on stage then (the host is never listed), and a
// level for the host and each of them.
func (sp *space) hydraAt(t float64) (participants, levels []byte) {
	parts := []hydraParticipant{}
	lv := []int{sp.level(0, t)}
	for k, p := range sp.spec.Speakers {
		who := k + 1
		if sp.away(who, t) {
			continue
		}
		parts = append(parts, hydraParticipant{ParticipantIndex: who, UserID: periscopeID(p, 100+k), UserName: p.ScreenName,
			SessionID:  fmt.Sprintf("%08x-0000-4000-8000-%012x", who, who*7919),
			ProfileURL: "https://pbs.twimg.com/profile_images/" + strconv.Itoa(1000+who) + "/" + p.ScreenName + "_normal.jpg"})
		lv = append(lv, sp.level(who, t))
	}
	participants, _ = json.Marshal(parts)
	levels, _ = json.Marshal(lv)
	return participants, levels
}

func (sp *space) away(who int, t float64) bool {
	for _, a := range sp.spec.Away {
		if a.Who == who && t >= a.From && t < a.To {
			return true
		}
	}
	return false
}

// level is who's audio level at t: loud (with the odd dip that stays
// above the "stop" level) inside their turns, a murmur outside.
func (sp *space) level(who int, t float64) int {
	sec := int(t)
	for _, tk := range sp.talks() {
		if tk.Who == who && t >= tk.From && t < tk.To {
			if (sec+who)%7 == 3 && t-tk.From >= 2 && tk.To-t >= 2 {
				return 6 // a breath: under "start", over "stop"
			}
			return 30 + (sec*13+who*29)%25
		}
	}
	return (sec + who) % 3
}

// talks is the speaking schedule: the spec's, or by default each person
// on stage in turn for 15 s.
func (sp *space) talks() []Talk {
	if sp.spec.Talk != nil {
		return sp.spec.Talk
	}
	n := 1 + len(sp.spec.Speakers)
	total := testaudio.Length(sp.spec.Chunks)
	var ts []Talk
	for i := 0; float64(i)*15 < total; i++ {
		ts = append(ts, Talk{Who: i % n, From: float64(i) * 15, To: float64(i+1) * 15})
	}
	return ts
}

// periscopeID is the periscope_user_id the fake gives participant p, the
// n-th of the Space (0 the host, 1.. admins, 100.. speakers).
func periscopeID(p Participant, n int) string {
	return "1" + strconv.Itoa(100000000000+n*7919+len(p.ScreenName))
}
