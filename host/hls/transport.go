package hls

import (
	"context"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// PoolConns is how many connections a Transport opens at most to one host:
// the fetcher's parallel TCP flows, and the most it ever holds open there.
const PoolConns = 32

// StreamsPerConn is how many requests the fetcher keeps in flight per
// connection at most once the CDN speaks HTTP/2: enough to hide a request's
// latency behind the transfers of the others on the same connection.
const StreamsPerConn = 3

// Transport spreads requests over up to PoolConns connections per host,
// whatever the protocol. X's CDN offers HTTP/2, and Go's client then
// multiplexes every request over one connection: a per-connection rate
// cap (the shaping of a real path, or the CDN's own fairness) then caps
// the whole download (91.9 s for a 2-hour Space against 11.1 s for the
// downlink). Transport holds PoolConns sub-transports of one connection
// each and gives every request to the least busy: with HTTP/1.1 that is a
// connection per request in flight, with HTTP/2 several streams on each of
// several connections.
//
// Why a pool of HTTP/2 connections rather than HTTP/1.1 alone, measured by
// spacebench on a 2-hour Space (README "Speed and memory"): with 150 ms per
// request and 500 KB/s per connection, one request per connection carries
// about 165 KB/s, so filling 8 MB/s takes ~50 connections, beyond the 32
// we allow ourselves: HTTP/1.1 over 32 took 1.40× the downlink's limit,
// the HTTP/2 pool 1.13×. With 50 ms and 1 MB/s both reach it (1.10×, 1.07×).
// A CDN that offers only HTTP/1.1 gets the same pool, one request per
// connection.
//
// It counts the connections actually open per host (OpenConns), which the
// progress reports show.
type Transport struct {
	subs []*subTransport

	mu      sync.Mutex
	open    map[string]int // open (or opening) connections by "host:port"
	perHost int
	freed   chan struct{} // closed and replaced whenever a connection closes
}

type subTransport struct {
	tr       *http.Transport
	inFlight int // guarded by Transport.mu
}

// NewTransport returns a Transport over up to conns connections per host
// (at most PoolConns).
func NewTransport(conns int) *Transport {
	conns = min(max(conns, 1), PoolConns)
	t := &Transport{open: map[string]int{}, perHost: conns, freed: make(chan struct{})}
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	for range conns {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			if err := t.reserve(ctx, addr); err != nil {
				return nil, err
			}
			c, err := dialer.DialContext(ctx, network, addr)
			if err != nil {
				t.release(addr)
				return nil, err
			}
			return &trackedConn{Conn: c, closed: func() { t.release(addr) }}, nil
		}
		// One connection per sub-transport and host: the pool, not each
		// sub-transport, decides how many there are. (For HTTP/2 Go opens
		// another only when one is out of streams, which our few per
		// connection never are.)
		tr.MaxConnsPerHost = 1
		tr.MaxIdleConnsPerHost = 1
		tr.ForceAttemptHTTP2 = true // a custom dialer would turn it off
		tr.ResponseHeaderTimeout = 30 * time.Second
		// Chunks are read as they arrive: a few chunks of receive window
		// per stream are enough, where Go's default (4 MB a stream, 1 GB a
		// connection) would let a stalled reader's buffers grow.
		tr.HTTP2 = &http.HTTP2Config{MaxReceiveBufferPerStream: 256 << 10, MaxReceiveBufferPerConnection: 1 << 20}
		t.subs = append(t.subs, &subTransport{tr: tr})
	}
	return t
}

// NewClient returns a client for the CDN over a Transport of PoolConns
// connections, with a timeout per request so that a stalled connection is
// retried rather than waited on.
func NewClient() *http.Client {
	return &http.Client{Transport: NewTransport(PoolConns), Timeout: 2 * time.Minute}
}

type connCapKey struct{}

// withConnCap limits the requests made with ctx to the first n connections
// of a Transport's pool per host: a download's own cap.
func withConnCap(ctx context.Context, n int) context.Context {
	return context.WithValue(ctx, connCapKey{}, n)
}

// RoundTrip sends req over the least busy connection.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	n := len(t.subs)
	if c, ok := req.Context().Value(connCapKey{}).(int); ok && c > 0 {
		n = min(n, c)
	}
	t.mu.Lock()
	s := t.subs[0]
	for _, c := range t.subs[1:n] {
		if c.inFlight < s.inFlight {
			s = c
		}
	}
	s.inFlight++
	t.mu.Unlock()
	done := func() {
		t.mu.Lock()
		s.inFlight--
		t.mu.Unlock()
	}
	resp, err := s.tr.RoundTrip(req)
	if err != nil {
		done()
		return nil, err
	}
	resp.Body = &doneBody{ReadCloser: resp.Body, done: done}
	return resp, nil
}

// reserve waits until fewer than perHost connections are open to addr and
// counts one more. Each sub-transport keeps one connection per host, but
// HTTP/2 may dial a second one (when a connection runs out of streams, or
// while one the server is closing finishes its streams): this keeps the
// pool's bound a hard one.
func (t *Transport) reserve(ctx context.Context, addr string) error {
	for {
		t.mu.Lock()
		if t.open[addr] < t.perHost {
			t.open[addr]++
			t.mu.Unlock()
			return nil
		}
		freed := t.freed
		t.mu.Unlock()
		select {
		case <-freed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (t *Transport) release(addr string) {
	t.mu.Lock()
	t.open[addr]--
	if t.open[addr] == 0 {
		delete(t.open, addr)
	}
	close(t.freed)
	t.freed = make(chan struct{})
	t.mu.Unlock()
}

// OpenConns is the number of connections open now to hostport ("host:port").
func (t *Transport) OpenConns(hostport string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.open[hostport]
}

// CloseIdleConnections closes the idle connections of every sub-transport.
func (t *Transport) CloseIdleConnections() {
	for _, s := range t.subs {
		s.tr.CloseIdleConnections()
	}
}

// doneBody calls done once, when the body is read to its end or closed.
type doneBody struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (b *doneBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.once.Do(b.done)
	}
	return n, err
}

func (b *doneBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.done)
	return err
}

type trackedConn struct {
	net.Conn
	once   sync.Once
	closed func()
}

func (c *trackedConn) Close() error {
	c.once.Do(c.closed)
	return c.Conn.Close()
}
