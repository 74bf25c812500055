package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/protocol"
)

// `download --name-template {bogus}` fails with exit code bad_request before
// asking X anything.
func TestDownloadBadTemplateFailsBeforeAnyAPICall(t *testing.T) {
	serviceTestEnv(t)
	x := startFake(t)
	useFakeSession(t, x)
	t.Setenv("SPACEKEEP_CACHE_DIR", t.TempDir())
	code, _, errs := runCmd(context.Background(), nil, "download", "-q", "-o", t.TempDir(), "--name-template", "{bogus}", fakex.DemoID)
	if code != protocol.ExitCodes[protocol.CodeBadRequest] {
		t.Errorf("exit %d, want %d (bad_request)\n%s", code, protocol.ExitCodes[protocol.CodeBadRequest], errs)
	}
	if !strings.Contains(errs, "bogus") {
		t.Errorf("stderr does not name the bad field: %q", errs)
	}
	if n := len(x.Requests()); n != 0 {
		t.Errorf("%d requests reached X before the template was checked", n)
	}
}
