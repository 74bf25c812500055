package libserve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/spacekeep/spacekeep/host/library"
)

// DefaultAddr is where the server listens unless told: loopback, a port
// the system picks.
const DefaultAddr = "127.0.0.1:0"

// Listen opens the server's socket on addr ("" means DefaultAddr). Without
// lan the address must be a loopback one; with lan a loopback or empty
// host becomes every interface, so that a phone on the same network can
// reach it (with the token).
func Listen(addr string, lan bool) (net.Listener, error) {
	if addr == "" {
		addr = DefaultAddr
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("--addr %q: %w", addr, err)
	}
	loop := host == "localhost"
	if ip := net.ParseIP(host); ip != nil {
		loop = ip.IsLoopback()
	}
	switch {
	case lan && (loop || host == ""):
		host = ""
	case !lan && host == "":
		host = "127.0.0.1"
	case !lan && !loop:
		return nil, fmt.Errorf("--addr %s is not a loopback address: add --lan to serve the library to your network", addr)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		return nil, fmt.Errorf("serve the library: %w", err)
	}
	return ln, nil
}

// URLs are the addresses under which ln serves token: the loopback one
// first, then (for a socket on every interface) one per LAN address.
func URLs(ln net.Listener, token string) []string {
	ta, ok := ln.Addr().(*net.TCPAddr)
	if !ok {
		return nil
	}
	port := strconv.Itoa(ta.Port)
	at := func(ip string) string { return "http://" + net.JoinHostPort(ip, port) + "/" + token + "/" }
	if !ta.IP.IsUnspecified() {
		return []string{at(ta.IP.String())}
	}
	out := []string{at("127.0.0.1")}
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil && !n.IP.IsLinkLocalUnicast() {
			out = append(out, at(n.IP.String()))
		}
	}
	return out
}

// Serve serves h on ln until ctx is done, then shuts down (open streams
// get a few seconds to end).
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		// No write timeout: a podcast app may stream an hour of audio.
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		if srv.Shutdown(sctx) != nil {
			srv.Close()
		}
	}()
	err := srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		<-done
		return nil
	}
	return err
}

// keptFile holds the kept token (--keep-token) in the settings folder.
const keptFile = "library-serve.json"

// Kept is what --keep-token keeps: the token, and the port last served
// on, so that a podcast app's feed URL survives restarts.
type Kept struct {
	Token string `json:"token"`
	Port  int    `json:"port,omitempty"`
}

// LoadKept returns the kept token in dir, making and saving a new one when
// there is none (or it is damaged).
func LoadKept(dir string) (Kept, error) {
	var k Kept
	if data, err := os.ReadFile(filepath.Join(dir, keptFile)); err == nil && json.Unmarshal(data, &k) == nil && ValidToken(k.Token) {
		return k, nil
	}
	t, err := NewToken()
	if err != nil {
		return k, err
	}
	k = Kept{Token: t}
	return k, SaveKept(dir, k)
}

// SaveKept writes k to dir, readable by this user only: the token is the key.
func SaveKept(dir string, k Kept) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("keep the token: %w", err)
	}
	data, err := json.MarshalIndent(k, "", "  ")
	if err != nil {
		return fmt.Errorf("keep the token: %w", err)
	}
	tmp, err := os.CreateTemp(dir, keptFile+".*") // 0600
	if err != nil {
		return fmt.Errorf("keep the token: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("keep the token: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("keep the token: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, keptFile)); err != nil {
		return fmt.Errorf("keep the token: %w", err)
	}
	return nil
}

// OnDemand starts a loopback server of the library the first time its
// address is asked for (the library.serve request), with a fresh token,
// and keeps it until Close.
type OnDemand struct {
	// Open opens the library the server reads; it stays open until Close.
	Open func(ctx context.Context) (*library.Library, error)
	Log  zerolog.Logger

	mu     sync.Mutex
	base   string
	lib    *library.Library
	cancel context.CancelFunc
	done   chan struct{}
}

// BaseURL returns the running server's root URL (token included),
// starting the server first if needed.
func (o *OnDemand) BaseURL(ctx context.Context) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.base != "" {
		return o.base, nil
	}
	if o.Open == nil {
		return "", errors.New("serve the library: no library")
	}
	lib, err := o.Open(ctx)
	if err != nil {
		return "", fmt.Errorf("serve the library: %w", err)
	}
	token, err := NewToken()
	if err != nil {
		lib.Close()
		return "", err
	}
	srv, err := New(lib, token, o.Log)
	if err != nil {
		lib.Close()
		return "", err
	}
	ln, err := Listen(DefaultAddr, false)
	if err != nil {
		lib.Close()
		return "", err
	}
	sctx, cancel := context.WithCancel(context.Background())
	o.done = make(chan struct{})
	go func(done chan struct{}) {
		defer close(done)
		if err := Serve(sctx, ln, srv); err != nil {
			o.Log.Warn().Err(err).Msg("library server stopped")
		}
	}(o.done)
	o.lib, o.cancel, o.base = lib, cancel, URLs(ln, token)[0]
	o.Log.Info().Str("addr", ln.Addr().String()).Msg("serving the library on loopback") // never the token
	return o.base, nil
}

// Close stops the server, if it was started, and closes its library.
func (o *OnDemand) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.cancel == nil {
		return nil
	}
	o.cancel()
	<-o.done
	o.cancel, o.base = nil, ""
	return o.lib.Close()
}

// RunOptions are `spacekeep library serve`'s flags.
type RunOptions struct {
	Addr string // "" means DefaultAddr
	LAN  bool   // listen on every interface, not loopback only
	// KeepDir, when set, is where the kept token lives (--keep-token): the
	// same token, and the same port when free, at every start.
	KeepDir string
	Log     zerolog.Logger
}

// Run serves lib until ctx is done, after telling out where.
func Run(ctx context.Context, lib *library.Library, o RunOptions, out io.Writer) error {
	token, err := NewToken()
	if err != nil {
		return err
	}
	var kept Kept
	addr := o.Addr
	if addr == "" {
		addr = DefaultAddr
	}
	if o.KeepDir != "" {
		if kept, err = LoadKept(o.KeepDir); err != nil {
			return err
		}
		token = kept.Token
	}
	srv, err := New(lib, token, o.Log)
	if err != nil {
		return err
	}
	var ln net.Listener
	if host, port, perr := net.SplitHostPort(addr); perr == nil && port == "0" && kept.Port > 0 {
		// The feed's URL holds the port: take the last one again if free.
		ln, _ = Listen(net.JoinHostPort(host, strconv.Itoa(kept.Port)), o.LAN)
	}
	if ln == nil {
		if ln, err = Listen(addr, o.LAN); err != nil {
			return err
		}
	}
	if o.KeepDir != "" {
		kept.Port = ln.Addr().(*net.TCPAddr).Port
		if err := SaveKept(o.KeepDir, kept); err != nil {
			ln.Close()
			return err
		}
	}
	urls := URLs(ln, token)
	fmt.Fprintf(out, "Library: %s\nPodcast feed: %sfeed.xml\n", urls[0], urls[0])
	if o.LAN {
		fmt.Fprintln(out, "Also serving your local network (--lan): any device on it that has the address can listen.")
		for _, u := range urls[1:] {
			fmt.Fprintf(out, "On your network: %sfeed.xml\n", u)
		}
	}
	fmt.Fprintln(out, "The address is the key: keep it private. Ctrl-C stops.")
	return Serve(ctx, ln, srv)
}
