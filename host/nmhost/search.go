package nmhost

import (
	"context"
	"encoding/json"
	"time"

	"github.com/spacekeep/spacekeep/protocol"
)

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
		return nil
	}
	return map[string]func(context.Context, json.RawMessage) (any, error){
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
