package service

import (
	"context"
	"io"
	"net"
	"time"
)

// drainTimeout bounds the wait for the service's last frames once the
// browser has closed its side.
const drainTimeout = 2 * time.Second

// Relay copies frames both ways between the browser (in, out) and the
// service (conn): both sides speak the same framing, so bytes pass as they
// are and out carries only what the service wrote, which is frames. It
// returns when the service closes the connection, when in ends (after the
// service has finished the session, or drainTimeout), or when ctx is done.
// It closes conn.
func Relay(ctx context.Context, in io.Reader, out io.Writer, conn net.Conn) error {
	defer conn.Close()
	up := make(chan error, 1)   // browser → service
	down := make(chan error, 1) // service → browser
	go func() {
		_, err := io.Copy(conn, in)
		up <- err
	}()
	go func() {
		_, err := io.Copy(out, conn)
		down <- err
	}()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case err := <-down:
		return err
	case err := <-up:
		if err != nil {
			return err
		}
	}
	// The browser closed the port: tell the service (its session ends, the
	// jobs go on) and pass on what it still sends.
	cw, ok := conn.(interface{ CloseWrite() error })
	if !ok || cw.CloseWrite() != nil {
		return nil
	}
	t := time.NewTimer(drainTimeout)
	defer t.Stop()
	select {
	case err := <-down:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
