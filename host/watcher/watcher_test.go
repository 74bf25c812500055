package watcher

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/host/syncbuf"
	"github.com/spacekeep/spacekeep/protocol"
)

// X's avatar_content may answer with users nobody asked about: only the
// ids asked about count, the rest are counted in one debug line.
func TestOnlyTheUsersAskedAboutCount(t *testing.T) {
	const asked = "1000000000000000001"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var users []string
		add := func(uid, space string) {
			users = append(users, fmt.Sprintf(`%q:{"spaces":{"live_content":{"audiospace":{"broadcast_id":%q,"title":"t","state":"RUNNING","creator_twitter_user_id":%s}}}}`, uid, space, uid))
		}
		add(asked, "1AskedSpace001")
		for i := range 500 {
			add(fmt.Sprintf("2%018d", i), fmt.Sprintf("1Other%08d", i))
		}
		fmt.Fprintf(w, `{"users":{%s},"refresh_delay_secs":30}`, strings.Join(users, ","))
	}))
	defer srv.Close()
	var logs syncbuf.Buffer
	k := New(Config{SettingsDir: t.TempDir(), APIBase: srv.URL, HTTP: srv.Client(), Log: zerolog.New(&logs).Level(zerolog.DebugLevel)})
	if err := k.SetSession(protocol.Cookies{AuthToken: "a", CT0: "c"}); err != nil {
		t.Fatal(err)
	}
	ans, err := k.source(context.Background(), []string{asked})
	if err != nil {
		t.Fatal(err)
	}
	if len(ans.Live) != 1 || ans.Live[0].Host != asked || ans.Live[0].Space != "1AskedSpace001" {
		t.Fatalf("%d live Spaces, want the one of the user asked about", len(ans.Live))
	}
	if n := strings.Count(logs.String(), "\n"); n != 1 || !strings.Contains(logs.String(), `"ignored":500`) {
		t.Errorf("want one debug line counting 500 ignored users, got %d lines: %.300s", n, logs.String())
	}
}
