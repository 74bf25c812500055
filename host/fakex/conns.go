package fakex

import (
	"net"
	"net/http"
	"sync"
)

// ConnStats is what the CDN listener saw of its clients' connections.
type ConnStats struct {
	Accepted int            // connections accepted in all
	Peak     int            // the most open at once
	Open     int            // open now
	Bytes    int64          // chunk bytes served whole
	Protos   map[string]int // chunk and playlist requests by protocol ("HTTP/2.0", "HTTP/1.1")
}

// connCounter counts a listener's connections: a client's parallelism is
// its TCP connections, whatever it multiplexes over them.
type connCounter struct {
	mu                   sync.Mutex
	accepted, open, peak int
	protos               map[string]int
	bytes                int64
}

func (c *connCounter) served(n int) {
	c.mu.Lock()
	c.bytes += int64(n)
	c.mu.Unlock()
}

type countingListener struct {
	net.Listener
	c *connCounter
}

func (l countingListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.c.mu.Lock()
	l.c.accepted++
	l.c.open++
	l.c.peak = max(l.c.peak, l.c.open)
	l.c.mu.Unlock()
	return &countedConn{Conn: conn, c: l.c}, nil
}

type countedConn struct {
	net.Conn
	c    *connCounter
	once sync.Once
}

func (c *countedConn) Close() error {
	c.once.Do(func() {
		c.c.mu.Lock()
		c.c.open--
		c.c.mu.Unlock()
	})
	return c.Conn.Close()
}

func (c *connCounter) request(r *http.Request) {
	c.mu.Lock()
	if c.protos == nil {
		c.protos = map[string]int{}
	}
	c.protos[r.Proto]++
	c.mu.Unlock()
}

// CDNConns reports the CDN listener's connections so far.
func (s *Server) CDNConns() ConnStats {
	c := &s.cdnConns
	c.mu.Lock()
	defer c.mu.Unlock()
	st := ConnStats{Accepted: c.accepted, Peak: c.peak, Open: c.open, Bytes: c.bytes, Protos: map[string]int{}}
	for k, v := range c.protos {
		st.Protos[k] = v
	}
	return st
}

// Location is a Space's source.location (its playlist on the CDN), as the
// status API answers it, for tests and benchmarks of the fetcher alone.
func (s *Server) Location(id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sp, ok := s.spaces[id]
	if !ok {
		return "", false
	}
	return sp.location(s.CDNBase()), true
}
