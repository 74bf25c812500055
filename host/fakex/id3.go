package fakex

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"
)

// ntpOffset is the seconds between the NTP epoch (1900) and the Unix epoch.
const ntpOffset = 2208988800

// junk is a partial MPEG-TS packet header, as some real chunks carry before
// their ID3 tag (X-FACTS §5). It holds neither "ID3" nor an ADTS sync word,
// so only a reader that skips to the tag recovers.
var junk = []byte{0x47, 0x41, 0x00, 0x30, 0x07, 0x50, 0x00, 0x00, 0x7B, 0x0C, 0x7E, 0x00}

// chunkTag builds an ID3v2.4 tag as X's chunks carry (one at the start,
// then about one a second between the audio frames): PRIV with the 90 kHz
// transport-stream timestamp, TIT3 with NTP seconds, and the TXXX
// JSONMetadata, HydraParticipants and HydraAudioLevel frames
// (x-samples/chunk_metadata_ffprobe.txt, X-FACTS §8). nil Hydra payloads
// leave their frames out, as on replays that lost them.
func chunkTag(start time.Time, partsJSON, levelsJSON []byte) []byte {
	ntp := float64(start.UnixMilli())/1000 + ntpOffset
	ntpStr := fmt.Sprintf("%.3f", ntp)
	pts := uint64(start.UnixMilli()*90) & (1<<33 - 1)
	var priv bytes.Buffer
	priv.WriteString("com.apple.streaming.transportStreamTimestamp\x00")
	binary.Write(&priv, binary.BigEndian, pts)
	meta, _ := json.Marshal(map[string]any{"HydraVersion": 4, "ntp": json.Number(ntpStr)})

	var frames bytes.Buffer
	frame(&frames, "PRIV", priv.Bytes())
	frame(&frames, "TIT3", append([]byte{3}, ntpStr...))
	frame(&frames, "TXXX", txxx("JSONMetadata", meta))
	if partsJSON != nil {
		frame(&frames, "TXXX", txxx("HydraParticipants", partsJSON))
	}
	if levelsJSON != nil {
		frame(&frames, "TXXX", txxx("HydraAudioLevel", levelsJSON))
	}

	var tag bytes.Buffer
	tag.WriteString("ID3")
	tag.Write([]byte{4, 0, 0}) // v2.4.0, no flags
	tag.Write(syncsafe(frames.Len()))
	tag.Write(frames.Bytes())
	return tag.Bytes()
}

// txxx is a TXXX frame body in UTF-8: description NUL value.
func txxx(desc string, value []byte) []byte {
	b := append([]byte{3}, desc...)
	b = append(b, 0)
	return append(b, value...)
}

// frame appends an ID3v2.4 frame, whose size is syncsafe (unlike v2.3).
func frame(w *bytes.Buffer, id string, body []byte) {
	w.WriteString(id)
	w.Write(syncsafe(len(body)))
	w.Write([]byte{0, 0})
	w.Write(body)
}

func syncsafe(n int) []byte {
	return []byte{byte(n >> 21 & 0x7F), byte(n >> 14 & 0x7F), byte(n >> 7 & 0x7F), byte(n & 0x7F)}
}
