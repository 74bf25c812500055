package fakex

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// oracle is the part of the fake that plays X's newer defences, switchable
// while the server runs (the browser tests share one server):
//
//   - guests: POST /1.1/guest/activate.json hands out guest tokens, and the
//     API accepts x-guest-token instead of the session cookies, unless
//     guests are refused (then activation answers 403, as do guest calls);
//   - drift: the page uses a queryId no list has (PageQueryID), the API
//     refuses every other one, and answers that one and the stream status
//     only with an x-client-transaction-id, which only X's page script
//     makes: a client can then only use the page's own answers.
type oracle struct {
	mu       sync.Mutex
	init     bool
	pageOnly string // the drifted queryId, "" when not drifted
	refuse   bool   // guests refused
	tokens   map[string]bool
	issued   int
}

// DriftQueryID is the queryId the drifted page uses: in no list of ours.
const DriftQueryID = "zZdRiFtEdQuErYiD0nLy"

func (s *Server) oracleState() *oracle {
	o := &s.oracle
	o.mu.Lock()
	if !o.init {
		o.init = true
		o.pageOnly = s.opts.PageQueryID
		o.refuse = s.opts.RefuseGuests
		o.tokens = map[string]bool{}
	}
	o.mu.Unlock()
	return o
}

// SetDrift makes the API refuse every queryId but qid, and that one (and the
// stream status) without a transaction id; "" ends the drift.
func (s *Server) SetDrift(qid string) {
	o := s.oracleState()
	o.mu.Lock()
	o.pageOnly = qid
	o.mu.Unlock()
}

// SetRefuseGuests makes guest activation and guest calls answer 403.
func (s *Server) SetRefuseGuests(refuse bool) {
	o := s.oracleState()
	o.mu.Lock()
	o.refuse = refuse
	o.mu.Unlock()
}

// ExpireGuestTokens makes every guest token issued so far invalid (401), as
// X's expire.
func (s *Server) ExpireGuestTokens() {
	o := s.oracleState()
	o.mu.Lock()
	clear(o.tokens)
	o.mu.Unlock()
}

// GuestActivations is how many guest tokens were handed out.
func (s *Server) GuestActivations() int {
	o := s.oracleState()
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.issued
}

func (s *Server) drift() string {
	o := s.oracleState()
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.pageOnly
}

// driftRefuses reports whether a drifted API refuses this call: any
// other queryId (qid "" for the status), or no transaction id.
func (s *Server) driftRefuses(r *http.Request, qid string) bool {
	d := s.drift()
	if d == "" {
		return false
	}
	if qid != "" && qid != d {
		return true
	}
	return len(r.Header.Get("x-client-transaction-id")) < 16
}

func (s *Server) activateGuest(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+BearerToken {
		writeJSON(w, http.StatusUnauthorized, errorsBody(89, "Invalid or expired token."))
		return
	}
	o := s.oracleState()
	o.mu.Lock()
	refuse := o.refuse
	tok := ""
	if !refuse {
		o.issued++
		tok = "1" + strconv.Itoa(860000000000000000+o.issued*7919) // X's are 19 digits
		o.tokens[tok] = true
	}
	o.mu.Unlock()
	if refuse {
		writeJSON(w, http.StatusForbidden, errorsBody(200, "Forbidden."))
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"guest_token": tok})
}

// guestGuard checks a guest call (no session cookie): true when it may go on.
func (s *Server) guestGuard(w http.ResponseWriter, r *http.Request) bool {
	tok := r.Header.Get("x-guest-token")
	o := s.oracleState()
	o.mu.Lock()
	valid, refuse := o.tokens[tok], o.refuse
	o.mu.Unlock()
	switch {
	case tok == "":
		writeJSON(w, http.StatusUnauthorized, errorsBody(32, "Could not authenticate you."))
	case !valid:
		writeJSON(w, http.StatusUnauthorized, errorsBody(239, "Bad guest token."))
	case refuse:
		writeJSON(w, http.StatusForbidden, errorsBody(200, "Forbidden."))
	default:
		return true
	}
	return false
}

