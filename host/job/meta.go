package job

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spacekeep/spacekeep/host/hls"
	"github.com/spacekeep/spacekeep/host/merge"
	"github.com/spacekeep/spacekeep/host/xapi"
	"github.com/spacekeep/spacekeep/protocol"
)

func spaceInfo(sp *xapi.Space) protocol.SpaceInfo {
	info := protocol.SpaceInfo{ID: sp.ID, Title: sp.Title, State: sp.State, Status: sp.Status(), Replayable: sp.Replayable,
		HostName: sp.Creator.Name, HostHandle: sp.Creator.Handle, HostID: sp.Creator.ID, AvatarURL: sp.Creator.AvatarURL, URL: xapi.SpaceURL(sp.ID)}
	if !sp.StartedAt.IsZero() {
		info.StartedAt = sp.StartedAt.UnixMilli()
	} else if !sp.ScheduledStart.IsZero() {
		info.StartedAt = sp.ScheduledStart.UnixMilli()
	}
	if !sp.EndedAt.IsZero() {
		info.EndedAt = sp.EndedAt.UnixMilli()
	}
	if info.Status == protocol.StatusLive {
		info.Listeners = liveListeners(sp)
	}
	return info
}

// writeMeta keeps what X said beside the cache: a later run, the library
// and people debugging can read it. Never the cookies.
func (r *runner) writeMeta(cache string, sp *xapi.Space) error {
	if err := os.MkdirAll(cache, 0o700); err != nil {
		return protocol.DiskError("create the cache folder", err)
	}
	b, err := json.MarshalIndent(sp, "", "  ")
	if err != nil {
		return fmt.Errorf("encode Space metadata: %w", err)
	}
	if err := os.WriteFile(filepath.Join(cache, "space.json"), b, 0o600); err != nil {
		return protocol.DiskError("write the Space's metadata", err)
	}
	return nil
}

// fetchCover downloads the host's avatar for cover art. Cover art is a
// nicety: any failure is logged and the file is made without it.
func (r *runner) fetchCover(ctx context.Context, cache, avatar string) string {
	if avatar == "" || !(strings.HasPrefix(avatar, "https://") || strings.HasPrefix(avatar, "http://")) {
		return ""
	}
	p := filepath.Join(cache, "cover")
	if fi, err := os.Stat(p); err == nil && fi.Size() > 0 {
		return p
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, avatar, nil)
	if err != nil {
		return ""
	}
	// The avatar's URL is X's answer or the page's: the CDN's door applies.
	if r.allow != nil {
		if err := r.allow(req.URL); err != nil {
			r.log.Warn().Err(err).Msg("no cover art")
			return ""
		}
	}
	for k, v := range xapi.CDNHeader() {
		req.Header[k] = v
	}
	resp, err := hls.Guarded(r.m.cfg.CDNClient, r.allow).Do(req)
	if err != nil {
		r.log.Warn().Err(err).Msg("no cover art: avatar fetch failed")
		return ""
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		r.log.Warn().Int("status", resp.StatusCode).Msg("no cover art: avatar fetch failed")
		return ""
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil || len(b) == 0 {
		return ""
	}
	if os.WriteFile(p, b, 0o600) != nil {
		return ""
	}
	return p
}

func tags(sp *xapi.Space) merge.Tags {
	artist := sp.Creator.Name
	if sp.Creator.Handle != "" {
		if artist != "" {
			artist += " (@" + sp.Creator.Handle + ")"
		} else {
			artist = "@" + sp.Creator.Handle
		}
	}
	t := merge.Tags{Title: sp.Title, Artist: artist, AlbumArtist: artist, Album: xapi.Album, Comment: xapi.SpaceURL(sp.ID),
		EpisodeID: sp.ID, Genre: "Podcast", URL: xapi.SpaceURL(sp.ID), Created: sp.Date()}
	if t.Title == "" {
		t.Title = "Untitled Space"
	}
	if d := sp.Date(); !d.IsZero() {
		t.Date = d.Format("2006-01-02")
	}
	return t
}
