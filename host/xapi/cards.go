package xapi

// Spaces in X's timelines (X-FACTS §11): a tweet that shows a Space has a
// card whose legacy.name ends in "audiospace" ("3691233323:audiospace";
// the number is a template id and changes) with the Space id in
// binding_values {key: "id", value: {string_value}}; its
// entities.urls[].expanded_url is the Space's link. The extension hands
// the host the answers the x.com page received (profile, home, search,
// list, post timelines); these find the Spaces in them.

import (
	"encoding/json"
	"strings"
)

// MaxPageSpaces caps the Spaces one page yields: the page's ids are
// untrusted input.
const MaxPageSpaces = 200

// maxWalkDepth bounds the walk through an answer; X's timelines nest a
// few dozen levels.
const maxWalkDepth = 64

// PageSpaces returns the Space ids the page's answers (parsed JSON) and
// links show, in order of appearance, each once, at most MaxPageSpaces:
// audiospace cards, Space links among the answers' strings
// (expanded_url and the like), and links (hrefs from the page).
// Anything that is not a valid Space id or link is left out.
func PageSpaces(answers []json.RawMessage, links []string) []string {
	p := pageIDs{seen: map[string]bool{}}
	for _, a := range answers {
		var v any
		if json.Unmarshal(a, &v) != nil {
			continue
		}
		p.walk(v, 0)
	}
	for _, l := range links {
		p.link(l)
	}
	return p.ids
}

type pageIDs struct {
	ids  []string
	seen map[string]bool
}

func (p *pageIDs) add(id string) {
	if len(p.ids) >= MaxPageSpaces || !ValidSpaceID(id) || p.seen[id] {
		return
	}
	p.seen[id] = true
	p.ids = append(p.ids, id)
}

// link adds the Space of a link; bare ids are not links.
func (p *pageIDs) link(s string) {
	if len(s) > 2048 || !strings.Contains(s, "/i/spaces/") {
		return
	}
	if id, err := ParseSpaceURL(s); err == nil {
		p.add(id)
	}
}

func (p *pageIDs) walk(v any, depth int) {
	if depth > maxWalkDepth || len(p.ids) >= MaxPageSpaces {
		return
	}
	switch t := v.(type) {
	case map[string]any:
		if name, ok := t["name"].(string); ok && strings.HasSuffix(name, "audiospace") {
			p.add(cardID(t["binding_values"]))
		}
		for _, c := range t {
			p.walk(c, depth+1)
		}
	case []any:
		for _, c := range t {
			p.walk(c, depth+1)
		}
	case string:
		p.link(t)
	}
}

// cardID is the Space id among a card's binding_values: a list of
// {key, value: {string_value}} (or, in older answers, an object by key).
func cardID(b any) string {
	str := func(v any) string {
		m, _ := v.(map[string]any)
		s, _ := m["string_value"].(string)
		return s
	}
	switch t := b.(type) {
	case []any:
		for _, e := range t {
			if m, ok := e.(map[string]any); ok && m["key"] == "id" {
				return str(m["value"])
			}
		}
	case map[string]any:
		return str(t["id"])
	}
	return ""
}
