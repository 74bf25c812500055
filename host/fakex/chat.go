package fakex

import (
	"cmp"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The chat service (X-FACTS §9), served on the API listener: the status
// answer's chatToken names the Space; POST /api/v2/accessChatPublic
// answers an endpoint (this listener), a token and a room; POST
// /chatapi/v1/history pages through the room's messages by cursor. Its
// requests are logged with Listener "chat", so tests can prove that no
// X cookie reached it.

// CaptionSpec is one utterance in a Space's chat history: Who 0 is the
// host, k >= 1 the k-th of Speakers; At is when its first word was spoken,
// in seconds from the start of the audio (out of range on purpose in some
// tests), and Dur how long it was spoken (0: WordDur a word). The history
// carries it as X does (X-FACTS §9): partials growing word by word while it
// is spoken, each some recogniser lag after its last word, then the final
// with the whole text once the speaker stops (FinalLag later). At and Dur
// are the ground truth of when the words were said (see Spoken).
type CaptionSpec struct {
	Who  int
	At   float64
	Dur  float64
	Text string
	// NoPartials leaves out the partials (X sends none for a word or two).
	NoPartials bool
}

// The fake recogniser's timing: a word lasts WordDur; a partial comes
// PartialLag(i) after the last word it holds; the final FinalLag after the
// last word.
const (
	WordDur  = 0.35
	FinalLag = 1.2
)

// PartialLag is how long after its last word the partials of utterance i
// come: 0.2 s to 0.9 s, varying.
func PartialLag(i int) float64 { return 0.2 + 0.1*float64((i*5)%8) }

// Spoken is when an utterance was really spoken, in seconds from the
// start of the audio.
func (c CaptionSpec) Spoken() (start, end float64) {
	return c.At, c.At + c.duration()
}

func (c CaptionSpec) duration() float64 {
	if c.Dur > 0 {
		return c.Dur
	}
	return WordDur * float64(max(len(strings.Fields(c.Text)), 1))
}

// chatPageSize is how many messages one history page holds by default.
const chatPageSize = 5

// chatToken is the status answer's chatToken for a Space: it names the
// Space, as the real one (a JWT) names the broadcast.
func chatToken(id string) string {
	return "eyJ" + hex.EncodeToString([]byte(id)) + "." + randomHex(40)
}

func spaceOfChatToken(tok string) string {
	h, _, _ := strings.Cut(strings.TrimPrefix(tok, "eyJ"), ".")
	b, err := hex.DecodeString(h)
	if err != nil {
		return ""
	}
	return string(b)
}

func chatAccessToken(id string) string { return "chat-access-" + id }

// chatSpace finds the Space a chat request is about, or answers 4xx.
func (s *Server) chatSpace(w http.ResponseWriter, id string) (SpaceSpec, *space, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sp, ok := s.spaces[id]
	if !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "bad token"})
		return SpaceSpec{}, nil, false
	}
	return sp.spec, sp, true
}

func (s *Server) accessChatPublic(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ChatToken string `json:"chat_token"`
	}
	if json.NewDecoder(r.Body).Decode(&req) != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "bad request"})
		return
	}
	id := spaceOfChatToken(req.ChatToken)
	spec, _, ok := s.chatSpace(w, id)
	if !ok {
		return
	}
	if spec.ChatFail != 0 && spec.ChatFailPage == 0 {
		w.WriteHeader(spec.ChatFail)
		return
	}
	base := s.APIBase()
	writeJSON(w, http.StatusOK, map[string]any{
		"subscriber":              false,
		"publisher":               false,
		"auth_token":              randomHex(20),
		"signer_key":              randomHex(20),
		"signer_token":            randomHex(20),
		"participant_index":       0,
		"room_id":                 id,
		"should_log":              false,
		"should_verify_signature": false,
		"access_token":            chatAccessToken(id),
		"endpoint":                base,
		"replay_access_token":     chatAccessToken(id),
		"replay_endpoint":         base,
	})
}

