package watcher

// Watched topics: X's Space search for each topic's words, every 5
// minutes at most, through the same generic loop as the hosts (host/watch:
// 429 backoff, one recording per Space, the claims shared with the hosts'
// watcher) and the same recorder (normal download.start jobs, recorded
// from the first second, into the same library). A topic records at most
// its MaxParallel Spaces at once and skips those under MinListeners.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spacekeep/spacekeep/host/finder"
	"github.com/spacekeep/spacekeep/host/settings"
	"github.com/spacekeep/spacekeep/host/watch"
	"github.com/spacekeep/spacekeep/protocol"
)

// DefaultTopicInterval is how often a topic's search runs: X's search is
// costlier than the hosts' avatar_content, and a topic is rarely urgent.
const DefaultTopicInterval = 5 * time.Minute

// topicState is the topic loop's own bookkeeping.
type topicState struct {
	w       *watch.Watcher
	of      map[string]string // Space → the topic (search words) that found it
	running map[string]int    // topic → its recordings running now
}

// newTopics builds the topic loop; Run runs it beside the hosts' loop.
func (k *Keeper) newTopics() {
	every := k.cfg.TopicInterval
	if every <= 0 {
		every = DefaultTopicInterval
	}
	wc := watch.Config{
		Hosts:    k.topicKeys,
		Source:   k.topicSource,
		Record:   k.topicRecord,
		Interval: every,
		Batch:    1, // one search per topic
		OnLive:   k.onLive,
		Log:      k.cfg.Log.With().Str("watch", "topics").Logger(),
	}
	if k.cfg.ClaimDir != "" {
		wc.Claim = watch.FileClaimer(k.cfg.ClaimDir)
	}
	k.topic = topicState{w: watch.New(wc), of: map[string]string{}, running: map[string]int{}}
}

// Topics returns the watched topics.
func (k *Keeper) Topics() ([]protocol.WatchedTopic, error) {
	dir, err := k.settingsDir()
	if err != nil {
		return nil, err
	}
	return settings.LoadTopics(dir)
}

// addTopic puts a topic on the list (or updates the one of the same
// words) and returns the hosts' list, as Add does.
func (k *Keeper) addTopic(ref protocol.WatchRef) ([]protocol.WatchedHost, error) {
	t, err := settings.CleanTopic(protocol.WatchedTopic{Search: ref.Search, MinListeners: ref.MinListeners, MaxParallel: ref.MaxParallel})
	if err != nil {
		return nil, err
	}
	if err := k.updateTopics(func(l []protocol.WatchedTopic) ([]protocol.WatchedTopic, error) {
		return settings.AddTopic(l, t), nil
	}); err != nil {
		return nil, err
	}
	k.topic.w.Wake()
	return k.List()
}

// removeTopic takes a topic off the list.
func (k *Keeper) removeTopic(search string) ([]protocol.WatchedHost, error) {
	if err := k.updateTopics(func(l []protocol.WatchedTopic) ([]protocol.WatchedTopic, error) {
		out, found := settings.RemoveTopic(l, search)
		if !found {
			return nil, protocol.Errorf(protocol.CodeBadRequest, "%q is not a watched topic", search)
		}
		return out, nil
	}); err != nil {
		return nil, err
	}
	return k.List()
}

func (k *Keeper) updateTopics(fn func([]protocol.WatchedTopic) ([]protocol.WatchedTopic, error)) error {
	k.listMu.Lock()
	defer k.listMu.Unlock()
	dir, err := k.settingsDir()
	if err != nil {
		return protocol.NewError(protocol.CodeDisk, err)
	}
	list, err := settings.LoadTopics(dir)
	if err != nil {
		return protocol.NewError(protocol.CodeDisk, err)
	}
	next, err := fn(list)
	if err != nil {
		return err
	}
	if err := settings.SaveTopics(dir, next); err != nil {
		if protocol.CodeOf(err) == protocol.CodeBadRequest {
			return err
		}
		return protocol.Errorf(protocol.CodeDisk, "save the watched topics: %w", err)
	}
	return nil
}

