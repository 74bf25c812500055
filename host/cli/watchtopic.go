package cli

import (
	"fmt"
	"io"
	"strconv"

	"github.com/spacekeep/spacekeep/host/watcher"
	"github.com/spacekeep/spacekeep/protocol"
)

// watchTopicEdit is `watch add|remove --search WORDS`: a watched topic.
func watchTopicEdit(env *Env, k *watcher.Keeper, verb string, ref protocol.WatchRef) int {
	var err error
	if verb == "add" {
		_, err = k.Add(env.Ctx, ref)
	} else {
		_, err = k.Remove(ref)
	}
	if err != nil {
		return fail(env, err)
	}
	if verb == "remove" {
		fmt.Fprintf(env.Stdout, "no longer watching the topic %s\n", strconv.Quote(oneLine(ref.Search)))
		return exitOK
	}
	topics, _ := k.Topics()
	for _, t := range topics {
		if t.Search == oneLine(ref.Search) {
			fmt.Fprintf(env.Stdout, "watching %s\n", describeTopic(t))
		}
	}
	return exitOK
}

// describeTopic is a topic in words.
func describeTopic(t protocol.WatchedTopic) string {
	s := "the topic " + strconv.Quote(t.Search)
	if t.MinListeners > 0 {
		s += fmt.Sprintf(", live Spaces with at least %d listeners", t.MinListeners)
	}
	return s + fmt.Sprintf(", at most %d at once", t.MaxParallel)
}

// printTopics lists the watched topics after the hosts and says how many.
func printTopics(w io.Writer, k *watcher.Keeper) int {
	topics, err := k.Topics()
	if err != nil {
		return 0
	}
	for _, t := range topics {
		fmt.Fprintln(w, describeTopic(t))
	}
	return len(topics)
}