func (s *Server) chatHistory(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Room        string `json:"room"`
		AccessToken string `json:"access_token"`
		Cursor      string `json:"cursor"`
	}
	if json.NewDecoder(r.Body).Decode(&req) != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "bad request"})
		return
	}
	if req.AccessToken != chatAccessToken(req.Room) {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "bad access token"})
		return
	}
	spec, sp, ok := s.chatSpace(w, req.Room)
	if !ok {
		return
	}
	start := 0
	if req.Cursor != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(req.Cursor, "c"))
		if err != nil || n < 0 {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "bad cursor"})
			return
		}
		start = n
	}
	size := cmp.Or(spec.ChatPageSize, chatPageSize)
	page := start/size + 1
	if spec.ChatFail != 0 && spec.ChatFailPage > 0 && page >= spec.ChatFailPage {
		w.WriteHeader(spec.ChatFail)
		return
	}
	sp.chat.once.Do(func() { sp.chat.msgs = sp.chatMessages() })
	all := sp.chat.msgs
	end := min(start+size, len(all))
	if start > len(all) {
		start = len(all)
	}
	cursor := ""
	if end < len(all) {
		cursor = "c" + strconv.Itoa(end)
		if spec.ChatLoop && page >= 3 {
			cursor = "c" + strconv.Itoa(size) // back to page 2: A, B, A, B, ...
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": all[start:end], "cursor": cursor})
}

// chatMessages is the Space's whole history, in time order: for each
// utterance its partials word by word, then its final; a new voice opens
// with an empty final; around them listener chat, reactions, joins, a
// Hydra control message and more empty finals, all of which a reader must
// leave out.
func (sp *space) chatMessages() []map[string]any {
	start := sp.chunkTime(0)
	people := append([]Participant{{sp.spec.HostName, sp.spec.HostHandle}}, sp.spec.Speakers...)
	person := func(who int) Participant {
		if who >= 0 && who < len(people) {
			return people[who]
		}
		return Participant{"Someone", "someone"}
	}
	type timed struct {
		at  time.Time
		seq int
		m   map[string]any
	}
	var all []timed
	add := func(at time.Time, m map[string]any) { all = append(all, timed{at, len(all), m}) }
	msg := func(at time.Time, sender Participant, body map[string]any) {
		b, _ := json.Marshal(body)
		payload, _ := json.Marshal(map[string]any{
			"room": sp.spec.ID, "body": string(b), "lang": "en", "timestamp": at.UnixNano(),
			"uuid":   randomHex(16),
			"sender": map[string]any{"user_id": "1" + randomHex(6), "username": sender.ScreenName, "display_name": sender.DisplayName},
		})
		add(at, map[string]any{"kind": 1, "payload": string(payload), "signature": randomHex(16)})
	}
	secs := func(s float64) time.Time { return start.Add(time.Duration(s * float64(time.Second))) }
	listener := Participant{"A Listener", "listener1"}
	prevWho := -1
	for i, c := range sp.spec.Captions {
		p := person(c.Who)
		caption := func(text string, final bool, at time.Time) {
			msg(at, p, map[string]any{"type": 45, "body": text, "final": final, "username": p.ScreenName,
				"displayName": p.DisplayName, "participant_index": c.Who, "timestamp": at.UnixMilli(),
				"programDateTime": at.UTC().Format("2006-01-02T15:04:05.000Z"), "lang": "en"})
		}
		from, to := c.Spoken()
		if c.Who != prevWho {
			caption("", true, secs(from-0.2)) // a new voice opens with an empty final
		}
		prevWho = c.Who
		words := strings.Fields(c.Text)
		if !c.NoPartials {
			per := (to - from) / float64(max(len(words), 1))
			for k := 1; k < len(words); k++ {
				caption(strings.Join(words[:k], " "), false, secs(from+float64(k)*per+PartialLag(i)))
			}
		}
		// The final comes once the speaker pauses, or when they go on with
		// the next sentence, whichever is first.
		fin := to + FinalLag
		for _, n := range sp.spec.Captions[i+1:] {
			if n.Who == c.Who && n.At >= to {
				fin = max(min(fin, n.At-0.05), to)
				break
			}
		}
		caption(c.Text, true, secs(fin))
		after := secs(fin + 0.5)
		switch i % 4 {
		case 0:
			msg(after, listener, map[string]any{"type": 1, "body": "great point!", "username": listener.ScreenName})
		case 1:
			msg(after, listener, map[string]any{"type": 2, "body": "🔥", "username": listener.ScreenName})
			joined, _ := json.Marshal(map[string]any{"kind": 1, "sender": map[string]any{"user_id": "1" + randomHex(6)}})
			add(after, map[string]any{"kind": 2, "payload": string(joined), "signature": randomHex(16)})
		case 2:
			caption("", true, after) // an empty final
		case 3:
			msg(after, p, map[string]any{"type": 40, "body": "", "guestBroadcastingEvent": 1})
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].at.Before(all[j].at) })
	out := make([]map[string]any, len(all))
	for i, t := range all {
		out[i] = t.m
	}
	return out
}

func isChatPath(p string) bool {
	return strings.HasPrefix(p, "/chatapi/") || strings.HasPrefix(p, "/api/v2/")
}
