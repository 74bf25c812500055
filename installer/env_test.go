package installer

import "testing"

// FromOS reads the environment only through the getenv it is given.
func TestFromOSReadsThroughGetenv(t *testing.T) {
	vars := map[string]string{"HOME": "/h", "USERPROFILE": "/h", "XDG_CONFIG_HOME": "/c", "SPACEKEEP_FFMPEG": "/opt/ffmpeg"}
	e, err := FromOS("", func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	if e.Home != "/h" || e.XDGConfigHome != "/c" || e.FFmpeg != "/opt/ffmpeg" {
		t.Errorf("FromOS = home %q, config %q, ffmpeg %q", e.Home, e.XDGConfigHome, e.FFmpeg)
	}
}
