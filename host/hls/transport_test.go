package hls

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/spacekeep/spacekeep/host/fakex"
)

// Over TLS a CDN offers HTTP/2, and a plain Go client then multiplexes
// every chunk over one connection, whose bandwidth cap caps the download.
// The fetcher's Transport opens several connections instead, enough that
// their caps together exceed the shared downlink, and reports the
// connections really open. The speed it reaches is measured by spacebench.
func TestFetcherOpensSeveralConnectionsOverHTTP2(t *testing.T) {
	testSeveralConnections(t, false, "HTTP/2.0")
}

// Over HTTP/1.1 the same pool is a connection per request in flight, 32 at most.
func TestFetcherOpensSeveralConnectionsOverHTTP1(t *testing.T) {
	testSeveralConnections(t, true, "HTTP/1.1")
}

func testSeveralConnections(t *testing.T, http1 bool, proto string) {
	const connBW, downlink = 100_000, 1_200_000 // 12 connections fill the downlink
	x, err := fakex.New(fakex.Options{TLS: true, CDNHTTP1: http1, Latency: 20 * time.Millisecond, ConnBandwidth: connBW, Downlink: downlink})
	if err != nil {
		t.Fatal(err)
	}
	x.AddSpace(fakex.SpaceSpec{ID: fakex.DemoID, Title: "T", State: fakex.StateEnded, Replayable: true, Chunks: 150, HostName: "H", HostHandle: "h"})
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(x.CertPEM())
	tr := NewTransport(PoolConns)
	for _, s := range tr.subs {
		s.tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}

	loc, _ := x.Location(fakex.DemoID)
	u, _ := url.Parse(loc)
	pl, _, err := (&Loader{Client: client}).Media(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	reported := 0
	// 16 requests in flight, fixed: the controller's search is tested on
	// its own (TestControllerFindsTheLinkLimit) and measured by spacebench.
	const conns = 16
	err = Download(context.Background(), Chunks(pl), Options{Client: client, Dir: t.TempDir(), MaxConns: conns, Fixed: true,
		Progress: func(p Progress) {
			mu.Lock()
			reported = max(reported, p.Conns)
			mu.Unlock()
		}})
	if err != nil {
		t.Fatal(err)
	}
	st := x.CDNConns()
	t.Logf("server saw %+v; progress reported up to %d connections", st, reported)
	if st.Protos[proto] != 151 || len(st.Protos) != 1 {
		t.Errorf("requests by protocol %v, want all 151 over %s", st.Protos, proto)
	}
	if st.Peak*connBW < downlink {
		t.Errorf("at most %d connections open at once: their caps (%d B/s each) cannot fill the %d B/s downlink", st.Peak, connBW, downlink)
	}
	if st.Peak > conns || st.Accepted > conns {
		t.Errorf("%d connections opened, %d at once; the download's cap is %d", st.Accepted, st.Peak, conns)
	}
	if reported < downlink/connBW || reported > st.Peak {
		t.Errorf("progress reported up to %d connections, the server saw %d at once", reported, st.Peak)
	}
}

// A dial beyond the pool's bound waits until a connection to that host closes.
func TestTransportBoundsConnectionsPerHost(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	tr := NewTransport(2)
	dial := tr.subs[0].tr.DialContext
	ctx := context.Background()
	a, err := dial(ctx, "tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	b, err := dial(ctx, "tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	if n := tr.OpenConns(ln.Addr().String()); n != 2 {
		t.Fatalf("OpenConns = %d, want 2", n)
	}
	third := make(chan net.Conn)
	go func() {
		c, err := dial(ctx, "tcp", ln.Addr().String())
		if err != nil {
			t.Error(err)
		}
		third <- c
	}()
	select {
	case <-third:
		t.Fatal("a third connection opened while two were open, the bound being 2")
	case <-time.After(50 * time.Millisecond):
	}
	a.Close()
	c := <-third
	if n := tr.OpenConns(ln.Addr().String()); n != 2 {
		t.Errorf("OpenConns = %d after one closed and one opened, want 2", n)
	}
	b.Close()
	c.Close()
	c.Close() // closing twice counts once
	if n := tr.OpenConns(ln.Addr().String()); n != 0 {
		t.Errorf("OpenConns = %d after all closed, want 0", n)
	}
}
