// Package libserve serves the library of kept Spaces read-only over HTTP,
// so that the Library page's player and podcast apps can listen to it:
// `spacekeep library serve`, and the browser's host or the service on
// demand (the library.serve request).
//
// Every URL starts with a capability: a random 128-bit token as the first
// path segment, compared in constant time; anything else is 404. Under it:
//
//	feed.xml[?host=handle]  RSS 2.0 with the itunes and podcast namespaces
//	audio/<id>.<ext>        the audio, with HTTP Range (http.ServeContent)
//	cover/<id>.jpg          the cover art inside the m4a
//	chapters/<id>.json      the speaker turns as Podcasting 2.0 JSON chapters
//	transcript/<id>.vtt     the captions as WebVTT
//
// A file is found by the Space's id in the library, never by a path from
// the URL, and served only when it lies in the Space's own folder as a
// regular file. GET and HEAD only; no CORS headers, so other web pages
// cannot read what it serves. It listens on loopback unless told --lan.
package libserve

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/host/library"
	"github.com/spacekeep/spacekeep/host/xapi"
)

// TokenBytes is the capability's size: 128 random bits.
const TokenBytes = 16

// NewToken returns a fresh random token (hex).
func NewToken() (string, error) {
	b := make([]byte, TokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make a token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// ValidToken reports whether t has the shape NewToken gives.
func ValidToken(t string) bool {
	b, err := hex.DecodeString(t)
	return err == nil && len(b) == TokenBytes && strings.ToLower(t) == t
}

// Server is the HTTP handler of the library. It is safe for concurrent use.
type Server struct {
	lib    *library.Library
	token  []byte
	log    zerolog.Logger
	covers coverCache
}

// New returns a server of lib under token (see NewToken).
func New(lib *library.Library, token string, log zerolog.Logger) (*Server, error) {
	if !ValidToken(token) {
		return nil, errors.New("serve the library: the token must be 32 hex digits")
	}
	return &Server{lib: lib, token: []byte(token), log: log}, nil
}

// Token is the capability every URL starts with.
func (s *Server) Token() string { return string(s.token) }

// requestTimeout bounds the library reads of one request (not the
// transfer of a file, which the client paces).
const requestTimeout = 30 * time.Second

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// The token is in the URL: never hand it on in a Referer.
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-transform")

	// Split the path as it came, still escaped: "%2F" stays inside its
	// segment, where the id check refuses it.
	rest, _ := strings.CutPrefix(r.URL.EscapedPath(), "/")
	tok, rest, _ := strings.Cut(rest, "/")
	if subtle.ConstantTimeCompare([]byte(tok), s.token) != 1 {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "read-only: GET and HEAD only", http.StatusMethodNotAllowed)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
	defer cancel()
	switch rest {
	case "":
		s.index(ctx, w, r)
		return
	case "feed.xml":
		s.feed(ctx, w, r)
		return
	}
	route, name, _ := strings.Cut(rest, "/")
	dot := strings.LastIndexByte(name, '.')
	if dot < 0 {
		http.NotFound(w, r)
		return
	}
	id, ext := name[:dot], name[dot+1:]
	if !xapi.ValidSpaceID(id) {
		http.NotFound(w, r)
		return
	}
	switch {
	case route == "audio":
		s.audio(ctx, w, r, id, ext)
	case route == "cover" && ext == "jpg":
		s.cover(ctx, w, r, id)
	case route == "chapters" && ext == "json":
		s.chapters(ctx, w, r, id)
	case route == "transcript" && ext == "vtt":
		s.transcript(ctx, w, r, id)
	default:
		http.NotFound(w, r)
	}
}

// fail answers a failed library read: an unknown Space is 404, the rest 500
// (logged, never the URL: it holds the token).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, library.ErrNotFound) || errors.Is(err, errNoFile) {
		http.NotFound(w, r)
		return
	}
	s.log.Warn().Err(err).Msg("library server: a request failed")
	http.Error(w, "the library could not be read", http.StatusInternalServerError)
}

// baseURL is the server's root as this client reached it, token included.
func (s *Server) baseURL(r *http.Request) string {
	return "http://" + r.Host + "/" + string(s.token) + "/"
}
