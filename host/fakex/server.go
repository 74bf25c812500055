package fakex

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spacekeep/spacekeep/host/testaudio"
)

// Options configure a Server. The zero value is a plain-HTTP server on
// random loopback ports without faults or shaping.
type Options struct {
	// TLS serves both listeners over HTTPS with a self-signed certificate
	// for x.com, *.x.com, twitter.com, *.twitter.com, 127.0.0.1 and localhost.
	// The CDN then offers HTTP/2 as X's CDN does (see cdnTLS).
	TLS bool
	// CDNHTTP1 makes a TLS CDN offer HTTP/1.1 only.
	CDNHTTP1 bool
	// APIAddr and CDNAddr are the listen addresses; empty means 127.0.0.1:0.
	APIAddr, CDNAddr string
	// Latency is added before every request is answered, on both listeners.
	Latency time.Duration
	// ConnBandwidth caps the CDN bytes per second of each connection; 0 = unlimited.
	ConnBandwidth int64
	// Downlink caps the CDN bytes per second of all connections together (a
	// token bucket shared by every CDN response); 0 = unlimited.
	Downlink int64
	// RequiredFeatures are the features AudioSpaceById insists on: until the
	// features JSON names them all (any value), it answers 400 with code 336.
	RequiredFeatures []string
	// QueryIDs are the AudioSpaceById queryIds the API knows, newest first;
	// nil means KnownQueryIDs. The page uses the first one that is not dead.
	QueryIDs []string
	// DeadQueryIDs answer 404, as stale queryIds do.
	DeadQueryIDs []string
	// PageQueryID drifts the API from the start (see SetDrift); RefuseGuests
	// refuses guests from the start (see SetRefuseGuests).
	PageQueryID  string
	RefuseGuests bool
	// RateLimitFirst makes the first N API calls answer 429 with
	// x-rate-limit-reset one second ahead.
	RateLimitFirst int
	// Logger gets one line per request and server events; nil is silent.
	Logger *log.Logger
	// ErrorLog gets net/http's own errors; nil is silent.
	ErrorLog *log.Logger
}

// Request is one request the server saw, for tests to assert on. Secret
// values (the cookies and the csrf header that echoes ct0) are redacted.
type Request struct {
	Listener  string // "api", "cdn", "page" or "chat"
	Method    string
	Host      string
	Path      string
	Query     string // the raw query
	HasCookie bool
	Header    http.Header
}

// Server is a fake x.com API (with the Space pages) on one listener and a
// fake video CDN on another. It is safe for concurrent use.
type Server struct {
	opts    Options
	logger  *log.Logger
	tlsConf *tls.Config
	certPEM []byte

	apiLn, cdnLn   net.Listener
	apiSrv, cdnSrv *http.Server
	certDir        string
	downlink       *bucket
	cdnConns       connCounter

	audio [][]byte // testaudio's chunks, behind every chunk's tags

	oracle oracle // guests and drift (oracle.go)

	mu          sync.Mutex
	spaces      map[string]*space // by Space id
	byMediaKey  map[string]*space
	byHash      map[string]*space
	sessions    map[string]string // auth_token → ct0 issued with it
	first       [2]string         // the session Session returns
	requests    []Request
	apiCalls    int
	inflight    int
	maxInflight int
	watch       watchState  // avatar_content's rate limit (watch.go)
	search      searchState // AudioSpaceSearch's refusals (search.go)
}

// maxLoggedRequests bounds the request log so a long benchmark cannot grow
// memory without end; tests look at far fewer.
const maxLoggedRequests = 200_000

// New makes a Server; Start makes it listen.
func New(opts Options) (*Server, error) {
	s := &Server{
		opts:       opts,
		logger:     opts.Logger,
		spaces:     map[string]*space{},
		byMediaKey: map[string]*space{},
		byHash:     map[string]*space{},
		sessions:   map[string]string{},
	}
	if s.logger == nil {
		s.logger = log.New(io.Discard, "", 0)
	}
	// The audio is embedded: no ffmpeg, and no failure left for a chunk
	// request to turn into an HTTP 500 that would look like X's.
	audio, err := testaudio.Generate(testaudio.Tones)
	if err != nil {
		return nil, fmt.Errorf("fakex: the test audio: %w", err)
	}
	s.audio = audio
	if s.opts.QueryIDs == nil {
		s.opts.QueryIDs = KnownQueryIDs
	}
	if opts.Downlink > 0 {
		s.downlink = newBucket(opts.Downlink)
	}
	at, ct0 := s.NewSession()
	s.first = [2]string{at, ct0}
	if opts.TLS {
		conf, pemBytes, err := selfSigned()
		if err != nil {
			return nil, fmt.Errorf("fakex: make the TLS certificate: %w", err)
		}
		s.tlsConf, s.certPEM = conf, pemBytes
	}
	return s, nil
}

