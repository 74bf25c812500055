package xapi

import (
	"regexp"
	"strings"

	"github.com/spacekeep/spacekeep/protocol"
)

// languageTag is a BCP 47 tag as navigator.language gives it (en-US, pt-BR, zh-Hant-TW).
var languageTag = regexp.MustCompile(`^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,4}$`)

// applyBrowser makes the API calls present the browser whose session they
// carry, so X sees the client it already knows. A value that could not go
// into a header as is (control characters, absurd lengths) is ignored.
func (c *Client) applyBrowser(b *protocol.Browser) {
	c.agent, c.lang = UserAgent, "en-US"
	if b == nil {
		return
	}
	if validUserAgent(b.UserAgent) {
		c.agent = b.UserAgent
	}
	if languageTag.MatchString(b.Language) {
		c.lang = b.Language
	}
}

func validUserAgent(s string) bool {
	if len(s) < 8 || len(s) > 512 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// acceptLanguage is what a browser set to lang sends: "de-DE,de;q=0.9".
func acceptLanguage(lang string) string {
	primary := clientLanguage(lang)
	if primary == lang {
		return lang
	}
	return lang + "," + primary + ";q=0.9"
}

// clientLanguage is the language's primary subtag, as x-twitter-client-language carries it.
func clientLanguage(lang string) string {
	p, _, _ := strings.Cut(lang, "-")
	return strings.ToLower(p)
}
