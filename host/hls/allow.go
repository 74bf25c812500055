package hls

import (
	"errors"
	"net/http"
	"net/url"
)

// errRefused marks a URL the caller's Allow refused: fetching it again
// would be refused again.
var errRefused = errors.New("refused")

// refusal is an Allow error, kept as it is for the user and marked so
// that no retry follows.
type refusal struct{ err error }

func (r refusal) Error() string   { return r.err.Error() }
func (r refusal) Unwrap() []error { return []error{r.err, errRefused} }
func isRefused(err error) (error, bool) {
	var r refusal
	if errors.As(err, &r) {
		return r.err, true
	}
	return nil, false
}

// permanent marks a Store error that fetching the chunk again cannot cure.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent wraps a Store error for a chunk that is whole and readable but
// holds what can never be used (MPEG-TS without sound): the download fails
// at once instead of fetching it again.
func Permanent(err error) error { return permanent{err} }

// check asks allow about u; nil allow allows everything.
func check(allow func(*url.URL) error, u *url.URL) error {
	if allow == nil {
		return nil
	}
	if err := allow(u); err != nil {
		return refusal{err}
	}
	return nil
}

// Guarded returns c, or a copy of it (sharing its Transport) whose
// redirects are asked about too: a redirect is a fetch of another URL.
func Guarded(c *http.Client, allow func(*url.URL) error) *http.Client { return guarded(c, allow) }

func guarded(c *http.Client, allow func(*url.URL) error) *http.Client {
	if allow == nil {
		return c
	}
	g := *c
	prev := c.CheckRedirect
	g.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := check(allow, req.URL); err != nil {
			return err
		}
		if prev != nil {
			return prev(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &g
}
