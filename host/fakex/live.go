package fakex

import (
	"context"
	"fmt"
	"time"
)

// windowFrom is the first chunk a Running Space's media playlist lists
// when it has count chunks: 0, or the start of its LiveWindow.
func (spec SpaceSpec) windowFrom(count int) int {
	if spec.State != StateRunning || spec.LiveWindow <= 0 {
		return 0
	}
	return max(0, count-spec.LiveWindow)
}

// Stall makes every CDN request for the Space hang for d from now, as a
// suspended laptop or a stalled network does; the Space goes on gaining
// chunks meanwhile, so a sliding window moves past those not yet seen.
func (s *Server) Stall(id string, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	sp, ok := s.spaces[id]
	if !ok {
		return fmt.Errorf("fakex: stall Space %s: no such Space", id)
	}
	sp.stallUntil = time.Now().Add(d)
	return nil
}

// waitStall holds a request while its Space is stalled.
func (s *Server) waitStall(ctx context.Context, sp *space) {
	s.mu.Lock()
	until := sp.stallUntil
	s.mu.Unlock()
	d := time.Until(until)
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
