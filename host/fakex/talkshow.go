package fakex

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/spacekeep/spacekeep/host/testaudio"
)

// TalkShow is a Space of chunks chunks in which the host and three
// speakers take turns of 20 s to 2 min, each turn a run of sentences of one
// to twenty words with pauses between them, now and then a "Yes." from
// someone else: its Talk (the Hydra levels) and its Captions (the chat
// history, partials and all) agree, and each caption's Spoken is the
// ground truth of when its words were said. Every caption's text is unique.
// The same id and chunks give the same Space.
func TalkShow(id string, chunks int) SpaceSpec {
	rng := rand.New(rand.NewPCG(uint64(chunks), 7))
	spec := SpaceSpec{ID: id, Title: "A long talk", State: StateEnded, Replayable: true, Chunks: chunks,
		HostName: "Space Keeper", HostHandle: "spacekeeper",
		Speakers:     []Participant{{"Ada Lovelace", "ada"}, {"Grace Hopper", "grace"}, {"Linus T", "linus"}},
		ChatPageSize: 1000}
	words := strings.Fields("we keep every space with its speakers and captions so that nothing said is lost " +
		"the audio comes in chunks of three seconds and each one carries who is talking right now")
	end := float64(chunks)*testaudio.ChunkDuration - 2
	at, who, n := 1.0, 0, 0
	for at < end {
		turnEnd := min(at+20+rng.Float64()*100, end)
		from, said := at, 0.0
		for at < turnEnd {
			k := 1 + rng.IntN(20)
			if rng.IntN(10) == 0 {
				k = 1 + rng.IntN(2) // "Right." "I agree."
			}
			text := make([]string, k)
			for i := range text {
				text[i] = words[rng.IntN(len(words))]
			}
			text[k-1] = fmt.Sprintf("%s%d.", text[k-1], n) // unique
			c := CaptionSpec{Who: who, At: at, Dur: float64(k) * (0.28 + rng.Float64()*0.17), Text: strings.Join(text, " ")}
			if c.At+c.Dur > end {
				break
			}
			spec.Captions = append(spec.Captions, c)
			said = c.At + c.Dur
			n++
			at += c.Dur + 0.4 + rng.Float64()*1.6
			if rng.IntN(30) == 0 { // someone else agrees, too short for a turn of their own
				other := (who + 1 + rng.IntN(3)) % 4
				spec.Captions = append(spec.Captions, CaptionSpec{Who: other, At: at - 0.3, Dur: 0.4, Text: fmt.Sprintf("Yes%d.", n)})
				n++
			}
		}
		if said == 0 {
			break // no room for a sentence before the end
		}
		spec.Talk = append(spec.Talk, Talk{Who: who, From: from, To: said})
		at = said + 0.5 + rng.Float64()*2
		who = (who + 1 + rng.IntN(3)) % 4
	}
	return spec
}
