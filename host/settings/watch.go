package settings

import (
	"strings"

	"github.com/spacekeep/spacekeep/host/xapi"
	"github.com/spacekeep/spacekeep/protocol"
)

// watchFile holds the watch list, beside settings.json: a file of its own,
// so that settings.set (which rewrites settings.json) never touches it.
const watchFile = "watch.json"

// MaxWatched bounds the watch list: 100 hosts cost one request a round.
const MaxWatched = 1000

// LoadWatch reads the watch list stored in dir; a missing file is an empty list.
func LoadWatch(dir string) ([]protocol.WatchedHost, error) {
	return loadList(dir, watchFile, "the watch list", "hosts", func(h protocol.WatchedHost) (protocol.WatchedHost, bool) {
		return h, (h.ID == "" || xapi.ValidUserID(h.ID)) && (h.Handle == "" || xapi.ValidHandle(h.Handle)) && h.ID+h.Handle != ""
	})
}

// SaveWatch writes the watch list to dir atomically.
func SaveWatch(dir string, hosts []protocol.WatchedHost) error {
	if len(hosts) > MaxWatched {
		return protocol.Errorf(protocol.CodeBadRequest, "at most %d watched hosts", MaxWatched)
	}
	if hosts == nil {
		hosts = []protocol.WatchedHost{}
	}
	return writeFile(dir, watchFile, "the watch list", map[string]any{"hosts": hosts})
}

// AddWatched returns hosts with h added, or with the entry of the same id
// or handle completed by h (a resolved id, a handle learnt later).
func AddWatched(hosts []protocol.WatchedHost, h protocol.WatchedHost) []protocol.WatchedHost {
	out := append([]protocol.WatchedHost(nil), hosts...)
	for i, o := range out {
		if (h.ID != "" && o.ID == h.ID) || (h.Handle != "" && strings.EqualFold(o.Handle, h.Handle)) {
			if h.ID != "" {
				out[i].ID = h.ID
			}
			if h.Handle != "" {
				out[i].Handle = h.Handle
			}
			return out
		}
	}
	return append(out, h)
}

// RemoveWatched returns hosts without the entry whose handle (any case) or id is ref.
func RemoveWatched(hosts []protocol.WatchedHost, ref string) ([]protocol.WatchedHost, bool) {
	ref = strings.TrimPrefix(strings.TrimSpace(ref), "@")
	out := make([]protocol.WatchedHost, 0, len(hosts))
	found := false
	for _, o := range hosts {
		if (ref != "" && o.ID == ref) || (o.Handle != "" && strings.EqualFold(o.Handle, ref)) {
			found = true
			continue
		}
		out = append(out, o)
	}
	return out, found
}