// topicKeys is the topic loop's list: each topic's search words.
func (k *Keeper) topicKeys() ([]string, error) {
	list, err := k.Topics()
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(list))
	for _, t := range list {
		keys = append(keys, t.Search)
	}
	return keys, nil
}

func (k *Keeper) topicNamed(search string) (protocol.WatchedTopic, bool) {
	list, err := k.Topics()
	if err != nil {
		return protocol.WatchedTopic{}, false
	}
	for _, t := range list {
		if strings.EqualFold(t.Search, search) {
			return t, true
		}
	}
	return protocol.WatchedTopic{}, false
}

// topicSource is the topic loop's "who is live": X's Space search for the
// topic's live Spaces, those with at least MinListeners listeners. A 429
// comes back as xapi's RateLimitError, which the loop waits out.
func (k *Keeper) topicSource(ctx context.Context, keys []string) (watch.Answer, error) {
	var out watch.Answer
	if len(keys) == 0 {
		return out, nil
	}
	t, ok := k.topicNamed(keys[0])
	if !ok {
		return out, nil // removed meanwhile
	}
	c, err := k.client()
	if err != nil {
		return out, err
	}
	found, err := finder.Search(ctx, c, t.Search, protocol.SearchLive)
	if err != nil {
		return out, err
	}
	for _, f := range found {
		if f.State != protocol.StatusLive || f.Listeners < t.MinListeners {
			continue
		}
		k.mu.Lock()
		k.topic.of[f.ID] = t.Search
		k.mu.Unlock()
		out.Live = append(out.Live, watch.Live{Host: f.HostID, Handle: f.Host, Space: f.ID, Title: f.Title})
	}
	return out, nil
}

// topicRecord starts a recording unless the topic already records its
// MaxParallel Spaces (the Space is then tried again at the next look).
func (k *Keeper) topicRecord(ctx context.Context, l watch.Live) (string, <-chan struct{}, error) {
	k.mu.Lock()
	key := k.topic.of[l.Space]
	k.mu.Unlock()
	t, ok := k.topicNamed(key)
	if !ok {
		return "", nil, fmt.Errorf("topic %q is no longer watched", key)
	}
	k.mu.Lock()
	if k.topic.running[t.Search] >= t.MaxParallel {
		k.mu.Unlock()
		return "", nil, fmt.Errorf("the topic %q already records %d Spaces (--max-parallel)", t.Search, t.MaxParallel)
	}
	k.topic.running[t.Search]++
	k.mu.Unlock()
	job, done, err := k.record(ctx, l)
	if err != nil {
		k.mu.Lock()
		k.topic.running[t.Search]--
		k.mu.Unlock()
		return "", nil, err
	}
	go func() {
		<-done
		k.mu.Lock()
		k.topic.running[t.Search]--
		k.mu.Unlock()
	}()
	return job, done, nil
}

// topicStatus adds the topic loop to st: its count and its recordings.
func (k *Keeper) topicStatus(st *protocol.WatchStatus) {
	if list, err := k.Topics(); err == nil {
		st.Topics = len(list)
	}
	ts := k.topic.w.Status()
	if st.Hosts == 0 && st.Topics > 0 {
		// Only topics: their loop says what the watcher does.
		st.State, st.Message = ts.State, ts.Message
		if !ts.Until.IsZero() {
			st.Until = ts.Until.UnixMilli()
		}
	}
	for _, l := range ts.Recording {
		st.Recording = append(st.Recording, protocol.WatchRecording{Job: l.Job, Space: &protocol.SpaceInfo{
			ID: l.Space, Title: l.Title, Status: protocol.StatusLive, HostID: l.Host, HostHandle: l.Handle}})
	}
}
