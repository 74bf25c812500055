package xapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/spacekeep/spacekeep/protocol"
)

// A redirect from the API base to another host must not carry any session
// header there: the call is refused with a clear error instead.
func TestRedirectOffTheAPIHostIsRefused(t *testing.T) {
	var mu sync.Mutex
	var seen []http.Header
	foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		w.Write([]byte(`{}`))
	}))
	defer foreign.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, foreign.URL+"/steal", http.StatusFound)
	}))
	defer api.Close()
	shared := &http.Client{}
	c, err := New(protocol.Cookies{AuthToken: "tokentokentoken", CT0: "csrfcsrfcsrf"}, Options{Base: api.URL, HTTP: shared})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.get(context.Background(), "/i/api/graphql/q/AudioSpaceById", nil)
	if err == nil || !strings.Contains(err.Error(), "redirect") {
		t.Errorf("want a redirect error, got %v", err)
	}
	if err != nil && strings.Contains(err.Error(), "csrfcsrfcsrf") {
		t.Errorf("the error shows ct0: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, h := range seen {
		for k, v := range h {
			if strings.Contains(strings.Join(v, " "), "csrfcsrfcsrf") || strings.Contains(strings.Join(v, " "), "tokentokentoken") {
				t.Errorf("the foreign host received a session value in %s", k)
			}
		}
	}
	if len(seen) > 0 {
		t.Errorf("the foreign host was called %d times", len(seen))
	}
	if shared.CheckRedirect != nil {
		t.Error("the caller's http.Client was changed")
	}
}
