// Package naming turns a Space's details into a safe file name from a
// template, and moves finished files into place without overwriting any.
// Titles are untrusted: they may hold path separators, control characters,
// names Windows reserves, or be thousands of bytes long.
package naming

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/spacekeep/spacekeep/protocol"
)

// DefaultTemplate gives e.g. "2024-06-28 @host - Title [1OyKAWgagpqJb]".
const DefaultTemplate = "{date} @{handle} - {title} [{id}]"

// MaxNameBytes caps a name before its extension: most file systems allow
// 255 bytes, and " (2)" plus an extension must still fit.
const MaxNameBytes = 200

// UntitledTitle stands in for an empty title.
const UntitledTitle = "Untitled Space"

// Fields are the values a template can use.
type Fields struct {
	ID         string
	Title      string
	HostName   string
	HostHandle string
	State      string
	Date       time.Time // the Space's start, in the zone the user wants
}

// Render fills tmpl ({id} {title} {host} {handle} {date} {time} {state})
// and returns one safe file name with ext appended ("m4a" or ".m4a"). An
// unknown field or an unclosed "{" is a bad_request error.
func Render(tmpl string, f Fields, ext string) (string, error) {
	if tmpl == "" {
		tmpl = DefaultTemplate
	}
	title := clean(f.Title)
	if title == "" {
		title = UntitledTitle
	}
	values := map[string]string{
		"id": clean(f.ID), "title": title, "host": clean(f.HostName),
		"handle": clean(f.HostHandle), "state": clean(f.State),
	}
	if !f.Date.IsZero() {
		values["date"] = f.Date.Format("2006-01-02")
		values["time"] = f.Date.Format("1504")
	}
	// Render once without the title to learn how many bytes it may take:
	// shortening the title keeps the date and the [id] that tell files apart.
	// A one-byte stand-in keeps the spaces around the title from collapsing.
	rest, err := fill(tmpl, values, "x")
	if err != nil {
		return "", err
	}
	if room := MaxNameBytes - len(finish(rest)) + 1; len(title) > room {
		values["title"] = strings.TrimRight(truncate(title, max(room, 0)), " .-")
	}
	name, err := fill(tmpl, values, values["title"])
	if err != nil {
		return "", err
	}
	name = finish(name)
	if name == "" {
		name = UntitledTitle
	}
	return name + cleanExt(ext), nil
}

// CheckTemplate reports whether tmpl can name files: an unknown field or an
// unclosed "{" is a bad_request error, found when the template is set, not
// after a download's API calls.
func CheckTemplate(tmpl string) error {
	_, err := Render(tmpl, Fields{ID: "1OyKAWgagpqJb", Title: "t", Date: time.Unix(0, 0)}, "m4a")
	return err
}

// fill substitutes the template's fields; title overrides values["title"].
func fill(tmpl string, values map[string]string, title string) (string, error) {
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			return b.String(), nil
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			return "", protocol.Errorf(protocol.CodeBadRequest, "file name template %q has an unclosed {", tmpl)
		}
		key := tmpl[i+1 : i+j]
		v, ok := values[key]
		switch {
		case key == "title":
			v = title
		case key == "date" || key == "time":
			ok = true // known, but empty without a date
		}
		if !ok {
			return "", protocol.Errorf(protocol.CodeBadRequest,
				"unknown field {%s} in file name template (use {id} {title} {host} {handle} {date} {time} {state})", key)
		}
		b.WriteString(tmpl[:i])
		b.WriteString(v)
		tmpl = tmpl[i+j+1:]
	}
}

// finish makes the whole name safe: template text is user input too.
func finish(name string) string {
	name = clean(name)
	name = strings.TrimLeft(name, ". ")  // hidden files, "..", "."
	name = strings.TrimRight(name, ". ") // Windows drops trailing dots and spaces
	name = truncate(name, MaxNameBytes)
	name = strings.TrimRight(name, ". ")
	if reserved(name) {
		name = "_" + name
	}
	return name
}

// clean replaces what no file system or OS should see in a name: path
// separators and Windows-forbidden characters, control characters, bidi
// overrides (which can fake an extension); it collapses whitespace.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	// "Title: subtitle" reads best as "Title - subtitle", not "Title- subtitle".
	s = strings.ReplaceAll(s, ": ", " - ")
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '/' || r == '\\' || r == '|' || r == ':':
			r = '-'
		case r == '<' || r == '>' || r == '"' || r == '?' || r == '*':
			continue
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = b.Len() > 0
			continue
		case isBidi(r):
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isBidi(r rune) bool {
	return r == 0x200E || r == 0x200F || r == 0x061C || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// truncate cuts s to at most n bytes at a rune boundary, and backs off so
// that an emoji sequence (ZWJ, variation selector, skin tone) or a letter
// with combining marks is not left half.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	for n > 0 {
		next, _ := utf8.DecodeRuneInString(s[n:])
		prev, size := utf8.DecodeLastRuneInString(s[:n])
		if !joins(next) && prev != 0x200D {
			break
		}
		n -= size
	}
	return s[:n]
}

// joins reports runes that attach to the rune before them.
func joins(r rune) bool {
	return r == 0x200D || r == 0xFE0F || r == 0xFE0E || (r >= 0x1F3FB && r <= 0x1F3FF) ||
		unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || (r >= 0xE0020 && r <= 0xE007F)
}

// reserved reports names Windows refuses whatever the extension: CON,
// CON.m4a and "con .txt" all name the console.
func reserved(name string) bool {
	base, _, _ := strings.Cut(name, ".")
	base = strings.ToUpper(strings.TrimRight(base, " "))
	switch base {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if len(base) == 4 && (strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT")) {
		return base[3] >= '0' && base[3] <= '9'
	}
	if strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT") {
		switch base[3:] { // Windows also reserves superscript digits
		case "¹", "²", "³":
			return true
		}
	}
	return false
}

// cleanExt returns ".ext" with only ASCII letters and digits, or "".
func cleanExt(ext string) string {
	ext = strings.TrimPrefix(ext, ".")
	var b strings.Builder
	for _, r := range ext {
		if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return "." + b.String()
}
