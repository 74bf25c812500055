package fakex

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

func TestAvatarContentLimitAndControl(t *testing.T) {
	s := start(t, Options{})
	c := newClient(t, s)
	ids := make([]string, MaxAvatarIDs+1)
	for i := range ids {
		ids[i] = strconv.Itoa(1000 + i)
	}
	if st, _, _ := c.api("/i/api/fleets/v1/avatar_content?only_spaces=true&user_ids=" + strings.Join(ids, ",")); st != http.StatusBadRequest {
		t.Fatalf("101 ids: status %d, want 400", st)
	}
	old := UserID("oldtimer")
	q := "/i/api/fleets/v1/avatar_content?only_spaces=true&user_ids=" + strings.Join(append(ids[:99], old), ",")
	if st, _, body := c.api(q); st != 200 || strings.Contains(string(body), old) {
		t.Fatalf("before start: %d %s", st, body)
	}
	resp, err := http.Post(s.APIBase()+"/fakex/spaces/"+LegacyMasterID+"/start?chunks=2&interval=1h", "", nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("start: %v %v", resp, err)
	}
	resp.Body.Close()
	st, _, body := c.api(q)
	// The id is a bare 19-digit number, as X sends it.
	if st != 200 || !strings.Contains(string(body), `"creator_twitter_user_id":`+old+`,`) || !strings.Contains(string(body), LegacyMasterID) {
		t.Fatalf("after start: %d %s", st, body)
	}
	resp, err = http.Post(s.APIBase()+"/fakex/spaces/"+LegacyMasterID+"/end", "", nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("end: %v %v", resp, err)
	}
	resp.Body.Close()
	if _, _, body := c.api(q); strings.Contains(string(body), old) {
		t.Fatalf("after end: %s", body)
	}
}