// Start listens on both addresses and serves in the background.
func (s *Server) Start() error {
	if s.apiLn != nil {
		return errors.New("fakex: already started")
	}
	listen := func(addr string) (net.Listener, error) {
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("fakex: listen on %s: %w", addr, err)
		}
		return ln, nil
	}
	var err error
	if s.apiLn, err = listen(s.opts.APIAddr); err != nil {
		return err
	}
	if s.cdnLn, err = listen(s.opts.CDNAddr); err != nil {
		s.apiLn.Close()
		return err
	}
	if s.certPEM != nil {
		s.certDir, err = os.MkdirTemp("", "fakex-cert-")
		if err == nil {
			err = os.WriteFile(filepath.Join(s.certDir, "fakex.pem"), s.certPEM, 0o644)
		}
		if err != nil {
			s.apiLn.Close()
			s.cdnLn.Close()
			return fmt.Errorf("fakex: write the certificate: %w", err)
		}
	}
	errLog := s.opts.ErrorLog
	if errLog == nil {
		errLog = log.New(io.Discard, "", 0)
	}
	mk := func(h http.Handler, shaped bool) *http.Server {
		if shaped && s.tlsConf != nil && !s.opts.CDNHTTP1 {
			return s.cdnTLS(h, errLog)
		}
		srv := &http.Server{
			Handler:           h,
			ErrorLog:          errLog,
			ReadHeaderTimeout: 10 * time.Second,
			// HTTP/1.1 only: "per connection" bandwidth and mid-body resets
			// (which need Hijack) mean what they say.
			TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){},
		}
		if shaped && s.opts.ConnBandwidth > 0 {
			srv.ConnContext = func(ctx context.Context, _ net.Conn) context.Context {
				return context.WithValue(ctx, connBucketKey{}, newBucket(s.opts.ConnBandwidth))
			}
		}
		return srv
	}
	s.apiSrv = mk(s.apiHandler(), false)
	s.cdnSrv = mk(s.cdnHandler(), true)
	for _, p := range []struct {
		srv *http.Server
		ln  net.Listener
	}{{s.apiSrv, s.apiLn}, {s.cdnSrv, countingListener{s.cdnLn, &s.cdnConns}}} {
		ln := p.ln
		if s.tlsConf != nil {
			conf := s.tlsConf
			if p.srv.TLSConfig != nil {
				conf = p.srv.TLSConfig
			}
			ln = tls.NewListener(ln, conf)
		}
		go p.srv.Serve(ln) //nolint:errcheck // returns ErrServerClosed on Close
	}
	s.logger.Printf("fakex: api %s cdn %s", s.APIBase(), s.CDNBase())
	return nil
}

// Close stops both listeners, drops open connections and removes the
// certificate file.
func (s *Server) Close() {
	if s.apiSrv != nil {
		s.apiSrv.Close()
		s.cdnSrv.Close()
	}
	if s.certDir != "" {
		os.RemoveAll(s.certDir)
	}
}

func (s *Server) scheme() string {
	if s.tlsConf != nil {
		return "https"
	}
	return "http"
}

// APIBase is the API's base URL, e.g. https://127.0.0.1:PORT.
func (s *Server) APIBase() string { return s.scheme() + "://" + s.apiLn.Addr().String() }

// CDNBase is the CDN's base URL: another port, so another origin, to which
// no cookie may ever be sent.
func (s *Server) CDNBase() string { return s.scheme() + "://" + s.cdnLn.Addr().String() }

// CertPEM is the self-signed certificate in PEM, or nil without TLS.
func (s *Server) CertPEM() []byte { return s.certPEM }

// CertFile is a file holding CertPEM (valid after Start), or "" without TLS.
func (s *Server) CertFile() string {
	if s.certDir == "" {
		return ""
	}
	return filepath.Join(s.certDir, "fakex.pem")
}

// Session returns a valid cookie pair: send auth_token and ct0 as cookies
// and ct0 again as x-csrf-token.
func (s *Server) Session() (authToken, ct0 string) { return s.first[0], s.first[1] }

// NewSession issues and returns another valid cookie pair, as the page does.
func (s *Server) NewSession() (authToken, ct0 string) {
	authToken, ct0 = randomHex(40), randomHex(160)
	s.mu.Lock()
	s.sessions[authToken] = ct0
	s.mu.Unlock()
	return authToken, ct0
}

// Requests returns a copy of every request seen so far, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ResetRequests forgets the request log (not the chunk hit counts).
func (s *Server) ResetRequests() {
	s.mu.Lock()
	s.requests = nil
	s.mu.Unlock()
}

// MaxConcurrentChunks is the most chunk requests the CDN served at once.
func (s *Server) MaxConcurrentChunks() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInflight
}

// record logs r under listener and applies the configured latency.
func (s *Server) record(listener string, r *http.Request) bool {
	h := r.Header.Clone()
	if c := h.Values("Cookie"); len(c) > 0 {
		h["Cookie"] = []string{redactCookies(strings.Join(c, "; "))}
	}
	if h.Get("X-Csrf-Token") != "" {
		h.Set("X-Csrf-Token", "REDACTED")
	}
	req := Request{
		Listener:  listener,
		Method:    r.Method,
		Host:      r.Host,
		Path:      r.URL.Path,
		Query:     r.URL.RawQuery,
		HasCookie: r.Header.Get("Cookie") != "",
		Header:    h,
	}
	s.mu.Lock()
	if len(s.requests) < maxLoggedRequests {
		s.requests = append(s.requests, req)
	}
	s.mu.Unlock()
	s.logger.Printf("fakex: %s %s %s%s", listener, r.Method, r.Host, r.URL.RequestURI())
	if s.opts.Latency > 0 {
		t := time.NewTimer(s.opts.Latency)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return false
		}
	}
	return true
}

// redactCookies keeps the cookie names, so tests can see what was sent,
// and hides the values.
func redactCookies(header string) string {
	parts := strings.Split(header, ";")
	for i, p := range parts {
		name, _, _ := strings.Cut(strings.TrimSpace(p), "=")
		parts[i] = name + "=REDACTED"
	}
	return strings.Join(parts, "; ")
}
