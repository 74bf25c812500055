package merge

import (
	"bufio"
	"context"
	"errors"
	"os"

	mp4ff "github.com/Eyevinn/mp4ff/mp4"
	"github.com/spacekeep/spacekeep/host/mp4"
	"github.com/spacekeep/spacekeep/protocol"
)

// mergeM4A writes the m4a in Go, without ffmpeg: the AAC payloads go to a
// data file beside out as the chunks come (only their sizes stay in
// memory), then out gets ftyp, moov and mdat in one pass (see package mp4).
func mergeM4A(ctx context.Context, src source, out string, opt Options, total int64) (res Result, err error) {
	var cover []byte
	if opt.CoverPath != "" {
		if cover, err = os.ReadFile(opt.CoverPath); err != nil {
			return res, protocol.Errorf(protocol.CodeDisk, "read cover art: %w", err)
		}
		if _, err := mp4.CoverType(cover); err != nil {
			cover = nil // a WebP avatar, say: an MP4 cover must be JPEG or PNG
		}
	}
	dataPath := out + ".audio"
	data, err := os.Create(dataPath)
	if err != nil {
		return res, diskError("create the audio data file", err)
	}
	defer func() {
		data.Close()
		os.Remove(dataPath)
	}()
	buf := bufio.NewWriterSize(data, 256<<10)
	w := mp4.NewWriter(buf)
	var list chunkList
	sink := func(audio []byte) error {
		if err := w.WriteADTS(audio); err != nil {
			if errors.Is(err, mp4.ErrWrite) {
				return diskError("write the audio data file", err)
			}
			return protocol.Errorf(protocol.CodeBadPlaylist, "chunk %d: %w", list.chunks-1, err)
		}
		return nil
	}
	if _, err := feed(ctx, sink, src, total, opt.Progress, &list); err != nil {
		if ctx.Err() != nil {
			return res, protocol.NewError(protocol.CodeCancelled, ctx.Err())
		}
		return res, err
	}
	if err := buf.Flush(); err != nil {
		return res, diskError("write the audio data file", err)
	}
	if _, err := data.Seek(0, 0); err != nil {
		return res, diskError("rewind the audio data file", err)
	}
	meta := mp4.Meta{
		Title: tagValue(opt.Tags.Title), Artist: tagValue(opt.Tags.Artist), AlbumArtist: tagValue(opt.Tags.AlbumArtist),
		Album: tagValue(opt.Tags.Album), Date: tagValue(opt.Tags.Date), Comment: tagValue(opt.Tags.Comment),
		Description: tagValue(opt.Tags.Description), Genre: tagValue(opt.Tags.Genre), EpisodeID: tagValue(opt.Tags.EpisodeID),
		URL: tagValue(opt.Tags.URL), Created: opt.Tags.Created, Cover: cover,
	}
	if opt.Chapters != nil {
		for _, c := range opt.Chapters() {
			meta.Chapters = append(meta.Chapters, mp4.Chapter{Start: c.Start, Title: c.Title})
		}
	}
	f, err := os.Create(out)
	if err != nil {
		return res, diskError("create the m4a", err)
	}
	defer f.Close()
	if res.Size, err = w.Finish(f, data, meta); err != nil {
		if errors.Is(err, mp4.ErrWrite) {
			return res, diskError("write the m4a", err)
		}
		return res, protocol.Errorf(protocol.CodeInternal, "write the m4a: %w", err)
	}
	if err := f.Close(); err != nil {
		return res, diskError("write the m4a", err)
	}
	res.Duration = w.Duration()
	list.result(&res, opt.ExpectedDuration)
	return res, checkM4A(out, w.Frames(), res.Size)
}

// checkM4A reads back the index of the file just written, as a player
// would, and checks that it is whole: ftyp, moov, then mdat, indexing every
// frame fed.
func checkM4A(path string, frames int, size int64) error {
	f, err := os.Open(path)
	if err != nil {
		return diskError("reopen the m4a", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || fi.Size() != size {
		return protocol.Errorf(protocol.CodeDisk, "the m4a is not the %d bytes written: %v", size, err)
	}
	mf, err := mp4ff.DecodeFile(f, mp4ff.WithDecodeMode(mp4ff.DecModeLazyMdat))
	if err != nil {
		return protocol.Errorf(protocol.CodeInternal, "read back the m4a: %w", err)
	}
	var order []string
	for _, b := range mf.Children {
		order = append(order, b.Type())
	}
	if len(order) != 3 || order[0] != "ftyp" || order[1] != "moov" || order[2] != "mdat" || len(mf.Moov.Traks) == 0 {
		return protocol.Errorf(protocol.CodeInternal, "the m4a's boxes are %v, want ftyp, moov, mdat", order)
	}
	if n := mf.Moov.Traks[0].Mdia.Minf.Stbl.Stsz.SampleNumber; int(n) != frames {
		return protocol.Errorf(protocol.CodeInternal, "the m4a indexes %d frames of the %d fed", n, frames)
	}
	return nil
}
