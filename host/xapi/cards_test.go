package xapi

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// A profile timeline as X sends it (UserTweets, trimmed): Space cards with
// the id in binding_values, a tweet linking a Space, and noise.
const userTweets = `{"data":{"user":{"result":{"timeline_v2":{"timeline":{"instructions":[{"type":"TimelineAddEntries","entries":[
 {"entryId":"tweet-1","content":{"itemContent":{"tweet_results":{"result":{"rest_id":"1","card":{"rest_id":"https://t.co/a","legacy":{
   "name":"3691233323:audiospace","url":"https://t.co/a","binding_values":[{"key":"id","value":{"type":"STRING","string_value":"1OyKAWgagpqJb"}},{"key":"card_url","value":{"string_value":"https://t.co/a"}}]}},
   "legacy":{"entities":{"urls":[{"expanded_url":"https://x.com/i/spaces/1OyKAWgagpqJb"}]}}}}}}},
 {"entryId":"tweet-2","content":{"itemContent":{"tweet_results":{"result":{"rest_id":"2","card":{"legacy":{
   "name":"999:audiospace","binding_values":[{"key":"id","value":{"string_value":"1yNGaYdPkErKj"}}]}}}}}}},
 {"entryId":"tweet-3","content":{"itemContent":{"tweet_results":{"result":{"rest_id":"3","legacy":{"full_text":"join us",
   "entities":{"urls":[{"expanded_url":"https://twitter.com/i/spaces/1kvJpvPLzRqGE/peek"}]}}}}}}},
 {"entryId":"tweet-4","content":{"itemContent":{"tweet_results":{"result":{"card":{"legacy":{
   "name":"summary_large_image","binding_values":[{"key":"id","value":{"string_value":"1AAAAAAAAAAAA"}}]}},
   "legacy":{"entities":{"urls":[{"expanded_url":"https://evil.example/i/spaces/1BBBBBBBBBBBB"},{"expanded_url":"https://x.com/i/spaces/../../x"}]}}}}}}},
 {"entryId":"tweet-5","content":{"itemContent":{"tweet_results":{"result":{"card":{"legacy":{
   "name":"3691233323:audiospace","binding_values":[{"key":"id","value":{"string_value":"not/an/id"}}]}}}}}}}
]}]}}}}}}`

func TestPageSpacesFromCardsAndLinks(t *testing.T) {
	got := PageSpaces([]json.RawMessage{json.RawMessage(userTweets), json.RawMessage(`not json`)},
		[]string{"https://x.com/i/spaces/1OyKAWgagpqJb", "https://x.com/i/spaces/1zqKVPlQNeAxB", "https://x.com/i/spaces/1MnGnkpWQAOGO?s=20", "javascript:alert(1)"})
	want := []string{"1OyKAWgagpqJb", "1yNGaYdPkErKj", "1kvJpvPLzRqGE", "1zqKVPlQNeAxB", "1MnGnkpWQAOGO"}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("PageSpaces = %v, want %v (cards, tweet links, page links; not a summary card, another host, a bad id)", got, want)
	}
}

// The page's ids are untrusted: at most 200, each once, whatever it sends.
func TestPageSpacesCapsAndDedupes(t *testing.T) {
	var links []string
	for i := range 500 {
		id := fmt.Sprintf("1Cap%09d", i)
		links = append(links, "https://x.com/i/spaces/"+id, "https://x.com/i/spaces/"+id+"/peek")
	}
	got := PageSpaces(nil, links)
	if len(got) != MaxPageSpaces {
		t.Fatalf("%d ids, want %d", len(got), MaxPageSpaces)
	}
	if got[0] != "1Cap000000000" || got[1] != "1Cap000000001" {
		t.Errorf("ids not deduplicated in order: %v", got[:3])
	}
	// A deep answer is walked only so far, without a stack overflow.
	deep := strings.Repeat(`{"a":[`, 5000) + `"https://x.com/i/spaces/1DeepDeepDeep"` + strings.Repeat(`]}`, 5000)
	if got := PageSpaces([]json.RawMessage{json.RawMessage(deep)}, nil); len(got) != 0 {
		t.Errorf("a 10000-level answer gave %v", got)
	}
}
