package fakex

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"testing"
)

// Over TLS the CDN offers HTTP/2, as X's does, and counts the connections
// its clients open; CDNHTTP1 keeps it to HTTP/1.1.
func TestCDNOverTLSOffersHTTP2(t *testing.T) {
	for _, tc := range []struct {
		http1 bool
		proto string
	}{{false, "HTTP/2.0"}, {true, "HTTP/1.1"}} {
		s := start(t, Options{TLS: true, CDNHTTP1: tc.http1})
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(s.CertPEM())
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}
		defer tr.CloseIdleConnections()
		c := newClient(t, s)
		c.hc = &http.Client{Transport: tr}
		loc := c.location(DemoID)
		for range 3 {
			resp, err := (&http.Client{Transport: tr}).Get(loc)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || resp.Proto != tc.proto {
				t.Fatalf("CDNHTTP1=%v: %s %d, want %s 200", tc.http1, resp.Proto, resp.StatusCode, tc.proto)
			}
		}
		st := s.CDNConns()
		if st.Accepted != 1 || st.Peak != 1 || st.Protos[tc.proto] != 3 {
			t.Errorf("CDNHTTP1=%v: %+v, want 1 connection carrying 3 %s requests", tc.http1, st, tc.proto)
		}
	}
}
