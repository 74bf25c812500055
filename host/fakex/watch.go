package fakex

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Watching hosts (X-FACTS §10): avatar_content says which of up to 100
// users are in a live Space, UserByScreenName turns a handle into a user
// id, and a control endpoint lets tests start and end a Space on demand.

// UserQueryIDs are the UserByScreenName query ids the fake answers.
var UserQueryIDs = []string{"xmU6X_CKVnQ5lSrCbAmJsg", "G3KGOASz96M-Qu0nwmGXNg", "sLVLhk0bGj3MVFEKTdax1w"}

// MaxAvatarIDs is avatar_content's limit: more ids answer 400.
const MaxAvatarIDs = 100

// UserID is the fake's user id (rest_id) of handle: 19 digits, stable, the
// same for every Space of that host, and above 2^53 so that a reader that
// goes through float64 gets it wrong.
func UserID(handle string) string {
	sum := sha256.Sum256([]byte("spacekeep-fakex-user:" + strings.ToLower(handle)))
	return strconv.FormatUint(1e18+binary.BigEndian.Uint64(sum[:])%8e18, 10)
}

// watchState is the avatar_content rate limit: Limit calls per Window
// (0: unlimited), counted from the first call of a window.
type watchState struct {
	limit       int
	window      time.Duration
	noReset     bool // a 429 without x-rate-limit-reset
	windowStart time.Time
	calls       int
	avatarCalls int
}

// SetAvatarRateLimit makes avatar_content allow limit calls per window,
// answering 429 beyond with the x-rate-limit-* headers (or without
// x-rate-limit-reset when noReset). limit 0 removes the limit.
func (s *Server) SetAvatarRateLimit(limit int, window time.Duration, noReset bool) {
	s.mu.Lock()
	s.watch = watchState{limit: limit, window: window, noReset: noReset, avatarCalls: s.watch.avatarCalls}
	s.mu.Unlock()
}

// AvatarCalls is how many avatar_content requests the fake answered.
func (s *Server) AvatarCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.watch.avatarCalls
}

// StartSpace makes the Space id live now, as its host starting it: it
// becomes Running with `chunks` chunks recorded so far, gaining one every
// interval (0: real time). A Space of any state may be started again.
func (s *Server) StartSpace(id string, chunks int, interval time.Duration) error {
	s.mu.Lock()
	sp, ok := s.spaces[id]
	var spec SpaceSpec
	if ok {
		spec = sp.spec
	}
	s.mu.Unlock()
	if !ok {
		return fmt.Errorf("fakex: start Space %s: no such Space", id)
	}
	spec.State = StateRunning
	spec.Replayable = false
	spec.Chunks = max(chunks, 1)
	spec.LiveInterval = interval
	spec.StartedAt, spec.EndedAt, spec.ScheduledStart = time.Time{}, time.Time{}, time.Time{}
	if spec.PlaylistShape != ShapeLive {
		spec.PlaylistShape = ""
	}
	s.AddSpace(spec)
	return nil
}

func (s *Server) watchRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /i/api/fleets/v1/avatar_content", s.avatarContent)
	mux.HandleFunc("GET /i/api/graphql/{queryId}/UserByScreenName", s.userByScreenName)
	mux.HandleFunc("POST /fakex/spaces/{id}/start", s.controlStart)
	mux.HandleFunc("POST /fakex/spaces/{id}/end", s.controlEnd)
	s.searchRoutes(mux)
}