// control serves /__fakex/ for tests that drive the fake from outside its
// process (the browser tests): POST mode?drift=on|off&guests=allow|refuse,
// GET requests (the API calls seen, without secrets).
func (s *Server) control(w http.ResponseWriter, r *http.Request) {
	switch r.PathValue("what") {
	case "mode":
		if r.Method != http.MethodPost {
			http.Error(w, "POST", http.StatusMethodNotAllowed)
			return
		}
		q := r.URL.Query()
		switch q.Get("drift") {
		case "on":
			s.SetDrift(DriftQueryID)
		case "off":
			s.SetDrift("")
		}
		switch q.Get("guests") {
		case "allow":
			s.SetRefuseGuests(false)
		case "refuse":
			s.SetRefuseGuests(true)
		}
		writeJSON(w, http.StatusOK, map[string]any{"drift": s.drift()})
	case "requests":
		type seen struct {
			Method         string `json:"method"`
			Path           string `json:"path"`
			UserAgent      string `json:"user_agent"`
			AcceptLanguage string `json:"accept_language"`
			HasCookie      bool   `json:"has_cookie"`
			Guest          bool   `json:"guest"`
			FromPage       bool   `json:"from_page"`       // a browser's fetch (Sec-Fetch-Mode), not the host
			Space          string `json:"space,omitempty"` // the Space asked about, when the call names one
		}
		out := []seen{}
		for _, q := range s.Requests() {
			if q.Listener != "api" && q.Path != "/1.1/guest/activate.json" {
				continue
			}
			out = append(out, seen{q.Method, q.Path, q.Header.Get("User-Agent"), q.Header.Get("Accept-Language"),
				q.HasCookie, q.Header.Get("x-guest-token") != "", q.Header.Get("Sec-Fetch-Mode") != "", s.spaceOfCall(q)})
		}
		b, _ := json.Marshal(out)
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	default:
		http.NotFound(w, r)
	}
}

// spaceOfCall names the Space an API call asked about: the id in
// AudioSpaceById's variables, or the Space of a stream status's media key.
// Tests tell the calls about one Space from those about others on a page.
func (s *Server) spaceOfCall(q Request) string {
	if strings.HasSuffix(q.Path, "/AudioSpaceById") {
		v, _ := url.ParseQuery(q.Query)
		var vars struct {
			ID string `json:"id"`
		}
		json.Unmarshal([]byte(v.Get("variables")), &vars)
		return vars.ID
	}
	if key, ok := strings.CutPrefix(q.Path, "/i/api/1.1/live_video_stream/status/"); ok {
		s.mu.Lock()
		defer s.mu.Unlock()
		if sp, ok := s.byMediaKey[key]; ok {
			return sp.spec.ID
		}
	}
	return ""
}

// PageAnswers are what the Space page of id receives from the API when the
// user presses play: the AudioSpaceById answer (with the page's queryId,
// features and transaction id), the stream status answer, and the media
// key its URL named; as an extension would pass them on.
func (s *Server) PageAnswers(id string) (audioSpace, status []byte, mediaKey string, err error) {
	at, ct0 := s.Session()
	call := func(h http.HandlerFunc, path string, values map[string]string, q url.Values) ([]byte, error) {
		req := httptest.NewRequest(http.MethodGet, path+"?"+q.Encode(), nil)
		for k, v := range values {
			req.SetPathValue(k, v)
		}
		req.Header.Set("Authorization", "Bearer "+BearerToken)
		req.Header.Set("Cookie", "auth_token="+at+"; ct0="+ct0)
		req.Header.Set("x-csrf-token", ct0)
		req.Header.Set("x-client-transaction-id", randomHex(32))
		rec := httptest.NewRecorder()
		h(rec, req)
		if rec.Code != http.StatusOK {
			return nil, fmt.Errorf("fakex: the page's call %s: HTTP %d %s", path, rec.Code, rec.Body.Bytes())
		}
		return rec.Body.Bytes(), nil
	}
	vars, _ := json.Marshal(map[string]any{"id": id, "isMetatagsQuery": true, "withReplays": true, "withListeners": true})
	qid := s.pageQueryID()
	audioSpace, err = call(s.audioSpaceByID, "/i/api/graphql/"+qid+"/AudioSpaceById", map[string]string{"queryId": qid},
		url.Values{"variables": {string(vars)}, "features": {s.pageFeatures()}})
	if err != nil {
		return nil, nil, "", err
	}
	var r struct {
		Data struct {
			AudioSpace struct {
				Metadata struct {
					MediaKey string `json:"media_key"`
				} `json:"metadata"`
			} `json:"audioSpace"`
		} `json:"data"`
	}
	if err := json.Unmarshal(audioSpace, &r); err != nil || r.Data.AudioSpace.Metadata.MediaKey == "" {
		return nil, nil, "", fmt.Errorf("fakex: no media key for Space %s", id)
	}
	mediaKey = r.Data.AudioSpace.Metadata.MediaKey
	status, err = call(s.streamStatus, "/i/api/1.1/live_video_stream/status/"+mediaKey, map[string]string{"mediaKey": mediaKey},
		url.Values{"client": {"web"}})
	return audioSpace, status, mediaKey, err
}
