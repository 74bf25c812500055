package cli

import (
	"fmt"
	"strings"

	"github.com/spacekeep/spacekeep/protocol"
)

// extras is what a finished download kept besides the audio, for the
// summary line: " · 4 speakers · captions", as the popup's card says it.
func extras(ev protocol.Event) string {
	var parts []string
	switch ev.Speakers {
	case 0:
	case 1:
		parts = append(parts, "1 speaker")
	default:
		parts = append(parts, fmt.Sprintf("%d speakers", ev.Speakers))
	}
	if ev.Captions > 0 {
		parts = append(parts, "captions")
	}
	if len(parts) == 0 {
		return ""
	}
	return " · " + strings.Join(parts, " · ")
}
