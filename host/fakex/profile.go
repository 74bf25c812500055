package fakex

import (
	"encoding/json"
	"html/template"
	"net/http"
	"slices"
	"strings"
)

// A profile page, as x.com shows one: its script asks the API for the
// user's tweets (UserTweets) and X answers with a timeline whose tweets
// carry audiospace cards (X-FACTS §11), the Space id in the card's
// binding_values. The extension's page script sees that answer.

// UserTweetsQueryID is the queryId the fake profile page calls UserTweets with.
const UserTweetsQueryID = "E3opETHurmVJflFsUBVuUQ"

var profileTmpl = template.Must(template.New("profile").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Handle}} / X</title></head>
<body><h1>@{{.Handle}}</h1><p id="tweets-status">loading</p>
<script>
fetch('/i/api/graphql/{{.QueryID}}/UserTweets?variables=' + encodeURIComponent(JSON.stringify({screen_name: {{.Handle}}, spaces: {{.Spaces}}})), {credentials: 'include'})
  .then((r) => r.text().then((t) => { document.getElementById('tweets-status').textContent = r.status + ' ' + JSON.parse(t).data.user.result.timeline_v2.timeline.instructions[0].entries.length; }))
  .catch((e) => { document.getElementById('tweets-status').textContent = 'error ' + e; });
</script></body></html>
`))

// profileSpaces are the Spaces a profile shows: those named in ?spaces=
// (comma-separated; a test's choice), else those the handle hosts.
func (s *Server) profileSpaces(handle, named string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	if named != "" {
		for _, id := range strings.Split(named, ",") {
			if _, ok := s.spaces[id]; ok && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		return ids
	}
	for id, sp := range s.spaces {
		if strings.EqualFold(sp.spec.HostHandle, handle) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

func (s *Server) profilePage(w http.ResponseWriter, r *http.Request) {
	handle := r.PathValue("handle")
	if handle == "" || len(handle) > 15 || strings.Trim(handle, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != "" {
		http.NotFound(w, r)
		return
	}
	s.setSession(w, r, false)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	profileTmpl.Execute(w, map[string]any{"Handle": handle, "QueryID": UserTweetsQueryID, "Spaces": r.URL.Query().Get("spaces")})
}

// userTweets answers the profile's timeline: a tweet with an audiospace
// card per Space, and a plain tweet between them.
func (s *Server) userTweets(w http.ResponseWriter, r *http.Request) {
	var vars struct {
		ScreenName string `json:"screen_name"`
		Spaces     string `json:"spaces"`
	}
	_ = json.Unmarshal([]byte(r.URL.Query().Get("variables")), &vars)
	entries := []any{}
	for i, id := range s.profileSpaces(vars.ScreenName, vars.Spaces) {
		entries = append(entries, map[string]any{
			"entryId": "tweet-" + id,
			"content": map[string]any{"entryType": "TimelineTimelineItem", "itemContent": map[string]any{
				"itemType": "TimelineTweet",
				"tweet_results": map[string]any{"result": map[string]any{
					"__typename": "Tweet", "rest_id": "17" + strings.Repeat("0", 16) + string(rune('0'+i%10)),
					"card": map[string]any{"rest_id": "https://t.co/sp" + id, "legacy": map[string]any{
						"name": "3691233323:audiospace", "url": "https://t.co/sp" + id,
						"binding_values": []any{
							map[string]any{"key": "id", "value": map[string]any{"type": "STRING", "string_value": id}},
							map[string]any{"key": "narrow_cast_space_type", "value": map[string]any{"type": "STRING", "string_value": "0"}},
							map[string]any{"key": "card_url", "value": map[string]any{"type": "STRING", "string_value": "https://t.co/sp" + id}},
						},
					}},
					"legacy": map[string]any{"full_text": "Join my Space https://t.co/sp" + id, "entities": map[string]any{"urls": []any{}}},
				}},
			}},
		}, map[string]any{
			"entryId": "tweet-plain-" + id,
			"content": map[string]any{"entryType": "TimelineTimelineItem", "itemContent": map[string]any{
				"itemType":      "TimelineTweet",
				"tweet_results": map[string]any{"result": map[string]any{"__typename": "Tweet", "legacy": map[string]any{"full_text": "just words"}}},
			}},
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"user": map[string]any{"result": map[string]any{
		"__typename": "User", "timeline_v2": map[string]any{"timeline": map[string]any{"instructions": []any{
			map[string]any{"type": "TimelineAddEntries", "entries": entries},
		}}},
	}}}})
}
