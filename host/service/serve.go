package service

import (
	"context"
	"errors"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/spacekeep/spacekeep/host/job"
	"github.com/spacekeep/spacekeep/host/libserve"
	"github.com/spacekeep/spacekeep/host/nmhost"
)

// Serve accepts connections on ln until ctx is done. Each connection is one
// native-messaging session (nmhost.Serve) on the shared driver d; a
// session's end leaves the jobs running. When ctx is done Serve closes ln,
// closes d (running jobs are cancelled, their cache stays for resume, and
// the sessions still connected are told), ends the sessions and returns
// nil. It returns an error when ln fails for another reason, after the same
// cleanup.
func Serve(ctx context.Context, ln net.Listener, d job.Driver, opts nmhost.Options) error {
	opts.KeepJobs = true
	log := opts.Logger
	if opts.LibraryServer == nil && opts.Library != nil {
		// One HTTP server of the library for every session, started by
		// the first library.serve: the player's URLs survive a reconnect.
		od := &libserve.OnDemand{Open: opts.Library, Log: log}
		defer od.Close()
		opts.LibraryServer = od
	}
	sessCtx, endSessions := context.WithCancel(context.Background())
	defer endSessions()
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()

	var (
		wg  sync.WaitGroup
		err error
	)
	for {
		c, aerr := ln.Accept()
		if aerr != nil {
			if ctx.Err() != nil {
				break
			}
			if errors.Is(aerr, net.ErrClosed) {
				err = aerr
				break
			}
			log.Warn().Err(aerr).Msg("service: accept failed")
			time.Sleep(50 * time.Millisecond)
			continue
		}
		if perr := checkPeer(c); perr != nil {
			log.Warn().Err(perr).Msg("service: connection refused")
			c.Close()
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.Close()
			log.Info().Msg("service: session started")
			serr := nmhost.Serve(sessCtx, c, c, d, opts)
			switch {
			case errors.Is(serr, syscall.ECONNRESET) || errors.Is(serr, syscall.EPIPE):
				// A client that left at once: a status probe, a closed browser.
				log.Info().Err(serr).Msg("service: session ended (the client left)")
				return
			case serr != nil && !errors.Is(serr, context.Canceled):
				log.Warn().Err(serr).Msg("service: session ended with an error")
				return
			}
			log.Info().Msg("service: session ended")
		}()
	}
	ln.Close()
	// Close the driver while the sessions are still there to forward the
	// cancellations, then end them.
	d.Close()
	endSessions()
	wg.Wait()
	log.Info().Msg("service: stopped")
	return err
}
