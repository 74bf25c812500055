package fakex

// nextListenerCount moves a Running Space with ListenerCounts to the count
// of its next AudioSpaceById answer. The caller holds s.mu.
func (s *Server) nextListenerCount(sp *space) {
	counts := sp.spec.ListenerCounts
	if sp.spec.State != StateRunning || len(counts) == 0 {
		return
	}
	sp.spec.TotalLiveListeners = counts[min(sp.infoHits, len(counts)-1)]
	sp.infoHits++
}

// ListenerAnswers is how many AudioSpaceById answers of a Running Space
// with ListenerCounts have been given: a test waits for all its counts to
// be served.
func (s *Server) ListenerAnswers(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sp, ok := s.spaces[id]; ok {
		return sp.infoHits
	}
	return 0
}
