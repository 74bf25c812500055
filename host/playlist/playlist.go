// Package playlist is the one wrapper around github.com/grafov/m3u8: it
// decodes an HLS playlist leniently, survives the library's panics, and
// hands back plain values with every URI already resolved.
//
// grafov/m3u8 is archived (v0.12.1). Its quirks, which this package hides:
// MediaPlaylist.Segments is nil-padded (we use GetAllSegments), it panics on
// some malformed input (we recover), it ignores a UTF-8 BOM before #EXTM3U
// (we strip it), it reads the whole input (we cap it), and it keeps URIs as
// written (we resolve them against the playlist's own URL).
package playlist

import (
	"bytes"
	"io"
	"math"
	"net/url"
	"strings"
	"time"

	"github.com/grafov/m3u8"

	"github.com/spacekeep/spacekeep/protocol"
)

// MaxSize bounds what Parse reads. A 10-hour Space is ~12,000 segments of
// ~150 bytes (under 2 MB); anything near this limit is not a real playlist.
const MaxSize = 32 << 20

// maxSegmentDuration rejects EXTINF values that cannot be real (NaN, Inf,
// 1e300): one wild value would break every duration check downstream.
const maxSegmentDuration = 24 * 3600

// Playlist is a decoded master or media playlist.
type Playlist struct {
	// Master is true for a master playlist; then only Variants is set.
	Master   bool
	Variants []Variant

	// Media playlist fields.
	Segments       []Segment
	MediaSequence  uint64
	TargetDuration float64
	// Ended is true when the playlist has #EXT-X-ENDLIST: it will not grow.
	Ended bool
	// Repeats counts the entries dropped from Segments because an earlier
	// one has the same URI: a chunk listed twice is one chunk, and kept
	// twice it would put its audio in the file twice.
	Repeats int
	// LastSeq is the media sequence number of the list's last entry, a
	// dropped repeat included: where the next list carries on.
	LastSeq uint64

	// base is what segment URIs resolve against.
	base *url.URL
}

// Variant is one stream listed by a master playlist.
type Variant struct {
	URI       *url.URL // resolved against the playlist's URL
	RawURI    string   // as written in the playlist
	Bandwidth uint32
	Codecs    string
}

// Segment is one media segment (a chunk). Its resolved URL is
// Playlist.SegmentURL: a parsed URL per segment would hold ~0.5 KB each
// for the playlist's life, 5 MB for an 8-hour Space.
type Segment struct {
	RawURI          string  // as written in the playlist (checked at parse)
	Duration        float64 // EXTINF, seconds
	SeqID           uint64  // media sequence number
	ProgramDateTime time.Time
	Discontinuity   bool
}

// SegmentURL is segment i's URI resolved against the playlist's URL; Parse
// has checked that it resolves, to http(s).
func (p *Playlist) SegmentURL(i int) *url.URL {
	u, err := resolve(p.base, p.Segments[i].RawURI)
	if err != nil {
		panic("playlist: a segment URI checked at parse no longer resolves: " + err.Error())
	}
	return u
}

// TotalDuration is the sum of the segments' EXTINF durations, in seconds.
func (p *Playlist) TotalDuration() float64 {
	var d float64
	for _, s := range p.Segments {
		d += s.Duration
	}
	return d
}

var bom = []byte("\xef\xbb\xbf")

// Parse decodes the playlist read from r. base is the URL the playlist was
// fetched from; relative and absolute-path URIs are resolved against it (a
// nil base leaves them as written). Every error has code bad_playlist.
func Parse(r io.Reader, base *url.URL) (*Playlist, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, protocol.Errorf(protocol.CodeBadPlaylist, "read playlist: %w", err)
	}
	if len(data) > MaxSize {
		return nil, protocol.Errorf(protocol.CodeBadPlaylist, "playlist is larger than %d MiB", MaxSize>>20)
	}
	data = normalize(bytes.TrimPrefix(data, bom))
	// Requiring #EXTM3U first turns an HTML error page or a truncated body
	// into a clear error instead of an "empty playlist".
	first, _, _ := bytes.Cut(bytes.TrimLeft(data, " \t\r\n"), []byte("\n"))
	if string(bytes.TrimSpace(first)) != "#EXTM3U" {
		return nil, protocol.Errorf(protocol.CodeBadPlaylist, "not an HLS playlist (no #EXTM3U at the start; got %q)", preview(first))
	}

	pl, typ, err := decode(data)
	if err != nil {
		return nil, err
	}
	switch typ {
	case m3u8.MASTER:
		return fromMaster(pl.(*m3u8.MasterPlaylist), base)
	case m3u8.MEDIA:
		return fromMedia(pl.(*m3u8.MediaPlaylist), base)
	}
	return nil, protocol.Errorf(protocol.CodeBadPlaylist, "unknown playlist type %d", typ)
}

