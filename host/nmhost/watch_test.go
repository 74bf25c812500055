package nmhost

import (
	"slices"
	"testing"

	"github.com/spacekeep/spacekeep/host/watcher"
	"github.com/spacekeep/spacekeep/protocol"
)

func TestWatchRequests(t *testing.T) {
	dir := t.TempDir()
	k := watcher.New(watcher.Config{SettingsDir: dir, Where: "browser"})
	h := startHost(t, Options{SettingsDir: dir, Watch: k})
	hello := h.next()
	if caps, _ := hello["capabilities"].([]any); !slices.Contains(caps, any(protocol.CapWatch)) {
		t.Fatalf("hello without the watch capability: %v", hello)
	}
	h.send(req(1, protocol.TypeWatchAdd, map[string]string{"handle": "@Ada", "id": "1356272936412512257"}))
	r := h.nextReply()
	hosts, _ := r["result"].(map[string]any)["hosts"].([]any)
	if len(hosts) != 1 || hosts[0].(map[string]any)["id"] != "1356272936412512257" || hosts[0].(map[string]any)["handle"] != "Ada" {
		t.Fatalf("watch.add: %v", r)
	}
	h.send(req(2, protocol.TypeWatchStatus, nil))
	st := h.nextReply()["result"].(map[string]any)
	if st["state"] != protocol.WatchNoSession || st["session"] != false || st["hosts"] != 1.0 || st["where"] != "browser" {
		t.Fatalf("watch.status without a session: %v", st)
	}
	h.send(req(3, protocol.TypeWatchSession, map[string]string{"auth_token": "", "ct0": "x"}))
	if r := h.nextReply(); errCode(r) != string(protocol.CodeAuth) {
		t.Fatalf("empty session: %v", r)
	}
	h.send(req(4, protocol.TypeWatchSession, cookies))
	if r := h.nextReply(); r["ok"] != true {
		t.Fatalf("watch.session: %v", r)
	}
	h.send(req(5, protocol.TypeWatchStatus, nil))
	if st := h.nextReply()["result"].(map[string]any); st["session"] != true {
		t.Fatalf("watch.status with a session: %v", st)
	}
	h.send(req(6, protocol.TypeWatchAdd, map[string]string{"handle": "not a handle"}))
	if r := h.nextReply(); errCode(r) != string(protocol.CodeBadRequest) {
		t.Fatalf("bad handle: %v", r)
	}
	h.send(req(7, protocol.TypeWatchAdd, map[string]string{}))
	if r := h.nextReply(); errCode(r) != string(protocol.CodeBadRequest) {
		t.Fatalf("no host: %v", r)
	}
	h.send(req(8, protocol.TypeWatchRemove, map[string]string{"handle": "ada"}))
	r = h.nextReply()
	if hosts, _ := r["result"].(map[string]any)["hosts"].([]any); r["ok"] != true || len(hosts) != 0 {
		t.Fatalf("watch.remove: %v", r)
	}
	h.send(req(9, protocol.TypeWatchList, nil))
	if r := h.nextReply(); r["ok"] != true {
		t.Fatalf("watch.list: %v", r)
	}
	h.finish()
}

func TestNoWatcherNoWatchRequests(t *testing.T) {
	h := startHost(t, Options{})
	hello := h.next()
	if caps, _ := hello["capabilities"].([]any); slices.Contains(caps, any(protocol.CapWatch)) {
		t.Fatalf("watch announced without a watcher: %v", hello)
	}
	h.send(req(1, protocol.TypeWatchList, nil))
	if r := h.nextReply(); errCode(r) != string(protocol.CodeUnknownType) {
		t.Fatalf("watch.list without a watcher: %v", r)
	}
	h.finish()
}
