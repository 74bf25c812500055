package job

import (
	"testing"

	"github.com/spacekeep/spacekeep/host/fakex"
	"github.com/spacekeep/spacekeep/protocol"
)

// A bad option is refused by Start itself, before any call to X: no job, no
// request on the wire.
func TestStartRefusesBadOptionsBeforeAskingX(t *testing.T) {
	e := newEnv(t, fakex.Options{})
	for name, o := range map[string]protocol.Options{
		"unknown field": {NameTemplate: "{bogus}"},
		"unclosed":      {NameTemplate: "{title"},
		"format":        {Format: "wav"},
		"sub format":    {SubFormat: "ass"},
		"concurrency":   {Concurrency: -1},
	} {
		o.OutputDir = e.out
		id, err := e.m.Start(protocol.DownloadStart{Space: fakex.DemoID, Cookies: e.cookies, Options: o})
		if protocol.CodeOf(err) != protocol.CodeBadRequest || id != "" {
			t.Errorf("%s: Start = %q, %v; want a bad_request error", name, id, err)
		}
	}
	if n := len(e.x.Requests()); n != 0 {
		t.Errorf("%d requests reached X before the options were checked", n)
	}
	// A good template still starts.
	if ev := e.download(fakex.DemoID, protocol.Options{NameTemplate: "{id} {title}"}); ev.Type != protocol.TypeJobDone {
		t.Errorf("good template: %+v", ev)
	}
}
