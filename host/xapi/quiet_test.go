package xapi

import (
	"context"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/host/syncbuf"
	"github.com/spacekeep/spacekeep/protocol"
)

// A live recording asks X every 30 s, and X answers data with errors each
// time: said once at info, then at debug.
func TestDataWithErrorsIsSaidOnce(t *testing.T) {
	s := startFake(t, fakex.Options{})
	auth, ct0 := s.Session()
	var logs syncbuf.Buffer
	c, err := New(protocol.Cookies{AuthToken: auth, CT0: ct0}, Options{Base: s.APIBase(), Log: zerolog.New(&logs).Level(zerolog.DebugLevel)})
	if err != nil {
		t.Fatal(err)
	}
	for range 4 {
		if _, err := c.AudioSpaceByID(context.Background(), fakex.LegacyMasterID); err != nil {
			t.Fatal(err)
		}
	}
	info, debug := 0, 0
	for _, l := range strings.Split(logs.String(), "\n") {
		if !strings.Contains(l, "data with errors") {
			continue
		}
		switch {
		case strings.Contains(l, `"level":"info"`):
			info++
		case strings.Contains(l, `"level":"debug"`):
			debug++
		}
	}
	if info != 1 || debug != 3 {
		t.Errorf("%d info and %d debug lines, want 1 and 3:\n%s", info, debug, logs.String())
	}
}
