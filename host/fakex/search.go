package fakex

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SearchQueryIDs are the AudioSpaceSearch query ids the fake answers
// (X-FACTS §11); others are stale (404).
var SearchQueryIDs = []string{"NTq79TuSz6fHj8lQaferJw"}

// Ways the fake's Space search refuses (SetSearchRefusal).
const (
	SearchWorks     = ""
	SearchGone      = "gone"      // every query id answers 404, as when X retires the query
	SearchReshaped  = "reshaped"  // 200 with data in a shape nobody knows
	SearchRateLimit = "ratelimit" // 429 with a reset
)

type searchState struct {
	refusal string
	calls   int
}

// SetSearchRefusal makes AudioSpaceSearch refuse in one of the Search*
// ways from now on (SearchWorks: answer again).
func (s *Server) SetSearchRefusal(how string) {
	s.mu.Lock()
	s.search.refusal = how
	s.mu.Unlock()
}

// SearchCalls is how many AudioSpaceSearch requests reached the fake.
func (s *Server) SearchCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.search.calls
}

func (s *Server) searchRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /i/api/graphql/{queryId}/AudioSpaceSearch", s.audioSpaceSearch)
	mux.HandleFunc("GET /i/api/graphql/{queryId}/UserTweets", s.userTweets) // profile.go
	mux.HandleFunc("GET /{handle}", s.profilePage)
	mux.HandleFunc("POST /fakex/search", func(w http.ResponseWriter, r *http.Request) {
		s.SetSearchRefusal(r.URL.Query().Get("refuse"))
		writeJSON(w, http.StatusOK, map[string]any{"refusal": r.URL.Query().Get("refuse")})
	})
}

// audioSpaceSearch answers in the shape one public client reads
// (data.search_by_raw_query.audio_spaces_grouped_by_section.sections[]
// .items[].space.rest_id), with the Spaces whose title holds every word of
// the query (any case): "live" lists the Running ones, "upcoming" the
// scheduled ones, any other filter every Space but canceled ones, in
// sections as the web app groups them.
func (s *Server) audioSpaceSearch(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.search.calls++
	refusal := s.search.refusal
	s.mu.Unlock()
	if refusal == SearchGone || !slices.Contains(SearchQueryIDs, r.PathValue("queryId")) {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	if !s.guard(w, r) {
		return
	}
	switch refusal {
	case SearchRateLimit:
		w.Header().Set("x-rate-limit-remaining", "0")
		w.Header().Set("x-rate-limit-reset", strconv.FormatInt(time.Now().Add(15*time.Minute).Unix(), 10))
		writeJSON(w, http.StatusTooManyRequests, errorsBody(88, "Rate limit exceeded."))
		return
	case SearchReshaped:
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"search_by_raw_query": map[string]any{
			"audio_spaces_timeline": map[string]any{"instructions": []any{}}}}})
		return
	}
	var vars struct {
		Query  string `json:"query"`
		Filter string `json:"filter"`
	}
	if err := json.Unmarshal([]byte(r.URL.Query().Get("variables")), &vars); err != nil || strings.TrimSpace(vars.Query) == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"errors": []map[string]any{{
			"message": `Variable "$query" of required type "String!" was not provided.`, "code": 366,
		}}})
		return
	}
	words := strings.Fields(strings.ToLower(vars.Query))
	type hit struct {
		id, state string
		at        time.Time
	}
	var hits []hit
	s.mu.Lock()
	for _, sp := range s.spaces {
		spec := sp.spec
		title := strings.ToLower(spec.Title)
		if spec.State == StateCanceled || !allIn(words, title) {
			continue
		}
		switch {
		case vars.Filter == "live" && spec.State != StateRunning,
			vars.Filter == "upcoming" && spec.State != StateNotStarted:
			continue
		}
		at := spec.StartedAt
		if at.IsZero() {
			at = spec.ScheduledStart
		}
		hits = append(hits, hit{spec.ID, spec.State, at})
	}
	s.mu.Unlock()
	slices.SortFunc(hits, func(a, b hit) int { return b.at.Compare(a.at) })
	sections := map[string][]any{}
	for _, h := range hits {
		name := "Recorded"
		switch h.state {
		case StateRunning:
			name = "Live"
		case StateNotStarted:
			name = "Upcoming"
		}
		sections[name] = append(sections[name], map[string]any{
			"kind":                          "Audiospace",
			"space":                         map[string]any{"rest_id": h.id},
			"followed_participants_results": []any{},
		})
	}
	out := []any{}
	for _, name := range []string{"Live", "Upcoming", "Recorded"} {
		if items := sections[name]; len(items) > 0 {
			out = append(out, map[string]any{"name": name, "destination": strings.ToLower(name), "items": items})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"search_by_raw_query": map[string]any{
		"audio_spaces_grouped_by_section": map[string]any{"sections": out}}}})
}

func allIn(words []string, s string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}
