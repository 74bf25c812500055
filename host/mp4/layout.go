package mp4

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/Eyevinn/mp4ff/aac"
	"github.com/Eyevinn/mp4ff/mp4"
	"github.com/spacekeep/spacekeep/host/adts"
)

// Track IDs: the audio, and the chapter text track it refers to.
const (
	audioTrackID   = 1
	chapterTrackID = 2
)

// framesPerChunk groups the audio frames into MP4 chunks of ~1.4 s at
// 48 kHz: few chunk offsets, and a player reads a chunk in one go.
const framesPerChunk = 64

// layout is the file's boxes with their chunk offsets resolved.
type layout struct {
	ftyp *mp4.FtypBox
	moov *mp4.MoovBox
	mdat *mp4.MdatBox
	text []byte // the chapter samples, first in mdat
}

// writeHead writes ftyp, moov, the mdat header and the chapter samples:
// all of the file before the audio. It streams through a small buffer: moov
// of an 8-hour Space is MBs that need not be held twice.
func (l *layout) writeHead(out io.Writer) (int64, error) {
	cw := &countingWriter{w: out}
	bw := bufio.NewWriterSize(cw, 64<<10)
	for _, b := range []mp4.Box{l.ftyp, l.moov, l.mdat} {
		if err := b.Encode(bw); err != nil {
			return cw.n, fmt.Errorf("encode %s: %w", b.Type(), err)
		}
	}
	bw.Write(l.text)
	if err := bw.Flush(); err != nil {
		return cw.n, fmt.Errorf("write the MP4 index: %w: %w", ErrWrite, err)
	}
	return cw.n, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// layout builds the boxes. The chunk offsets depend on the size of moov,
// which depends on whether they need 64 bits: build with stco first, and
// again with co64 if the last offset does not fit.
func (w *Writer) layout(m Meta) (*layout, error) {
	rate := uint32(w.first.SampleRate)
	samples := w.samples()
	chapters := normalize(m.Chapters, float64(samples)/float64(rate))
	text, textSizes, textDurs := chapterSamples(chapters, uint64(rate), samples)

	rel := w.chunkOffsets(uint64(len(text))) // from the start of mdat's payload
	mdat := &mp4.MdatBox{}
	mdat.SetLazyDataSize(uint64(len(text)) + w.bytes)
	ftyp := mp4.NewFtyp("M4A ", 0x200, []string{"M4A ", "isom", "iso2", "mp41"})

	// The movie's timescale is 1000, as ffmpeg writes it: readers that
	// scale the Nero chapter list by it (mutagen) read it right. The
	// tracks keep the sample rate.
	movieDur := uint64(math.Round(float64(samples) * movieTimescale / float64(rate)))
	created := mp4Time(m.Created)
	wide := false
	for {
		audio, err := w.audioTrak(rate, samples, movieDur, created, len(chapters) > 0, wide)
		if err != nil {
			return nil, err
		}
		moov := mp4.NewMoovBox()
		mvhd := mp4.CreateMvhd()
		mvhd.Timescale = movieTimescale
		mvhd.Duration = movieDur
		mvhd.CreationTime, mvhd.ModificationTime = created, created
		mvhd.NextTrackID = chapterTrackID + 1
		if movieDur > 0xFFFFFFFF || created > 0xFFFFFFFF {
			mvhd.Version = 1
		}
		moov.AddChild(mvhd)
		moov.AddChild(audio)
		var textTrak *mp4.TrakBox
		if len(chapters) > 0 {
			textTrak = chapterTrak(rate, samples, movieDur, created, textSizes, textDurs, wide)
			moov.AddChild(textTrak)
		}
		udta, err := userData(m, chapters, float64(samples)/float64(rate))
		if err != nil {
			return nil, err
		}
		moov.AddChild(udta)

		base := ftyp.Size() + moov.Size() + mdat.HeaderSize()
		last := base + rel[len(rel)-1]
		if !wide && last > w.stcoLimit {
			wide = true
			continue
		}
		setOffsets(audio, base, rel)
		if textTrak != nil {
			setOffsets(textTrak, base, []uint64{0})
		}
		return &layout{ftyp: ftyp, moov: moov, mdat: mdat, text: text}, nil
	}
}

// chunkOffsets returns where each audio chunk starts, counted from the start
// of mdat's payload, after skip bytes of chapter samples.
func (w *Writer) chunkOffsets(skip uint64) []uint64 {
	offs := make([]uint64, 0, (len(w.sizes)+framesPerChunk-1)/framesPerChunk)
	at := skip
	for i, s := range w.sizes {
		if i%framesPerChunk == 0 {
			offs = append(offs, at)
		}
		at += uint64(s)
	}
	return offs
}

// offsetBox returns the chunk offset table for n chunks: a co64 when wide.
func offsetBox(n int, wide bool) mp4.Box {
	if wide {
		return &mp4.Co64Box{ChunkOffset: make([]uint64, n)}
	}
	return &mp4.StcoBox{ChunkOffset: make([]uint32, n)}
}

// setOffsets fills the chunk offset table of trak with base+rel[i].
func setOffsets(trak *mp4.TrakBox, base uint64, rel []uint64) {
	stbl := trak.Mdia.Minf.Stbl
	for _, c := range stbl.Children {
		switch b := c.(type) {
		case *mp4.StcoBox:
			for i, r := range rel {
				b.ChunkOffset[i] = uint32(base + r)
			}
		case *mp4.Co64Box:
			for i, r := range rel {
				b.ChunkOffset[i] = base + r
			}
		}
	}
}

// audioTrak builds the AAC track: mp4a/esds from the first ADTS header, one
// stts entry (every frame is 1024 samples), the frame sizes and the chunks.
// samples is its duration in its own timescale (rate), movieDur in the
// movie's.
func (w *Writer) audioTrak(rate uint32, samples, movieDur, created uint64, chapters, wide bool) (*mp4.TrakBox, error) {
	asc := aac.AudioSpecificConfig{
		ObjectType:           byte(w.first.ObjectType),
		ChannelConfiguration: byte(w.first.Channels),
		SamplingFrequency:    w.first.SampleRate,
	}
	var cfg bytes.Buffer
	if err := asc.Encode(&cfg); err != nil {
		return nil, fmt.Errorf("describe the AAC audio: %w", err)
	}
	esds := mp4.CreateEsdsBox(cfg.Bytes())
	// Readers show these as the bitrate (mutagen's "0 bps" without them).
	esds.DecConfigDescriptor.AvgBitrate, esds.DecConfigDescriptor.MaxBitrate, esds.DecConfigDescriptor.BufferSizeDB = w.bitrates()
	channels := uint16(w.first.Channels)
	if channels > 2 {
		channels = 2 // the sample entry's field is a hint; esds has the layout
	}
	entry := mp4.CreateAudioSampleEntryBox("mp4a", channels, 16, uint16(min(rate, 0xFFFF)), esds)

	stsd := mp4.NewStsdBox()
	stsd.AddChild(entry)
	stts := &mp4.SttsBox{SampleCount: []uint32{uint32(len(w.sizes))}, SampleTimeDelta: []uint32{1024}}
	stsc := &mp4.StscBox{}
	nChunks := (len(w.sizes) + framesPerChunk - 1) / framesPerChunk
	if err := stsc.AddEntry(1, framesPerChunk, 1); err != nil {
		return nil, err
	}
	if rest := len(w.sizes) % framesPerChunk; rest != 0 {
		if nChunks == 1 {
			stsc = &mp4.StscBox{}
		}
		if err := stsc.AddEntry(uint32(nChunks), uint32(rest), 1); err != nil {
			return nil, err
		}
	}
	// The sizes are shared, not copied: for an 8-hour Space they are MBs.
	stsz := &mp4.StszBox{SampleNumber: uint32(len(w.sizes)), SampleSize: w.sizes}

	stbl := mp4.NewStblBox()
	for _, b := range []mp4.Box{stsd, stts, stsc, stsz, offsetBox(nChunks, wide)} {
		stbl.AddChild(b)
	}
	minf := mp4.NewMinfBox()
	minf.AddChild(mp4.CreateSmhd())
	minf.AddChild(dataInfo())
	minf.AddChild(stbl)

	trak := mp4.NewTrakBox()
	tkhd := mp4.CreateTkhd()
	tkhd.Flags = 0x000003 // enabled, in movie
	tkhd.TrackID = audioTrackID
	tkhd.Duration = movieDur // in the movie's timescale
	tkhd.CreationTime, tkhd.ModificationTime = created, created
	tkhd.Volume = 0x0100
	tkhd.AlternateGroup = 1
	if movieDur > 0xFFFFFFFF || created > 0xFFFFFFFF {
		tkhd.Version = 1
	}
	trak.AddChild(tkhd)
	if chapters {
		// QuickTime's way to chapters: the audio refers to a text track.
		tref := &mp4.TrefBox{}
		tref.AddChild(&mp4.TrefTypeBox{Name: "chap", TrackIDs: []uint32{chapterTrackID}})
		trak.AddChild(tref)
	}
	trak.AddChild(media(rate, samples, created, "soun", "SoundHandler", minf))
	return trak, nil
}

// bitrates returns the audio's average and peak bitrates in bits per
// second (the peak over any second of frames) and its largest frame in
// bytes, for the esds.
func (w *Writer) bitrates() (avg, peak, largest uint32) {
	rate := uint64(w.first.SampleRate)
	if rate == 0 || len(w.sizes) == 0 {
		return 0, 0, 0
	}
	samples := w.samples()
	avg = uint32(min(w.bytes*8*rate/samples, math.MaxUint32))
	window := max(int((rate+adts.SamplesPerFrame/2)/adts.SamplesPerFrame), 1) // frames in a second
	var sum, most uint64
	for i, s := range w.sizes {
		sum += uint64(s)
		if i >= window {
			sum -= uint64(w.sizes[i-window])
		}
		most = max(most, sum)
		largest = max(largest, s)
	}
	frames := uint64(min(window, len(w.sizes)))
	peak = uint32(min(most*8*rate/(frames*adts.SamplesPerFrame), math.MaxUint32))
	return avg, max(peak, avg), largest
}

// movieTimescale is the movie header's units a second.
const movieTimescale = 1000

// mp4Epoch is when MP4 time begins (seconds are counted from 1904).
var mp4Epoch = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)

// mp4Time is t in seconds since 1904; 0 (unknown) for a zero or earlier t.
func mp4Time(t time.Time) uint64 {
	if t.IsZero() || t.Before(mp4Epoch) {
		return 0
	}
	return uint64(t.Sub(mp4Epoch) / time.Second)
}

// media builds an mdia box around minf.
func media(timescale uint32, duration, created uint64, handler, name string, minf *mp4.MinfBox) *mp4.MdiaBox {
	mdhd := &mp4.MdhdBox{Timescale: timescale, Duration: duration, CreationTime: created, ModificationTime: created}
	if duration > 0xFFFFFFFF || created > 0xFFFFFFFF {
		mdhd.Version = 1
	}
	mdhd.SetLanguage("und")
	mdia := mp4.NewMdiaBox()
	mdia.AddChild(mdhd)
	mdia.AddChild(&mp4.HdlrBox{HandlerType: handler, Name: name})
	mdia.AddChild(minf)
	return mdia
}

// dataInfo says the samples are in this file.
func dataInfo() *mp4.DinfBox {
	dinf := &mp4.DinfBox{}
	dinf.AddChild(mp4.CreateDref())
	return dinf
}
