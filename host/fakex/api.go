package fakex

import (
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// BearerToken is the public web-client bearer every API call must carry (X-FACTS §1).
const BearerToken = "AAAAAAAAAAAAAAAAAAAAANRILgAAAAAAnNwIzUejRCOuH5E6I8xnZz4puTs%3D1Zv7ttfk8LF81IUq16cHjhLTvJu4FA33AGWWjCpTnA"

// KnownQueryIDs are the AudioSpaceById queryIds seen in use, newest first (X-FACTS §3).
var KnownQueryIDs = []string{
	"rC2zlE1t7SHbVG8obPZliQ",
	"HPEisOmj1epUNLCWTYhUWw",
	"xVEzTKg_mLTHubK5ayL0HA",
	"kZ9wfR8EBtiP0As3sFFrBA",
	"SL4eyLXdr1zWZVpXRhxZ4Q",
}

// Features2025 is a features set that AudioSpaceById accepted in late 2025
// (x-samples/features-2025.json). The page sends it, plus any RequiredFeatures.
//
//go:embed features-2025.json
var Features2025 []byte

func (s *Server) apiHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /i/api/graphql/{queryId}/AudioSpaceById", s.audioSpaceByID)
	mux.HandleFunc("GET /i/api/1.1/live_video_stream/status/{mediaKey}", s.streamStatus)
	mux.HandleFunc("POST /1.1/guest/activate.json", s.activateGuest)
	mux.HandleFunc("/__fakex/{what}", s.control)
	s.watchRoutes(mux)
	mux.HandleFunc("/i/api/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, errorsBody(34, "Sorry, that page does not exist."))
	})
	mux.HandleFunc("POST /api/v2/accessChatPublic", s.accessChatPublic) // the chat service: chat.go
	mux.HandleFunc("POST /chatapi/v1/history", s.chatHistory)
	mux.HandleFunc("GET /i/spaces/{id}", s.spacePage)
	mux.HandleFunc("GET /i/spaces/{id}/peek", s.spacePage)
	mux.HandleFunc("GET /responsive-web/client-web/", s.bundle)
	mux.HandleFunc("GET /{$}", s.homePage)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		listener := "page"
		if strings.HasPrefix(r.URL.Path, "/i/api/") {
			listener = "api"
		} else if isChatPath(r.URL.Path) {
			listener = "chat"
		}
		if !s.record(listener, r) {
			return
		}
		mux.ServeHTTP(w, r)
	})
}

