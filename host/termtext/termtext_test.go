package termtext

import (
	"testing"
)

func TestClean(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Plain title", "Plain title"},
		{"Ünïcode · Space 🎙", "Ünïcode · Space 🎙"},
		{"a\x1b]0;pwned\x07b", "ab"},                             // OSC window title, BEL-ended
		{"a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b", "alinkb"}, // OSC 8 hyperlink, ST-ended
		{"\x1b[2J\x1b[HTitle", "Title"},                          // clear screen, home
		{"red \x1b[31;1mtext\x1b[0m", "red text"},                // SGR
		{"a\x1bcb", "ab"},                                        // RIS (reset)
		{"a\u009b2Jb", "ab"},                                     // C1 CSI
		{"a\u009d0;x\u009cb", "ab"},                              // C1 OSC … C1 ST
		{"bell\x07 back\x08space\x7f", "bell backspace"},
		{"two\nlines\r\tand tab", "two lines  and tab"},
		{"evil\u202egnp.exe", "evilgnp.exe"}, // right-to-left override
		{"bad \xff byte", "bad  byte"},
		{"unended \x1b]0;title", "unended "},
		{"unended \x1b[12", "unended "},
		{"\x1bP1$r\x1b\\ok", "ok"}, // DCS
	} {
		if got := Clean(tc.in); got != tc.want {
			t.Errorf("Clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestLine(t *testing.T) {
	if got := Line("  a\n\n b\x1b[2J  c "); got != "a b c" {
		t.Errorf("Line: %q", got)
	}
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{"\x1b]0;x\x07", "\x1b[2J", "a\u009bb", "\xff\x1b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Clean(s)
		for _, r := range out {
			if r < 0x20 || (r >= 0x7f && r < 0xa0) || isBidi(r) {
				t.Fatalf("Clean(%q) = %q keeps %U", s, out, r)
			}
		}
	})
}
