package speakers

import (
	"strconv"
	"testing"
)

// BenchmarkTenHours13Speakers feeds ten hours of samples (one a second) of
// 13 people taking turns of 20-70 s. Nothing is kept per sample: the
// bytes allocated grow with the turns returned (about 1,000 here), not
// with the 36,000 samples: see -benchmem against the ten-minute run.
func BenchmarkTenHours13Speakers(b *testing.B)   { benchTimeline(b, 10*3600) }
func BenchmarkTenMinutes13Speakers(b *testing.B) { benchTimeline(b, 600) }

func benchTimeline(b *testing.B, seconds int) {
	ids := make([]string, 13)
	for i := range ids {
		ids[i] = "p" + strconv.Itoa(i)
	}
	lv := make([]Level, len(ids))
	b.ReportAllocs()
	for b.Loop() {
		tl := New(Params{})
		who, until := 0, 0
		for s := 0; s < seconds; s++ {
			if s >= until {
				who, until = (who+5)%len(ids), s+20+(s*7919)%50
			}
			for i, id := range ids {
				lv[i] = Level{ID: id, Level: 1}
				if i == who {
					lv[i].Level = 40
				}
			}
			tl.Observe(float64(s), lv)
		}
		tl.Finish(float64(seconds))
	}
}