type apiError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func errorsBody(code int, msg string) map[string]any {
	return map[string]any{"errors": []apiError{{code, msg}}}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "fakex: encode JSON: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// guard applies the checks every API call goes through, in X's order of
// concern: rate limit, bearer, session cookie, csrf. It answers and returns
// false when one fails.
func (s *Server) guard(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	s.apiCalls++
	limited := s.apiCalls <= s.opts.RateLimitFirst
	s.mu.Unlock()
	h := w.Header()
	h.Set("x-rate-limit-limit", "900")
	if limited {
		h.Set("x-rate-limit-remaining", "0")
		h.Set("x-rate-limit-reset", strconv.FormatInt(time.Now().Add(time.Second).Unix()+1, 10))
		writeJSON(w, http.StatusTooManyRequests, errorsBody(88, "Rate limit exceeded."))
		return false
	}
	h.Set("x-rate-limit-remaining", "899")
	h.Set("x-rate-limit-reset", strconv.FormatInt(time.Now().Add(15*time.Minute).Unix(), 10))
	if r.Header.Get("Authorization") != "Bearer "+BearerToken {
		writeJSON(w, http.StatusUnauthorized, errorsBody(89, "Invalid or expired token."))
		return false
	}
	at, err1 := r.Cookie("auth_token")
	ct0, err2 := r.Cookie("ct0")
	s.mu.Lock()
	_, valid := s.sessions[cookieValue(at, err1)]
	s.mu.Unlock()
	if !valid && r.Header.Get("x-guest-token") != "" {
		return s.guestGuard(w, r)
	}
	if !valid {
		writeJSON(w, http.StatusUnauthorized, errorsBody(32, "Could not authenticate you."))
		return false
	}
	if v := cookieValue(ct0, err2); v == "" || r.Header.Get("x-csrf-token") != v {
		writeJSON(w, http.StatusForbidden, errorsBody(353, "This request requires a matching csrf cookie and header."))
		return false
	}
	return true
}

func cookieValue(c *http.Cookie, err error) string {
	if err != nil {
		return ""
	}
	return c.Value
}

// pageQueryID is the queryId the web app currently uses: the newest live one.
func (s *Server) pageQueryID() string {
	if d := s.drift(); d != "" {
		return d
	}
	for _, q := range s.opts.QueryIDs {
		if !slices.Contains(s.opts.DeadQueryIDs, q) {
			return q
		}
	}
	return "noLiveQueryId"
}

// pageFeatures is the features JSON the web app sends: Features2025 plus
// whatever RequiredFeatures the server insists on.
func (s *Server) pageFeatures() string {
	m := map[string]any{}
	_ = json.Unmarshal(Features2025, &m) // embedded and known good
	for _, f := range s.opts.RequiredFeatures {
		if _, ok := m[f]; !ok {
			m[f] = false
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func (s *Server) audioSpaceByID(w http.ResponseWriter, r *http.Request) {
	qid := r.PathValue("queryId")
	if d := s.drift(); d != "" && s.driftRefuses(r, qid) {
		w.WriteHeader(http.StatusNotFound) // as for a stale queryId
		return
	}
	if d := s.drift(); d == "" && (!slices.Contains(s.opts.QueryIDs, qid) || slices.Contains(s.opts.DeadQueryIDs, qid)) {
		// A stale queryId: X answers 404 with an empty body.
		w.WriteHeader(http.StatusNotFound)
		return
	}
	if !s.guard(w, r) {
		return
	}
	q := r.URL.Query()
	features := map[string]any{}
	if f := q.Get("features"); f != "" {
		if err := json.Unmarshal([]byte(f), &features); err != nil {
			writeJSON(w, http.StatusBadRequest, errorsBody(214, "BadRequest: features is not valid JSON"))
			return
		}
	}
	var missing []string
	for _, f := range s.opts.RequiredFeatures {
		if features[f] == nil { // absent or null: both "cannot be null"
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		writeJSON(w, http.StatusBadRequest, errorsBody(336, "The following features cannot be null: "+strings.Join(missing, ", ")))
		return
	}
	var vars struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(q.Get("variables")), &vars); err != nil || vars.ID == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"errors": []map[string]any{{
			"message": `Variable "$id" of required type "String!" was not provided.`, "code": 366,
		}}})
		return
	}
	s.mu.Lock()
	sp, ok := s.spaces[vars.ID]
	var spec SpaceSpec
	var derived space
	if ok {
		s.nextListenerCount(sp)
		spec, derived = sp.spec, *sp
	}
	s.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"audioSpace": map[string]any{}}})
		return
	}
	derived.spec = spec
	body := map[string]any{"data": map[string]any{"audioSpace": s.audioSpaceJSON(&derived)}}
	if spec.DataWithErrors {
		body["errors"] = []map[string]any{{
			"message":   "Dependency: Unspecified",
			"locations": []map[string]int{{"line": 12, "column": 11}},
			"path":      []any{"audioSpace", "participants", "admins", 0, "user_results", "result"},
			"extensions": map[string]any{
				"name": "DependencyError", "source": "Server", "code": 0, "kind": "Operational",
				"tracing": map[string]string{"trace_id": randomHex(16)},
			},
			"code": 0, "kind": "Operational", "name": "DependencyError", "source": "Server",
			"tracing": map[string]string{"trace_id": randomHex(16)},
		}}
	}
	writeJSON(w, http.StatusOK, body)
}

// avatarURL is the profile image URL X would give for handle.
func (s *Server) avatarURL(sp *space, handle string, explicit string) string {
	switch {
	case explicit == "":
		return s.CDNBase() + "/profile_images/" + sp.hostID + "/" + sanitizeHandle(handle) + "_normal.jpg"
	case strings.HasPrefix(explicit, "/"):
		return s.CDNBase() + explicit
	}
	return explicit
}

