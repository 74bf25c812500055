package settings

import (
	"strings"

	"github.com/spacekeep/spacekeep/protocol"
)

// topicsFile holds the watched topics, beside watch.json.
const topicsFile = "topics.json"

// Bounds of the watched topics: each costs one search a round.
const (
	MaxTopics          = 20
	MaxTopicLen        = 200
	DefaultMaxParallel = 2
	maxParallelCap     = 16
)

// CleanTopic checks a topic to watch and fills its defaults.
func CleanTopic(t protocol.WatchedTopic) (protocol.WatchedTopic, error) {
	t.Search = strings.Join(strings.Fields(t.Search), " ")
	if t.Search == "" || len(t.Search) > MaxTopicLen {
		return t, protocol.Errorf(protocol.CodeBadRequest, "a topic is 1 to %d characters of search words", MaxTopicLen)
	}
	if t.MinListeners < 0 {
		return t, protocol.Errorf(protocol.CodeBadRequest, "--min-listeners cannot be negative")
	}
	if t.MaxParallel == 0 {
		t.MaxParallel = DefaultMaxParallel
	}
	if t.MaxParallel < 1 || t.MaxParallel > maxParallelCap {
		return t, protocol.Errorf(protocol.CodeBadRequest, "--max-parallel is 1 to %d", maxParallelCap)
	}
	return t, nil
}

// LoadTopics reads the watched topics stored in dir; a missing file is none.
func LoadTopics(dir string) ([]protocol.WatchedTopic, error) {
	return loadList(dir, topicsFile, "the watched topics", "topics", func(t protocol.WatchedTopic) (protocol.WatchedTopic, bool) {
		c, err := CleanTopic(t)
		return c, err == nil
	})
}

// SaveTopics writes the watched topics to dir atomically.
func SaveTopics(dir string, topics []protocol.WatchedTopic) error {
	if len(topics) > MaxTopics {
		return protocol.Errorf(protocol.CodeBadRequest, "at most %d watched topics", MaxTopics)
	}
	if topics == nil {
		topics = []protocol.WatchedTopic{}
	}
	return writeFile(dir, topicsFile, "the watched topics", map[string]any{"topics": topics})
}

// AddTopic returns topics with t added, or the topic of the same words
// (any case) replaced by t.
func AddTopic(topics []protocol.WatchedTopic, t protocol.WatchedTopic) []protocol.WatchedTopic {
	out := append([]protocol.WatchedTopic(nil), topics...)
	for i, o := range out {
		if strings.EqualFold(o.Search, t.Search) {
			out[i] = t
			return out
		}
	}
	return append(out, t)
}

// RemoveTopic returns topics without the one of these words (any case).
func RemoveTopic(topics []protocol.WatchedTopic, search string) ([]protocol.WatchedTopic, bool) {
	search = strings.Join(strings.Fields(search), " ")
	out := make([]protocol.WatchedTopic, 0, len(topics))
	found := false
	for _, o := range topics {
		if strings.EqualFold(o.Search, search) {
			found = true
			continue
		}
		out = append(out, o)
	}
	return out, found
}
