package job

import (
	"fmt"
	"strings"

	"github.com/spacekeep/spacekeep/host/merge"
	"github.com/spacekeep/spacekeep/protocol"
)

// shortGaps turns a file that lacks more than one chunk's worth of audio
// against its playlist (merge.Result.Missing) into gaps, for the gap path
// (the file is kept, the CLI exits 17): one at each chunk served short,
// or, with none, one at the end of the file.
func shortGaps(res merge.Result) []protocol.Gap {
	if res.Missing <= 0 {
		return nil
	}
	if len(res.Short) == 0 {
		return []protocol.Gap{{StartS: res.Duration, DurationS: res.Missing}}
	}
	gaps := make([]protocol.Gap, 0, len(res.Short))
	for _, s := range res.Short {
		gaps = append(gaps, protocol.Gap{StartS: s.At, DurationS: s.Listed - s.Held})
	}
	return gaps
}

// shortWarnings says which chunks X served short of their EXTINF twice and
// were kept as served, and how far the file falls short of the playlist.
func shortWarnings(res merge.Result) []string {
	var out []string
	if n := len(res.Short); n > 0 {
		var list []string
		for i, s := range res.Short {
			if i == 5 {
				list = append(list, fmt.Sprintf("and %d more", n-5))
				break
			}
			list = append(list, fmt.Sprintf("chunk %d at %.0f s holds %.3f s of the %.3f s listed", s.Index+1, s.At, s.Held, s.Listed))
		}
		out = append(out, fmt.Sprintf("X served %d chunk(s) with less audio than its playlist lists, twice alike; they were kept as served (%s).",
			n, strings.Join(list, "; ")))
	}
	if res.Missing > 0 {
		out = append(out, fmt.Sprintf("The file holds %.1f s less audio than the playlist lists. The file was kept; the gap is listed.", res.Missing))
	}
	return out
}
