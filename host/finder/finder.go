// Package finder finds Spaces on X by words: X's Space search gives ids,
// AudioSpaceById their details. It is shared by `spacekeep search`, the
// browser's search box (spaces.search) and the topic watcher.
package finder

import (
	"context"
	"sync"

	"github.com/spacekeep/spacekeep/host/xapi"
	"github.com/spacekeep/spacekeep/protocol"
)

// MaxResults bounds the Spaces one search describes (one AudioSpaceById
// each).
const MaxResults = 50

// parallel is how many AudioSpaceById calls a search makes at once.
const parallel = 4

// Describe is a Space as a search lists it.
func Describe(sp *xapi.Space) protocol.FoundSpace {
	n := sp.TotalLiveListeners
	if n == 0 {
		n = sp.ParticipantCount
	}
	f := protocol.FoundSpace{ID: sp.ID, Title: sp.Title, URL: xapi.SpaceURL(sp.ID), Host: sp.Creator.Handle,
		HostName: sp.Creator.Name, HostID: sp.Creator.ID, State: sp.Status(), XState: sp.State, Replayable: sp.Replayable,
		ScheduledAt: sp.ScheduledStart, StartedAt: sp.StartedAt, EndedAt: sp.EndedAt}
	if f.State == protocol.StatusLive {
		f.Listeners = n
	}
	return f
}

// filterOf is X's filter word for a protocol filter.
func filterOf(filter string) (string, error) {
	switch filter {
	case protocol.SearchAll:
		return xapi.SearchTop, nil
	case protocol.SearchLive:
		return xapi.SearchLive, nil
	case protocol.SearchUpcoming:
		return xapi.SearchUpcoming, nil
	}
	return "", protocol.Errorf(protocol.CodeBadRequest, "search filter %q: want live, upcoming or none", filter)
}

// Search asks X's Space search for query and describes what it finds, in
// X's order, at most MaxResults. With the live or upcoming filter only
// Spaces in that state are kept, whatever X's filter did. A Space X lists
// but no longer knows is left out. X refusing the search is an error
// (search_unavailable, rate_limited, auth_required), never an empty list.
func Search(ctx context.Context, api *xapi.Client, query, filter string) ([]protocol.FoundSpace, error) {
	xf, err := filterOf(filter)
	if err != nil {
		return nil, err
	}
	ids, err := api.SearchSpaces(ctx, query, xf)
	if err != nil {
		return nil, err
	}
	if len(ids) > MaxResults {
		ids = ids[:MaxResults]
	}
	found := make([]*protocol.FoundSpace, len(ids))
	errs := make([]error, len(ids))
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			sp, err := api.AudioSpaceByID(ctx, id)
			if err != nil {
				errs[i] = err
				return
			}
			f := Describe(sp)
			found[i] = &f
		}()
	}
	wg.Wait()
	out := []protocol.FoundSpace{}
	for i, f := range found {
		if f == nil {
			if protocol.CodeOf(errs[i]) == protocol.CodeNotFound {
				continue
			}
			return nil, errs[i]
		}
		if want := wantState(filter); want != "" && f.State != want {
			continue
		}
		out = append(out, *f)
	}
	return out, nil
}

func wantState(filter string) string {
	switch filter {
	case protocol.SearchLive:
		return protocol.StatusLive
	case protocol.SearchUpcoming:
		return protocol.StatusScheduled
	}
	return ""
}
