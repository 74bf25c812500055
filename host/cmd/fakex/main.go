// Command fakex serves the fake x.com API and CDN of package fakex with its
// default catalog of Spaces, for `make demo`, benchmarks and browser tests.
//
// When ready it prints one JSON line on stdout:
//
//	{"api_base":"https://127.0.0.1:PORT","cdn_base":"https://127.0.0.1:PORT2",
//	 "cert_file":"/tmp/.../fakex.pem","auth_token":"…","ct0":"…",
//	 "spaces":[{"id":"1OyKAWgagpqJb","title":"…","state":"Ended","replayable":true,
//	            "url":"https://x.com/i/spaces/1OyKAWgagpqJb"}, …]}
//
// and serves until SIGINT or SIGTERM. Logs go to stderr, only with -v.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/spacekeep/spacekeep/host/fakex"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "fakex:", err)
		os.Exit(1)
	}
}

// ready is the line printed on stdout once the server listens.
type ready struct {
	APIBase   string       `json:"api_base"`
	CDNBase   string       `json:"cdn_base"`
	CertFile  string       `json:"cert_file"`
	AuthToken string       `json:"auth_token"`
	CT0       string       `json:"ct0"`
	Spaces    []readySpace `json:"spaces"`
}

type readySpace struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	State      string `json:"state"`
	Replayable bool   `json:"replayable"`
	URL        string `json:"url"`
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fakex", flag.ContinueOnError)
	fs.SetOutput(stderr)
	apiAddr := fs.String("api-addr", "127.0.0.1:0", "listen address of the fake x.com API and pages")
	cdnAddr := fs.String("cdn-addr", "127.0.0.1:0", "listen address of the fake CDN")
	useTLS := fs.Bool("tls", false, "serve HTTPS with a self-signed certificate for x.com, twitter.com, 127.0.0.1; the CDN offers HTTP/2 as X's does")
	cdnHTTP1 := fs.Bool("cdn-http1", false, "with -tls, the CDN offers HTTP/1.1 only")
	certOut := fs.String("cert-out", "", "write the certificate (PEM) to this file")
	latency := fs.Duration("latency", 0, "latency added to every request, e.g. 50ms")
	connBW := fs.String("conn-bw", "0", "bytes/s per CDN connection (suffixes KB, MB, KiB, MiB; 0 = unlimited)")
	downlink := fs.String("downlink", "0", "bytes/s shared by all CDN connections (suffixes KB, MB, KiB, MiB; 0 = unlimited)")
	required := fs.String("required-features", "", "comma-separated features AudioSpaceById insists on (400 code 336 until sent)")
	verbose := fs.Bool("v", false, "log every request to stderr")
	if err := fs.Parse(args); err != nil {
		return err
	}
	conn, err := parseBytes(*connBW)
	if err != nil {
		return fmt.Errorf("-conn-bw: %w", err)
	}
	down, err := parseBytes(*downlink)
	if err != nil {
		return fmt.Errorf("-downlink: %w", err)
	}
	opts := fakex.Options{
		TLS: *useTLS, CDNHTTP1: *cdnHTTP1, APIAddr: *apiAddr, CDNAddr: *cdnAddr,
		Latency: *latency, ConnBandwidth: conn, Downlink: down,
	}
	for _, f := range strings.Split(*required, ",") {
		if f = strings.TrimSpace(f); f != "" {
			opts.RequiredFeatures = append(opts.RequiredFeatures, f)
		}
	}
	if *verbose {
		opts.Logger = log.New(stderr, "", log.LstdFlags|log.Lmicroseconds)
		opts.ErrorLog = opts.Logger
	}
	srv, err := fakex.New(opts)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := srv.Start(); err != nil {
		return err
	}
	defer srv.Close()
	out := ready{APIBase: srv.APIBase(), CDNBase: srv.CDNBase(), CertFile: srv.CertFile()}
	if *certOut != "" {
		if !*useTLS {
			return errors.New("-cert-out needs -tls")
		}
		if err := os.WriteFile(*certOut, srv.CertPEM(), 0o644); err != nil {
			return fmt.Errorf("write the certificate: %w", err)
		}
		out.CertFile = *certOut
	}
	out.AuthToken, out.CT0 = srv.Session()
	out.Spaces = []readySpace{}
	for _, sp := range fakex.DefaultSpaces() {
		srv.AddSpace(sp)
		out.Spaces = append(out.Spaces, readySpace{sp.ID, sp.Title, sp.State, sp.Replayable, "https://x.com/i/spaces/" + sp.ID})
	}
	line, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("encode the ready line: %w", err)
	}
	if _, err := fmt.Fprintf(stdout, "%s\n", line); err != nil {
		return fmt.Errorf("write the ready line: %w", err)
	}
	<-ctx.Done()
	return nil
}

// parseBytes reads a byte rate such as 500000, 500KB, 1MB, 1.5MiB or 2M
// (decimal K/M/G, binary Ki/Mi/Gi; a trailing "/s" is allowed).
func parseBytes(s string) (int64, error) {
	t := strings.TrimSuffix(strings.TrimSpace(s), "/s")
	num := strings.TrimRightFunc(t, func(r rune) bool { return r < '0' || r > '9' })
	// TrimRightFunc also strips a trailing "." of "1.": keep decimals whole.
	if i := len(num); i < len(t) && t[i] == '.' {
		rest := strings.TrimLeft(t[i+1:], "0123456789")
		num = t[:len(t)-len(rest)]
	}
	unit := strings.TrimSuffix(strings.ToUpper(strings.TrimSpace(t[len(num):])), "B")
	mult := map[string]float64{"": 1, "K": 1e3, "M": 1e6, "G": 1e9, "KI": 1 << 10, "MI": 1 << 20, "GI": 1 << 30}[unit]
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || mult == 0 || v < 0 {
		return 0, fmt.Errorf("%q is not a byte rate like 500KB or 1MB", s)
	}
	return int64(v * mult), nil
}
