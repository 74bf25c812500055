package xapi

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/protocol"
)

func watchFake(t *testing.T) (*fakex.Server, *Client) {
	t.Helper()
	srv, err := fakex.New(fakex.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	for _, sp := range fakex.DefaultSpaces() {
		srv.AddSpace(sp)
	}
	at, ct0 := srv.Session()
	c, err := New(protocol.Cookies{AuthToken: at, CT0: ct0}, Options{Base: srv.APIBase()})
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

func TestLiveSpacesKeepsBigIDsExact(t *testing.T) {
	srv, c := watchFake(t)
	ctx := context.Background()
	oldtimer := fakex.UserID("oldtimer")
	keeper := fakex.UserID("spacekeeper")
	if n, _ := strconv.ParseUint(keeper, 10, 64); n < 1<<53 {
		t.Fatalf("test needs an id above 2^53, got %s", keeper)
	}
	ans, err := c.LiveSpaces(ctx, []string{oldtimer, keeper})
	if err != nil {
		t.Fatal(err)
	}
	// The catalog's live Space belongs to @spacekeeper; @oldtimer is not live.
	if len(ans.Spaces) != 1 || ans.Spaces[0].UserID != keeper || ans.Spaces[0].CreatorID != keeper || ans.Spaces[0].SpaceID != fakex.LiveID {
		t.Fatalf("live = %+v, want only %s hosting %s", ans.Spaces, keeper, fakex.LiveID)
	}
	if ans.RefreshDelay != 30*time.Second {
		t.Errorf("refresh delay %v", ans.RefreshDelay)
	}
	// @oldtimer goes live.
	if err := srv.StartSpace(fakex.LegacyMasterID, 2, time.Hour); err != nil {
		t.Fatal(err)
	}
	ans, err = c.LiveSpaces(ctx, []string{oldtimer})
	if err != nil || len(ans.Spaces) != 1 || ans.Spaces[0].SpaceID != fakex.LegacyMasterID || ans.Spaces[0].Title == "" {
		t.Fatalf("after start: %+v, %v", ans, err)
	}
	ids := make([]string, MaxAvatarIDs+1)
	for i := range ids {
		ids[i] = strconv.Itoa(1000 + i)
	}
	if _, err := c.LiveSpaces(ctx, ids); err == nil {
		t.Fatal("101 ids were accepted")
	}
}

func TestLiveSpacesRateLimit(t *testing.T) {
	srv, c := watchFake(t)
	srv.SetAvatarRateLimit(1, time.Hour, false)
	ctx := context.Background()
	ans, err := c.LiveSpaces(ctx, []string{"12"})
	if err != nil || ans.Remaining != 0 || ans.Reset.Before(time.Now().Add(59*time.Minute)) {
		t.Fatalf("first call: %+v, %v", ans, err)
	}
	_, err = c.LiveSpaces(ctx, []string{"12"})
	var rl *RateLimitError
	if !errors.As(err, &rl) || rl.RetryAt().Before(time.Now().Add(59*time.Minute)) {
		t.Fatalf("second call: %v, want a rate limit until the window's end", err)
	}
	if protocol.CodeOf(err) != protocol.CodeRateLimited {
		t.Errorf("code %s", protocol.CodeOf(err))
	}
	srv.SetAvatarRateLimit(1, time.Hour, true)
	c.LiveSpaces(ctx, []string{"12"})
	_, err = c.LiveSpaces(ctx, []string{"12"})
	if !errors.As(err, &rl) || !rl.RetryAt().IsZero() {
		t.Fatalf("without reset header: %v", err)
	}
}

func TestUserID(t *testing.T) {
	_, c := watchFake(t)
	id, name, err := c.UserID(context.Background(), "OldTimer")
	if err != nil || id != fakex.UserID("oldtimer") || name != "oldtimer" {
		t.Fatalf("UserID = %q %q %v", id, name, err)
	}
	_, _, err = c.UserID(context.Background(), "nobody_here")
	if protocol.CodeOf(err) != protocol.CodeNotFound {
		t.Fatalf("unknown handle: %v", err)
	}
}
