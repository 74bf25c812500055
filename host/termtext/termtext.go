// Package termtext makes text that came from outside (X's answers, info
// JSON files, the library) safe to print on a terminal: a Space title
// holding ESC]0;…BEL or ESC[2J must not retitle the window or clear the
// screen. Every print of external text in the command line goes through it.
package termtext

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clean returns s without terminal control: escape sequences (CSI, OSC,
// DCS and the like) are removed whole, other control characters (C0, DEL,
// C1), bidirectional overrides and invalid UTF-8 are dropped; tabs and
// line breaks become spaces, so the text stays on its line.
func Clean(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			i++ // invalid byte
			continue
		case r == 0x1b: // ESC
			i += escapeLen(s[i:])
			continue
		case r == 0x9b || r == 0x9d || r == 0x90 || r == 0x9e || r == 0x9f: // C1 CSI, OSC, DCS, PM, APC
			i += n + bodyLen(s[i+n:], r == 0x9b)
			continue
		case r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == 0x85 || r == 0x2028 || r == 0x2029:
			b.WriteByte(' ')
		case unicode.IsControl(r) || isBidi(r):
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// Line is Clean with runs of spaces collapsed and the ends trimmed: one
// tidy line, for titles and names.
func Line(s string) string {
	return strings.Join(strings.Fields(Clean(s)), " ")
}

// isPlain is the fast path: printable ASCII only.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

func isBidi(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c
}

// escapeLen is the length of the escape sequence at the start of s (s[0]
// is ESC): CSI (ESC [ … final byte), OSC/DCS/PM/APC/SOS (ESC ] … BEL or
// ST), or ESC and one more character.
func escapeLen(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	switch s[1] {
	case '[':
		return 2 + bodyLen(s[2:], true)
	case ']', 'P', '^', '_', 'X':
		return 2 + bodyLen(s[2:], false)
	}
	_, n := utf8.DecodeRuneInString(s[1:])
	return 1 + n
}

// bodyLen is the length of a sequence's body up to and with its end: for a
// CSI the final byte (0x40-0x7e), for a string sequence BEL or ST (ESC \ or
// 0x9c). An unended sequence runs to the end of s.
func bodyLen(s string, csi bool) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if csi {
			if c >= 0x40 && c <= 0x7e {
				return i + 1
			}
			if c < 0x20 || c > 0x7e {
				return i // not a CSI byte: the sequence ends here
			}
			continue
		}
		switch {
		case c == 0x07:
			return i + 1
		case c == 0x1b && i+1 < len(s) && s[i+1] == '\\':
			return i + 2
		case c == 0xc2 && i+1 < len(s) && s[i+1] == 0x9c: // ST as UTF-8 (U+009C)
			return i + 2
		}
	}
	return len(s)
}
