package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/service"
	"github.com/spacekeep/spacekeep/host/settings"
	"github.com/spacekeep/spacekeep/host/testaudio"
	"github.com/spacekeep/spacekeep/protocol"
)

func watchStatusJSON(t *testing.T) protocol.WatchStatus {
	t.Helper()
	code, out, errs := runCmd(context.Background(), nil, "watch", "status", "--json")
	var st protocol.WatchStatus
	if code != exitOK || json.Unmarshal([]byte(out), &st) != nil {
		t.Fatalf("watch status: %d %q %s", code, out, errs)
	}
	return st
}

// The service watches: without a session it pauses and says so; a browser
// hands one over and leaves; the host goes live; the service records the
// Space from its start and saves it when it ends.
func TestServiceWatchesWithTheSessionInMemory(t *testing.T) {
	sock := serviceTestEnv(t)
	t.Setenv("SPACEKEEP_FFMPEG", "")
	t.Setenv("SPACEKEEP_WATCH_INTERVAL", "5s")
	x := startFake(t)
	out := t.TempDir()
	dir, _ := settings.Dir()
	st := settings.Defaults()
	st.OutputDir = out
	if err := settings.Save(dir, st); err != nil {
		t.Fatal(err)
	}
	if st := watchStatusJSON(t); st.State != protocol.WatchOff {
		t.Fatalf("no service: state %q", st.State)
	}
	// No session in this process either: the handle waits to be resolved.
	if code, o, e := runCmd(context.Background(), nil, "watch", "add", "@oldtimer"); code != exitOK || !strings.Contains(o, "@oldtimer (id not known yet)") {
		t.Fatalf("watch add: %d %q %s", code, o, e)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		c, _, _ := runCmd(ctx, nil, "service", "run")
		done <- c
	}()
	waitUntil := func(what string, d time.Duration, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(d)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("no %s after %v", what, d)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitUntil("service", 5*time.Second, func() bool {
		c, err := service.Dial(sock)
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	st0 := watchStatusJSON(t)
	if st0.State != protocol.WatchNoSession || st0.Session || st0.Where != "service" || st0.Pending != 1 {
		t.Fatalf("before a session: %+v", st0)
	}
	if _, o, _ := runCmd(context.Background(), nil, "watch", "status"); !strings.Contains(o, "no x.com session") {
		t.Fatalf("status does not say it pauses for a session: %q", o)
	}

	// A browser connects, hands over the session, and goes away.
	conn, err := service.Dial(sock)
	if err != nil {
		t.Fatal(err)
	}
	at, ct0 := x.Session()
	protocol.ReadFrame(conn) // hello
	protocol.NewWriter(conn).WriteFrame(protocol.Request{ID: json.RawMessage("1"), Type: protocol.TypeWatchSession,
		Payload: json.RawMessage(`{"auth_token":"` + at + `","ct0":"` + ct0 + `"}`)})
	body, err := protocol.ReadFrame(conn)
	if err != nil || !strings.Contains(string(body), `"ok":true`) {
		t.Fatalf("watch.session: %s %v", body, err)
	}
	conn.Close()
	waitUntil("the handle resolved", 10*time.Second, func() bool {
		s := watchStatusJSON(t)
		return s.Session && s.Pending == 0 && s.State == protocol.WatchWatching
	})
	if list, _ := settings.LoadWatch(dir); len(list) != 1 || list[0].ID != fakex.UserID("oldtimer") {
		t.Fatalf("list after resolving: %+v", list)
	}
	// The session is in memory only: no file in the home (settings, cache, logs) holds it.
	filepath.Walk(os.Getenv("HOME"), func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			if b, _ := os.ReadFile(p); strings.Contains(string(b), at) || strings.Contains(string(b), ct0) {
				t.Errorf("%s holds the session", p)
			}
		}
		return nil
	})

	if err := x.StartSpace(fakex.LegacyMasterID, 3, 200*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	waitUntil("the recording", 15*time.Second, func() bool { return len(watchStatusJSON(t).Recording) == 1 })
	time.Sleep(time.Second)
	if err := x.EndSpace(fakex.LegacyMasterID); err != nil {
		t.Fatal(err)
	}
	spec, _ := x.Space(fakex.LegacyMasterID)
	var files []string
	waitUntil("the saved file", 60*time.Second, func() bool {
		files, _ = filepath.Glob(filepath.Join(out, "*.m4a"))
		return len(files) == 1 && len(watchStatusJSON(t).Recording) == 0
	})
	if err := testaudio.Verify(context.Background(), "ffmpeg", files[0], spec.Chunks); err != nil {
		t.Fatalf("the recording is not the whole Space: %v", err)
	}
	cancel()
	select {
	case c := <-done:
		if c != exitOK {
			t.Fatalf("service run exit %d", c)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("service run did not stop")
	}
}

func TestWatchEditErrors(t *testing.T) {
	serviceTestEnv(t)
	if code, _, e := runCmd(context.Background(), nil, "watch", "add", "not a handle!"); code != exitUsage || !strings.Contains(e, "is not an X handle") {
		t.Fatalf("bad handle: %d %s", code, e)
	}
	if code, _, e := runCmd(context.Background(), nil, "watch", "remove", "@nobody"); code != exitUsage || !strings.Contains(e, "not on the watch list") {
		t.Fatalf("remove unknown: %d %s", code, e)
	}
	if code, _, _ := runCmd(context.Background(), nil, "watch"); code != exitUsage {
		t.Fatalf("no subcommand: %d", code)
	}
	if code, _, e := runCmd(context.Background(), nil, "watch", "run"); code != protocol.ExitCodes[protocol.CodeAuth] || !strings.Contains(e, "No x.com session") {
		t.Fatalf("run without a session: %d %s", code, e)
	}
}

// A --interval below the least the watcher allows is raised, and watch
// run says so once, in words.
func TestWatchRunSaysRaisedInterval(t *testing.T) {
	serviceTestEnv(t)
	x := startFake(t)
	useFakeSession(t, x)
	t.Setenv("SPACEKEEP_CACHE_DIR", t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	code, _, errs := runCmd(ctx, nil, "watch", "run", "-o", t.TempDir(), "--interval", "1s")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if n := strings.Count(errs, "--interval 1s is below"); n != 1 || !strings.Contains(errs, "looking every 5s") {
		t.Errorf("said %d times:\n%s", n, errs)
	}
	if strings.Contains(errs, "interval=") || strings.Contains(errs, "INF") {
		t.Errorf("log lines on stderr:\n%s", errs)
	}
}

// watch add over a damaged watch list leaves it as it is and exits with
// damaged_file's status, naming the file: not disk's, which would send the
// user looking for free space.
func TestWatchAddOnADamagedListExitsDamagedFile(t *testing.T) {
	serviceTestEnv(t)
	path := filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "spacekeep", "watch.json")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	bad := []byte(`{"hosts": [{"handle": "bob"`)
	if err := os.WriteFile(path, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, e := runCmd(context.Background(), nil, "watch", "add", "@alice")
	if want := protocol.ExitCodes[protocol.CodeDamagedFile]; code != want || !strings.Contains(e, path) || strings.Contains(e, "free space") {
		t.Errorf("watch add on a damaged list: exit %d (want %d) %s", code, want, e)
	}
	if got, _ := os.ReadFile(path); string(got) != string(bad) {
		t.Errorf("watch.json was written over: %q", got)
	}
}
