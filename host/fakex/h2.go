package fakex

import (
	"context"
	"log"
	"net"
	"net/http"
	"time"
)

// cdnTLS is the CDN's server over TLS: it offers HTTP/2 and HTTP/1.1 by
// ALPN, as video.twimg.com does, so that a client which takes HTTP/2 and
// multiplexes every chunk over one connection meets the per-connection
// bandwidth cap as it would on X's CDN. The per-connection bucket is made
// per TCP connection (ConnContext), so all streams of an HTTP/2 connection
// share it. Mid-body resets cannot hijack an HTTP/2 stream: they reset the
// stream instead (cut).
func (s *Server) cdnTLS(h http.Handler, errLog *log.Logger) *http.Server {
	conf := s.tlsConf.Clone()
	conf.NextProtos = []string{"h2", "http/1.1"}
	srv := &http.Server{Handler: h, ErrorLog: errLog, ReadHeaderTimeout: 10 * time.Second, TLSConfig: conf}
	srv.Protocols = new(http.Protocols)
	srv.Protocols.SetHTTP1(true)
	srv.Protocols.SetHTTP2(true)
	if s.opts.ConnBandwidth > 0 {
		srv.ConnContext = func(ctx context.Context, _ net.Conn) context.Context {
			return context.WithValue(ctx, connBucketKey{}, newBucket(s.opts.ConnBandwidth))
		}
	}
	return srv
}
