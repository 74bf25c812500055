// Package mp4 writes a Space's audio as an M4A file without ffmpeg: AAC-LC
// taken from ADTS frames into an MP4 container with the iTunes brand, its
// index (moov) in front of the audio ("faststart"), iTunes tags, a cover
// and chapters.
//
// The frames' payloads go to a data file as they arrive and only their sizes
// (4 bytes a frame) stay in memory; Finish then writes ftyp, moov and mdat in
// one sequential pass, copying the data file into mdat.
//
// The boxes are built with github.com/Eyevinn/mp4ff rather than
// github.com/abema/go-mp4: mp4ff builds moov as a tree of boxes whose sizes
// are known before a byte is written, so the index can go in front of the
// audio in one pass to any io.Writer (go-mp4's writer seeks back to patch
// sizes), and its aac package encodes the AudioSpecificConfig of the esds.
// What mp4ff lacks (the Nero chapter list, the QuickTime text sample entry
// and media header of a chapter track, a cover's typed data box) is built
// in chapters.go and meta.go as mp4ff UnknownBoxes.
package mp4

import (
	"errors"
	"fmt"
	"io"

	"github.com/spacekeep/spacekeep/host/adts"
)

// ErrWrite marks the errors of writing to the data file or the output, as
// opposed to audio an MP4 cannot hold.
var ErrWrite = errors.New("write failed")

// Writer collects AAC frames for one M4A file.
type Writer struct {
	data  io.Writer
	sizes []uint32 // of each frame's payload, in order
	bytes uint64   // written to data
	first adts.Header
	// stcoLimit is the largest chunk offset a 32-bit stco may hold; past it
	// the file gets a co64. A variable so that tests need not write 4 GiB.
	stcoLimit uint64
}

// NewWriter returns a Writer that appends the raw AAC payloads to data.
func NewWriter(data io.Writer) *Writer {
	return &Writer{data: data, stcoLimit: 0xFFFFFFFF}
}

// WriteADTS appends whole ADTS frames (as adts.Clean returns them). Every
// frame must be AAC-LC with one raw data block and keep the first frame's
// sample rate and channels: an MP4 track has one sample description.
func (w *Writer) WriteADTS(b []byte) error {
	for pos := 0; pos < len(b); {
		h, ok := adts.ParseHeader(b[pos:])
		if !ok || pos+h.Length > len(b) {
			return fmt.Errorf("no whole ADTS frame at byte %d of %d", pos, len(b))
		}
		if len(w.sizes) == 0 {
			if h.ObjectType != 2 {
				return fmt.Errorf("the audio is AAC object type %d, not AAC-LC (2)", h.ObjectType)
			}
			if h.Channels < 1 || h.Channels > 7 {
				return fmt.Errorf("the audio has channel configuration %d, which an MP4 cannot describe", h.Channels)
			}
			w.first = h
		} else if h.SampleRateIndex != w.first.SampleRateIndex || h.Channels != w.first.Channels || h.ObjectType != w.first.ObjectType {
			return fmt.Errorf("the audio format changes at frame %d (%d Hz, %d channels; was %d Hz, %d channels)",
				len(w.sizes), h.SampleRate, h.Channels, w.first.SampleRate, w.first.Channels)
		}
		if h.Blocks != 1 {
			return fmt.Errorf("frame %d holds %d raw data blocks: only 1 is supported", len(w.sizes), h.Blocks)
		}
		payload := b[pos+h.HeaderLen : pos+h.Length]
		if _, err := w.data.Write(payload); err != nil {
			return fmt.Errorf("write the audio data: %w: %w", ErrWrite, err)
		}
		w.sizes = append(w.sizes, uint32(len(payload)))
		w.bytes += uint64(len(payload))
		pos += h.Length
	}
	return nil
}

// Frames returns the number of AAC frames written.
func (w *Writer) Frames() int { return len(w.sizes) }

// SampleRate returns the audio's sample rate in Hz (0 before any frame).
func (w *Writer) SampleRate() int { return w.first.SampleRate }

// Duration returns the seconds of audio written, exact to the sample.
func (w *Writer) Duration() float64 {
	if len(w.sizes) == 0 {
		return 0
	}
	return float64(w.samples()) / float64(w.first.SampleRate)
}

// DataBytes returns the bytes of AAC payload written to the data file.
func (w *Writer) DataBytes() int64 { return int64(w.bytes) }

func (w *Writer) samples() uint64 { return uint64(len(w.sizes)) * adts.SamplesPerFrame }

// Finish writes the whole M4A to out: ftyp, moov, then mdat holding the
// chapter titles and the audio copied from data, which must yield exactly
// the payloads written so far. It returns the bytes written to out. When out
// is an *os.File and data an *os.File, the copy is done by the kernel.
func (w *Writer) Finish(out io.Writer, data io.Reader, m Meta) (int64, error) {
	if len(w.sizes) == 0 {
		return 0, errors.New("no audio to write")
	}
	l, err := w.layout(m)
	if err != nil {
		return 0, err
	}
	n, err := l.writeHead(out)
	if err != nil {
		return n, err
	}
	copied, err := io.Copy(out, io.LimitReader(data, int64(w.bytes)))
	total := n + copied
	if err != nil {
		return total, fmt.Errorf("copy the audio into the MP4: %w: %w", ErrWrite, err)
	}
	if copied != int64(w.bytes) {
		return total, fmt.Errorf("the audio data file holds %d bytes, want %d", copied, w.bytes)
	}
	return total, nil
}