func (s *Server) avatarContent(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.watch.avatarCalls++
	now := time.Now()
	ws := &s.watch
	limited := false
	rate := http.Header{}
	if ws.limit > 0 {
		if ws.windowStart.IsZero() || now.Sub(ws.windowStart) >= ws.window {
			ws.windowStart, ws.calls = now, 0
		}
		ws.calls++
		limited = ws.calls > ws.limit
		rate.Set("x-rate-limit-limit", strconv.Itoa(ws.limit))
		rate.Set("x-rate-limit-remaining", strconv.Itoa(max(ws.limit-ws.calls, 0)))
		if !(limited && ws.noReset) {
			rate.Set("x-rate-limit-reset", strconv.FormatInt(ws.windowStart.Add(ws.window).Unix(), 10))
		}
	}
	s.mu.Unlock()
	setRate := func() {
		for k, v := range rate {
			w.Header()[k] = v
		}
	}
	if limited {
		setRate()
		writeJSON(w, http.StatusTooManyRequests, errorsBody(88, "Rate limit exceeded."))
		return
	}
	if !s.guard(w, r) {
		return
	}
	setRate() // this endpoint's own limit, over guard's generic headers
	q := r.URL.Query()
	if q.Get("only_spaces") != "true" {
		writeJSON(w, http.StatusBadRequest, errorsBody(214, "only_spaces must be true here"))
		return
	}
	ids := strings.Split(q.Get("user_ids"), ",")
	if len(ids) > MaxAvatarIDs {
		writeJSON(w, http.StatusBadRequest, errorsBody(214, "BadRequest: at most 100 user_ids"))
		return
	}
	for _, id := range ids {
		if _, err := strconv.ParseUint(id, 10, 64); err != nil {
			writeJSON(w, http.StatusBadRequest, errorsBody(214, "BadRequest: user_ids must be numbers"))
			return
		}
	}
	// Hand-built JSON: creator_twitter_user_id is a bare 19-digit number, as X sends it.
	var users []string
	s.mu.Lock()
	for _, sp := range s.spaces {
		if sp.spec.State != StateRunning || !slices.Contains(ids, sp.hostID) {
			continue
		}
		title, _ := json.Marshal(sp.spec.Title)
		users = append(users, fmt.Sprintf(`%q:{"spaces":{"live_content":{"audiospace":{"broadcast_id":%q,"title":%s,"state":"RUNNING","creator_twitter_user_id":%s,"is_muted":false,"participant_count":%d}}}}`,
			sp.hostID, sp.spec.ID, title, sp.hostID, sp.spec.TotalLiveListeners+1))
	}
	s.mu.Unlock()
	slices.Sort(users)
	body := `{"users":{` + strings.Join(users, ",") + `},"refresh_delay_secs":30}`
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(body))
}

func (s *Server) userByScreenName(w http.ResponseWriter, r *http.Request) {
	if !slices.Contains(UserQueryIDs, r.PathValue("queryId")) {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	if !s.guard(w, r) {
		return
	}
	var vars struct {
		ScreenName string `json:"screen_name"`
	}
	if err := json.Unmarshal([]byte(r.URL.Query().Get("variables")), &vars); err != nil || vars.ScreenName == "" {
		writeJSON(w, http.StatusBadRequest, errorsBody(366, `Variable "$screen_name" of required type "String!" was not provided.`))
		return
	}
	var name, display string
	s.mu.Lock()
	for _, sp := range s.spaces {
		if strings.EqualFold(sp.spec.HostHandle, vars.ScreenName) {
			name, display = sp.spec.HostHandle, sp.spec.HostName
			break
		}
	}
	s.mu.Unlock()
	if name == "" {
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{}})
		return
	}
	id := UserID(name)
	body := `{"data":{"user":{"result":{"__typename":"User","id":"VXNlcjo=","rest_id":"` + id +
		`","core":{"name":` + mustJSON(display) + `,"screen_name":` + mustJSON(name) + `},"legacy":{"followers_count":1234}}}}}`
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(body))
}

func mustJSON(v string) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// controlStart is POST /fakex/spaces/{id}/start[?chunks=N&interval=D]: the
// browser tests' way to make a Space go live. Not part of X.
func (s *Server) controlStart(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	chunks, _ := strconv.Atoi(q.Get("chunks"))
	interval, _ := time.ParseDuration(q.Get("interval"))
	if err := s.StartSpace(r.PathValue("id"), chunks, interval); err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "host_id": s.hostIDOf(r.PathValue("id"))})
}

// controlEnd is POST /fakex/spaces/{id}/end: the Space ends now.
func (s *Server) controlEnd(w http.ResponseWriter, r *http.Request) {
	if err := s.EndSpace(r.PathValue("id")); err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	spec, _ := s.Space(r.PathValue("id"))
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "chunks": spec.Chunks})
}

func (s *Server) hostIDOf(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sp, ok := s.spaces[id]; ok {
		return sp.hostID
	}
	return ""
}
