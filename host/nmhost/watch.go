package nmhost

import (
	"context"
	"encoding/json"

	"github.com/spacekeep/spacekeep/protocol"
)

// Watcher is the host's watching of hosts (host/watcher's Keeper), as the
// session's watch.* requests reach it.
type Watcher interface {
	List() ([]protocol.WatchedHost, error)
	Add(ctx context.Context, ref protocol.WatchRef) ([]protocol.WatchedHost, error)
	Remove(ref protocol.WatchRef) ([]protocol.WatchedHost, error)
	Status() protocol.WatchStatus
	// SetSession hands over the x.com session, held in memory only.
	SetSession(c protocol.Cookies) error
	// Subscribe calls fn with every watch.live event; fn must not block.
	Subscribe(fn func(protocol.Event)) (unsubscribe func())
}

// watchHandlers are the watch.* requests; they run as slow requests (adding
// a handle may ask X for its id). Without a watcher each answers that this
// host does not watch.
func (s *session) watchHandlers() map[string]func(context.Context, json.RawMessage) (any, error) {
	w := s.opts.Watch
	if w == nil {
		return nil
	}
	list := func(hosts []protocol.WatchedHost, err error) (any, error) {
		if err != nil {
			return nil, err
		}
		if hosts == nil {
			hosts = []protocol.WatchedHost{}
		}
		return protocol.WatchList{Hosts: hosts, Topics: watchedTopics(w)}, nil
	}
	ref := func(payload json.RawMessage) (protocol.WatchRef, error) {
		var r protocol.WatchRef
		if err := decode(payload, &r); err != nil {
			return r, err
		}
		if r.Handle == "" && r.ID == "" && r.Search == "" {
			return r, protocol.Errorf(protocol.CodeBadRequest, "name a host (handle or id) or a topic (search)")
		}
		return r, nil
	}
	return map[string]func(context.Context, json.RawMessage) (any, error){
		protocol.TypeWatchList: func(context.Context, json.RawMessage) (any, error) { return list(w.List()) },
		protocol.TypeWatchAdd: func(ctx context.Context, p json.RawMessage) (any, error) {
			r, err := ref(p)
			if err != nil {
				return nil, err
			}
			return list(w.Add(ctx, r))
		},
		protocol.TypeWatchRemove: func(_ context.Context, p json.RawMessage) (any, error) {
			r, err := ref(p)
			if err != nil {
				return nil, err
			}
			return list(w.Remove(r))
		},
		protocol.TypeWatchStatus: func(context.Context, json.RawMessage) (any, error) { return w.Status(), nil },
		protocol.TypeWatchSession: func(_ context.Context, p json.RawMessage) (any, error) {
			var c protocol.Cookies
			if err := decode(p, &c); err != nil {
				return nil, err
			}
			if err := w.SetSession(c); err != nil {
				return nil, err
			}
			return protocol.Empty{}, nil
		},
	}
}

// subscribeWatch forwards watch.live events to the extension.
func (s *session) subscribeWatch() func() {
	if s.opts.Watch == nil {
		return func() {}
	}
	return s.opts.Watch.Subscribe(s.pump.push)
}

// topicWatcher is a Watcher that also watches topics (host/watcher's Keeper).
type topicWatcher interface {
	Topics() ([]protocol.WatchedTopic, error)
}

// watchedTopics are w's topics, none when it does not watch topics.
func watchedTopics(w Watcher) []protocol.WatchedTopic {
	tw, ok := w.(topicWatcher)
	if !ok {
		return nil
	}
	topics, err := tw.Topics()
	if err != nil {
		return nil
	}
	return topics
}
