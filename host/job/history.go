package job

import "sort"

// KeepFinished is how many finished jobs a Manager remembers (for
// jobs.list and file.reveal): every running job is kept, and the newest
// finished ones; older ones are forgotten, so that a service running for
// months neither grows without bound nor lists more than a reply can hold.
const KeepFinished = 200

// dropOldFinished forgets the oldest finished jobs beyond KeepFinished.
// m.mu must be held.
func (m *Manager) dropOldFinished() {
	var done []*entry
	for _, e := range m.jobs {
		if !e.running {
			done = append(done, e)
		}
	}
	if len(done) <= KeepFinished {
		return
	}
	sort.Slice(done, func(i, j int) bool { return done[i].finished.Before(done[j].finished) })
	for _, e := range done[:len(done)-KeepFinished] {
		delete(m.jobs, e.id)
	}
}
