package mp4

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"time"

	"github.com/Eyevinn/mp4ff/mp4"
)

// Meta is what the file says about itself besides the audio.
type Meta struct {
	Title       string
	Artist      string
	AlbumArtist string
	Album       string
	Date        string // YYYY-MM-DD
	Comment     string
	Description string
	Genre       string
	EpisodeID   string
	// URL is the episode's page: the podcast URL atom (purl), and the
	// description's when Description is empty (Apple's apps show those).
	URL      string
	Created  time.Time // the movie's creation time; zero: unknown
	Cover    []byte    // a JPEG or PNG, or nil
	Chapters []Chapter
}

// iTunes data types of a covr's data box.
const (
	dataJPEG = 13
	dataPNG  = 14
)

// CoverType returns the iTunes data type of a JPEG or PNG image, or an
// error for any other image (an MP4 cover must be one of the two).
func CoverType(img []byte) (uint32, error) {
	switch {
	case bytes.HasPrefix(img, []byte{0xFF, 0xD8, 0xFF}):
		return dataJPEG, nil
	case bytes.HasPrefix(img, []byte("\x89PNG\r\n\x1a\n")):
		return dataPNG, nil
	}
	return 0, errors.New("the cover art is neither JPEG nor PNG")
}

// userData builds moov/udta: the Nero chapter list and the iTunes tags
// (meta/ilst) with the cover.
func userData(m Meta, chapters []Chapter, duration float64) (*mp4.UdtaBox, error) {
	udta := &mp4.UdtaBox{}
	if len(chapters) > 0 {
		udta.AddChild(unknown("chpl", nero(neroChapters(chapters, duration))))
	}
	ilst := &mp4.IlstBox{}
	for _, t := range []struct{ key, value string }{
		{"\xa9nam", m.Title}, {"\xa9ART", m.Artist}, {"aART", m.AlbumArtist},
		{"\xa9alb", m.Album}, {"\xa9day", m.Date}, {"\xa9cmt", m.Comment},
		{"desc", cmp.Or(m.Description, m.URL)}, {"\xa9gen", m.Genre}, {"tven", m.EpisodeID}, {"purl", m.URL},
		{"\xa9too", "spacekeep"},
	} {
		if t.value == "" {
			continue
		}
		item := mp4.NewGenericContainerBox(t.key)
		item.Children = append(item.Children, &mp4.DataBox{Data: []byte(t.value)})
		ilst.AddChild(item)
	}
	if len(m.Cover) > 0 {
		typ, err := CoverType(m.Cover)
		if err != nil {
			return nil, err
		}
		body := binary.BigEndian.AppendUint32(nil, typ)
		body = append(body, 0, 0, 0, 0) // locale
		body = append(body, m.Cover...)
		covr := mp4.NewGenericContainerBox("covr")
		covr.Children = append(covr.Children, unknown("data", body))
		ilst.AddChild(covr)
	}
	meta := mp4.CreateMetaBox(0, &mp4.HdlrBox{HandlerType: "mdir", LacksNullTermination: false})
	meta.AddChild(ilst)
	udta.AddChild(meta)
	return udta, nil
}
