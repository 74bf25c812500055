// Package tsaudio takes the AAC audio out of MPEG-TS chunks, the chunks
// of X's Spaces with video (H.264 and AAC in one transport stream), with a
// maintained demuxer (github.com/yapingcat/gomedia's go-mpeg2), so that
// their sound goes into the same m4a as any Space's: the result is ADTS,
// as an audio Space's chunks hold. The packets are never parsed by hand,
// and an MPEG-TS chunk is never read as ADTS with junk (its 0xFFF sync
// words inside TS packets are not frames).
package tsaudio

import (
	"bytes"
	"errors"
	"fmt"

	mpeg2 "github.com/yapingcat/gomedia/go-mpeg2"

	"github.com/spacekeep/spacekeep/host/adts"
	"github.com/spacekeep/spacekeep/protocol"
)

// ErrNoSound is a whole transport stream without AAC audio: fetching it
// again gives the same.
var ErrNoSound = errors.New("no sound")

// packetSize is an MPEG-TS packet's length; every one starts with 0x47.
const packetSize = 188

// IsTS reports whether b looks like an MPEG-TS stream: a sync byte at the
// start of its first packets (at most one partial packet before them).
func IsTS(b []byte) bool {
	for off := 0; off < packetSize && off < len(b); off++ {
		n := 0
		for p := off; p < len(b) && b[p] == 0x47; p += packetSize {
			n++
			if n == 3 || p+packetSize >= len(b) && n >= 1 && len(b)-off < 3*packetSize {
				return true
			}
		}
	}
	return false
}

// Streams says what a transport stream holds.
type Streams struct {
	Audio, Video bool // AAC, H.264 (or H.265)
}

// Probe demuxes b and says which streams it carries.
func Probe(b []byte) (Streams, error) {
	var s Streams
	err := demux(b, func(cid mpeg2.TS_STREAM_TYPE, _ []byte) {
		switch cid {
		case mpeg2.TS_STREAM_AAC:
			s.Audio = true
		case mpeg2.TS_STREAM_H264, mpeg2.TS_STREAM_H265:
			s.Video = true
		}
	})
	return s, err
}

// ADTS returns the AAC audio of the transport stream b as ADTS frames, in
// order. A stream without AAC, or whose AAC frames do not parse, is a
// bad_playlist error that names what the chunk held.
func ADTS(b []byte) ([]byte, error) {
	var out bytes.Buffer
	var video bool
	err := demux(b, func(cid mpeg2.TS_STREAM_TYPE, frame []byte) {
		switch cid {
		case mpeg2.TS_STREAM_AAC:
			out.Write(frame) // a PES payload of ADTS frames; the demuxer reuses its buffer
		case mpeg2.TS_STREAM_H264, mpeg2.TS_STREAM_H265:
			video = true
		}
	})
	if err != nil {
		return nil, err
	}
	if out.Len() == 0 {
		what := "no audio stream"
		if video {
			what = "video but no AAC audio"
		}
		return nil, fmt.Errorf("%w: the MPEG-TS chunk holds %s", ErrNoSound, what)
	}
	audio := out.Bytes()
	st := adts.Inspect(audio)
	if st.Frames == 0 || st.Bytes != len(audio) {
		return nil, protocol.Errorf(protocol.CodeBadPlaylist, "the MPEG-TS chunk's AAC is not whole ADTS frames (%d of %d bytes in %d frames)", st.Bytes, len(audio), st.Frames)
	}
	return audio, nil
}

// demux runs the demuxer over b, turning its panics (it is not written
// for hostile input) into errors.
func demux(b []byte, onFrame func(mpeg2.TS_STREAM_TYPE, []byte)) (err error) {
	if !IsTS(b) {
		return protocol.Errorf(protocol.CodeBadPlaylist, "the chunk is not MPEG-TS (%d bytes)", len(b))
	}
	defer func() {
		if r := recover(); r != nil {
			err = protocol.Errorf(protocol.CodeBadPlaylist, "the MPEG-TS chunk is damaged (the demuxer failed: %v)", r)
		}
	}()
	d := mpeg2.NewTSDemuxer()
	d.OnFrame = func(cid mpeg2.TS_STREAM_TYPE, frame []byte, _, _ uint64) { onFrame(cid, frame) }
	if err := d.Input(bytes.NewReader(b)); err != nil {
		return protocol.Errorf(protocol.CodeBadPlaylist, "read the MPEG-TS chunk: %w", err)
	}
	return nil
}