func sanitizeHandle(h string) string {
	var b strings.Builder
	for _, r := range h {
		if r < 128 && (r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "user"
	}
	return b.String()
}

func (s *Server) audioSpaceJSON(sp *space) map[string]any {
	spec := sp.spec
	avatar := s.avatarURL(sp, spec.HostHandle, spec.AvatarURL)
	userID := base64.StdEncoding.EncodeToString([]byte("User:" + sp.hostID))
	creator := map[string]any{
		"__typename":                   "User",
		"id":                           userID,
		"rest_id":                      sp.hostID,
		"affiliates_highlighted_label": map[string]any{},
		"has_graduated_access":         true,
		"is_blue_verified":             false,
		"profile_image_shape":          "Circle",
	}
	legacy := map[string]any{
		"followed_by":     false,
		"following":       false,
		"followers_count": 1234,
		"description":     "A host of Spaces.",
	}
	if spec.CreatorShape == CreatorLegacy {
		legacy["name"] = spec.HostName
		legacy["screen_name"] = spec.HostHandle
		legacy["profile_image_url_https"] = avatar
		legacy["created_at"] = "Wed Jun 01 12:00:00 +0000 2016"
	} else {
		creator["core"] = map[string]any{
			"created_at":  "Wed Jun 01 12:00:00 +0000 2016",
			"name":        spec.HostName,
			"screen_name": spec.HostHandle,
		}
		creator["avatar"] = map[string]any{"image_url": avatar}
	}
	creator["legacy"] = legacy

	meta := map[string]any{
		"rest_id":                         spec.ID,
		"state":                           spec.State,
		"title":                           spec.Title,
		"media_key":                       sp.mediaKey,
		"disallow_join":                   false,
		"narrow_cast_space_type":          0,
		"is_employee_only":                false,
		"is_locked":                       false,
		"is_space_available_for_replay":   spec.Replayable,
		"is_space_available_for_clipping": false,
		"conversation_controls":           0,
		"total_replay_watched":            spec.TotalReplayWatched,
		"total_live_listeners":            spec.TotalLiveListeners,
		"creator_results":                 map[string]any{"result": creator},
	}
	ms := func(t time.Time) int64 { return t.UnixMilli() }
	now := time.Now()
	switch {
	case !spec.StartedAt.IsZero():
		meta["created_at"] = ms(spec.StartedAt) - 1100
		meta["started_at"] = ms(spec.StartedAt)
	default:
		meta["created_at"] = ms(spec.ScheduledStart) - 3600_000
	}
	if !spec.ScheduledStart.IsZero() {
		meta["scheduled_start"] = ms(spec.ScheduledStart)
	}
	if !spec.EndedAt.IsZero() {
		meta["ended_at"] = strconv.FormatInt(ms(spec.EndedAt), 10) // a string, as X sends it
		meta["updated_at"] = ms(spec.EndedAt) + 812
	} else {
		meta["updated_at"] = ms(now)
	}

	participant := func(p Participant, n int) map[string]any {
		return map[string]any{
			"periscope_user_id":   periscopeID(p, n),
			"start":               ms(spec.StartedAt),
			"twitter_screen_name": p.ScreenName,
			"display_name":        p.DisplayName,
			"avatar_url":          s.avatarURL(sp, p.ScreenName, ""),
			"is_verified":         false,
			"is_muted_by_admin":   false,
			"is_muted_by_guest":   true,
			"user_results": map[string]any{
				"rest_id": strconv.Itoa(1000000000 + n*104729),
				"result":  map[string]any{"__typename": "User", "is_blue_verified": false, "legacy": map[string]any{}},
			},
		}
	}
	admins := []map[string]any{participant(Participant{spec.HostName, spec.HostHandle}, 0)}
	admins[0]["user_results"].(map[string]any)["rest_id"] = sp.hostID
	admins[0]["avatar_url"] = avatar
	for i, p := range spec.Admins {
		admins = append(admins, participant(p, 1+i))
	}
	speakers := []map[string]any{}
	for i, p := range spec.Speakers {
		speakers = append(speakers, participant(p, 100+i))
	}
	listeners := []map[string]any{}
	for i, p := range spec.Listeners {
		listeners = append(listeners, participant(p, 1000+i))
	}
	return map[string]any{
		"metadata":      meta,
		"is_subscribed": false,
		"participants": map[string]any{
			"total":     len(admins) + len(speakers) + len(listeners) + spec.TotalLiveListeners,
			"admins":    admins,
			"speakers":  speakers,
			"listeners": listeners,
		},
		"sharings": map[string]any{"items": []any{}, "slice_info": map[string]any{}},
	}
}

func (s *Server) streamStatus(w http.ResponseWriter, r *http.Request) {
	if s.driftRefuses(r, "") {
		writeJSON(w, http.StatusNotFound, errorsBody(34, "Sorry, that page does not exist."))
		return
	}
	if !s.guard(w, r) {
		return
	}
	s.mu.Lock()
	sp, ok := s.byMediaKey[r.PathValue("mediaKey")]
	var cp space
	if ok {
		cp = *sp
	}
	s.mu.Unlock()
	if !ok || cp.spec.State == StateNotStarted || cp.spec.State == StateCanceled {
		writeJSON(w, http.StatusNotFound, errorsBody(34, "Sorry, that page does not exist."))
		return
	}
	loc := cp.location(s.CDNBase())
	status := "ENDED"
	if cp.spec.State == StateRunning {
		status = "LIVE_PUBLIC"
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"source": map[string]any{
			"location":              loc,
			"noRedirectPlaybackUrl": loc,
			"status":                status,
			"streamType":            "HLS",
		},
		"sessionId":          randomHex(32),
		"chatToken":          chatToken(cp.spec.ID),
		"lifecycleToken":     "eyJ" + randomHex(80),
		"shareUrl":           "https://x.com/i/spaces/" + cp.spec.ID,
		"chatPermissionType": "Public",
	})
}
