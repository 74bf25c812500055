package captions

import (
	"math"
	"sort"
	"strings"
)

// Said is one caption as its source dates it, in seconds from the start of
// the audio. A caption's text is complete (Final) when its sentence ends:
// the words began earlier, at the first partial caption of the utterance
// (Began), when the source saw one.
type Said struct {
	Began   float64 // when its speaker began it; NaN when unknown
	Final   float64 // when its text was complete
	Speaker string  // as shown in the cue, e.g. "@ada"; matches Turn.Speaker
	Text    string
	Ref     int // the caller's own reference, carried to the Cue
}

// Turn is a stretch of one person speaking, as the audio shows it.
type Turn struct {
	Start, End float64
	Speaker    string
}

// finalLag is how long after a turn ends its last caption may still come:
// a recogniser closes a sentence after a pause.
const finalLag = 3.0

// Place turns captions into cues on audio of duration seconds, in the order
// they start. A cue starts when its words began: the first partial of its
// utterance; without one, its speaker's turn that covers it (or that
// speaker's previous caption in that turn, when the turn holds several);
// only then the final's time. It ends at its final, or at the next cue's
// start when that comes first; a cue dated only by its final stays up for a
// reading time. Captions outside the audio are left out and counted.
func Place(said []Said, turns []Turn, duration float64) (cues []Cue, outside int) {
	order := make([]int, len(said))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return said[order[a]].Final < said[order[b]].Final })
	lastFinal := map[string]float64{} // each speaker's previous final
	for _, i := range order {
		s := said[i]
		if math.IsNaN(s.Final) || math.IsInf(s.Final, 0) {
			outside++
			continue
		}
		start, dated := s.Final, false
		switch {
		case !math.IsNaN(s.Began) && s.Began <= s.Final:
			start, dated = s.Began, true
		default:
			if t, ok := coveringTurn(turns, s.Speaker, s.Final); ok {
				start = t.Start
				if prev, ok := lastFinal[s.Speaker]; ok && prev > start {
					start = prev
				}
				dated = start < s.Final
				start = min(start, s.Final)
			}
		}
		lastFinal[s.Speaker] = s.Final
		if s.Final < 0 || start >= duration {
			outside++
			continue
		}
		start = max(start, 0)
		end := s.Final
		if !dated {
			end = start + readingTime(s.Text)
		}
		cues = append(cues, Cue{Start: start, End: end, Speaker: s.Speaker, Text: s.Text, Ref: s.Ref})
	}
	sort.SliceStable(cues, func(a, b int) bool { return cues[a].Start < cues[b].Start })
	for i := range cues {
		if i+1 < len(cues) {
			if next := cues[i+1].Start; next > cues[i].Start && next < cues[i].End {
				cues[i].End = next
			}
		}
		cues[i].End = min(cues[i].End, duration)
	}
	return cues, outside
}

// coveringTurn finds the speaker's latest turn that holds the time at (or
// ended at most finalLag before it).
func coveringTurn(turns []Turn, speaker string, at float64) (Turn, bool) {
	var best Turn
	found := false
	for _, t := range turns {
		if t.Speaker != speaker || t.Start > at || at > t.End+finalLag {
			continue
		}
		if !found || t.Start > best.Start {
			best, found = t, true
		}
	}
	return best, found
}

// readingTime is how long a caption stays up when nothing dates its end:
// about 0.4 s a word, between 1.5 and 8 s.
func readingTime(text string) float64 {
	return min(max(0.4*float64(len(strings.Fields(text)))+0.8, 1.5), 8)
}