// normalize drops blank lines and trailing whitespace (CR included). The
// library skips "" and "\r" lines but reads "\r\n" or "  " as a segment
// with an empty URI: a CRLF playlist with blank lines would gain phantom
// segments pointing at the playlist itself.
func normalize(data []byte) []byte {
	out := make([]byte, 0, len(data))
	for len(data) > 0 {
		var line []byte
		line, data, _ = bytes.Cut(data, []byte("\n"))
		line = bytes.TrimRight(line, " \t\r")
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		out = append(out, line...)
		out = append(out, '\n')
	}
	return out
}

// decode calls the library and turns its panics into errors.
func decode(data []byte) (pl m3u8.Playlist, typ m3u8.ListType, err error) {
	defer func() {
		if r := recover(); r != nil {
			pl, err = nil, protocol.Errorf(protocol.CodeBadPlaylist, "malformed HLS playlist (the parser failed: %v)", r)
		}
	}()
	pl, typ, err = m3u8.Decode(*bytes.NewBuffer(data), false)
	if err != nil {
		return nil, 0, protocol.Errorf(protocol.CodeBadPlaylist, "decode HLS playlist: %w", err)
	}
	if pl == nil {
		return nil, 0, protocol.Errorf(protocol.CodeBadPlaylist, "decode HLS playlist: no playlist")
	}
	return pl, typ, nil
}

func fromMaster(m *m3u8.MasterPlaylist, base *url.URL) (*Playlist, error) {
	p := &Playlist{Master: true}
	for _, v := range m.Variants {
		// I-frame-only streams are for seeking video; empty URIs are a
		// STREAM-INF whose URI line is missing.
		if v == nil || v.Iframe || v.URI == "" {
			continue
		}
		u, err := resolve(base, v.URI)
		if err != nil {
			return nil, err
		}
		p.Variants = append(p.Variants, Variant{URI: u, RawURI: v.URI, Bandwidth: v.Bandwidth, Codecs: v.Codecs})
	}
	if len(p.Variants) == 0 {
		return nil, protocol.Errorf(protocol.CodeBadPlaylist, "master playlist lists no streams")
	}
	return p, nil
}

func fromMedia(m *m3u8.MediaPlaylist, base *url.URL) (*Playlist, error) {
	p := &Playlist{
		base:           base,
		MediaSequence:  m.SeqNo,
		TargetDuration: m.TargetDuration,
		Ended:          m.Closed,
	}
	segs := m.GetAllSegments()
	p.Segments = make([]Segment, 0, len(segs))
	seen := make(map[string]bool, len(segs))
	for i, s := range segs {
		if s == nil {
			// Count() and GetAllSegments disagree only on a library bug.
			return nil, protocol.Errorf(protocol.CodeBadPlaylist, "segment %d is missing", i)
		}
		if strings.TrimSpace(s.URI) == "" {
			return nil, protocol.Errorf(protocol.CodeBadPlaylist, "segment %d has no URI", i)
		}
		if !(s.Duration >= 0 && s.Duration <= maxSegmentDuration) {
			return nil, protocol.Errorf(protocol.CodeBadPlaylist, "segment %d has an invalid duration %v", i, s.Duration)
		}
		if _, err := resolve(base, s.URI); err != nil {
			return nil, err
		}
		p.LastSeq = s.SeqId
		if seen[s.URI] {
			p.Repeats++
			continue
		}
		seen[s.URI] = true
		p.Segments = append(p.Segments, Segment{
			RawURI:          s.URI,
			Duration:        s.Duration,
			SeqID:           s.SeqId,
			ProgramDateTime: s.ProgramDateTime,
			Discontinuity:   s.Discontinuity,
		})
	}
	if math.IsNaN(p.TargetDuration) || math.IsInf(p.TargetDuration, 0) || p.TargetDuration < 0 {
		p.TargetDuration = 0
	}
	return p, nil
}

// resolve parses raw and resolves it against base. Only http(s) may come
// out: a playlist must not send the fetcher to file:// or other schemes.
func resolve(base *url.URL, raw string) (*url.URL, error) {
	ref, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, protocol.Errorf(protocol.CodeBadPlaylist, "bad URI %q in playlist: %w", preview([]byte(raw)), err)
	}
	u := ref
	if base != nil {
		u = base.ResolveReference(ref)
	}
	if u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" {
		return nil, protocol.Errorf(protocol.CodeBadPlaylist, "URI %q in playlist has scheme %q, want http(s)", preview([]byte(raw)), u.Scheme)
	}
	return u, nil
}

// preview shortens untrusted text for an error message.
func preview(b []byte) string {
	const max = 80
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}
