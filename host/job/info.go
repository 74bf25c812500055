package job

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spacekeep/spacekeep/host/spaceurl"
	"github.com/spacekeep/spacekeep/host/xapi"
	"github.com/spacekeep/spacekeep/protocol"
)

// info is what --write-info-json writes beside the audio file.
type info struct {
	*xapi.Space
	URL      string  `json:"url"`
	Duration float64 `json:"duration"`
	File     string  `json:"file"`
	Saved    string  `json:"saved_at"`
	// Gaps lists the audio a live recording is missing; empty when the
	// file is complete.
	Gaps []protocol.Gap `json:"gaps"`
}

// writeInfo writes <audio file name>.info.json beside the audio file.
func writeInfo(audio string, sp *xapi.Space, duration float64, gaps []protocol.Gap) error {
	if gaps == nil {
		gaps = []protocol.Gap{} // "gaps": [] says the file is complete
	}
	b, err := json.MarshalIndent(info{Space: sp, URL: spaceurl.URL(sp.ID), Duration: duration,
		File: filepath.Base(audio), Saved: time.Now().UTC().Format(time.RFC3339), Gaps: gaps}, "", "  ")
	if err != nil {
		return fmt.Errorf("encode the info file: %w", err)
	}
	p := strings.TrimSuffix(audio, filepath.Ext(audio)) + ".info.json"
	tmp := p + ".part"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		os.Remove(tmp)
		return protocol.DiskError("write the info file", err)
	}
	if err := os.Rename(tmp, p); err != nil {
		os.Remove(tmp)
		return protocol.DiskError("write the info file", err)
	}
	return nil
}
