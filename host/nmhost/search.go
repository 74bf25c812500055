package nmhost

import (
	"context"
	"encoding/json"
	"time"

	"github.com/spacekeep/spacekeep/host/xapi"
	"github.com/spacekeep/spacekeep/protocol"
)

// pageSpaces answers page.spaces: the Space ids in what an x.com page
// showed (X's answers, links), found by the X package; no call to X.
func pageSpaces(_ context.Context, payload json.RawMessage) (any, error) {
	var q protocol.PageSpacesQuery
	if err := decode(payload, &q); err != nil {
		return nil, err
	}
	answers, links := q.Answers, q.Links
	if len(answers) > protocol.MaxPageAnswers {
		answers = answers[len(answers)-protocol.MaxPageAnswers:] // the newest
	}
	if len(links) > protocol.MaxPageLinks {
		links = links[:protocol.MaxPageLinks]
	}
	ids := xapi.PageSpaces(answers, links)
	if ids == nil {
		ids = []string{}
	}
	return protocol.PageSpaces{IDs: ids}, nil
}

// Searcher runs X's Space search for a session (host/finder through an
// X client in the request's session).
type Searcher func(ctx context.Context, q protocol.SpacesSearch) ([]protocol.FoundSpace, error)

// searchTimeout bounds one spaces.search: a search and up to 50 lookups.
const searchTimeout = 60 * time.Second

// searchHandlers is spaces.search, a slow request; without a Searcher the
// type is unknown, as to an older host.
func (s *session) searchHandlers() map[string]func(context.Context, json.RawMessage) (any, error) {
	search := s.opts.Search
	if search == nil {
		return map[string]func(context.Context, json.RawMessage) (any, error){protocol.TypePageSpaces: pageSpaces}
	}
	return map[string]func(context.Context, json.RawMessage) (any, error){
		protocol.TypePageSpaces: pageSpaces,
		protocol.TypeSpacesSearch: func(ctx context.Context, payload json.RawMessage) (any, error) {
			var q protocol.SpacesSearch
			if err := decode(payload, &q); err != nil {
				return nil, err
			}
			if (q.Cookies.AuthToken == "") != (q.Cookies.CT0 == "") {
				return nil, protocol.NewError(protocol.CodeAuth, nil)
			}
			ctx, cancel := context.WithTimeout(ctx, searchTimeout)
			defer cancel()
			found, err := search(ctx, q)
			if err != nil {
				return nil, err
			}
			if found == nil {
				found = []protocol.FoundSpace{}
			}
			return protocol.SpacesFound{Items: found}, nil
		},
	}
}
