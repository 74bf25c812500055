// Package service is spacekeep's optional background service: a long-running
// per-user process that owns the download jobs, so that closing the browser
// stops nothing. It serves the native-messaging protocol over a unix socket,
// one nmhost session per connection on one shared job driver; the native
// host the browser starts then only relays frames to it (as keepassxc-proxy
// relays to KeePassXC). kardianos/service installs it as a systemd user unit
// or a launchd agent.
package service

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// EnvSocket overrides the socket's path.
const EnvSocket = "SPACEKEEP_SOCKET"

// EnvNoService set to 1 makes the native host ignore a running service.
const EnvNoService = "SPACEKEEP_NO_SERVICE"

// SocketName is the socket file's name in its folder.
const SocketName = "spacekeep.sock"

// DialTimeout bounds the native host's attempt to reach the service: a
// missing service must not delay the browser's hello.
const DialTimeout = 100 * time.Millisecond

// SocketFrom returns the per-user socket path, reading the environment
// through getenv (the command line's): $SPACEKEEP_SOCKET if set, else
// $XDG_RUNTIME_DIR/spacekeep.sock on Linux when set, else
// <user cache folder>/spacekeep/spacekeep.sock.
func SocketFrom(getenv func(string) string) (string, error) {
	if p := getenv(EnvSocket); p != "" {
		return filepath.Abs(p)
	}
	if runtime.GOOS == "linux" {
		if d := getenv("XDG_RUNTIME_DIR"); d != "" && filepath.IsAbs(d) {
			return filepath.Join(d, SocketName), nil
		}
	}
	return defaultCacheSocket()
}

func defaultCacheSocket() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no folder for the service's socket: set %s (%w)", EnvSocket, err)
	}
	return filepath.Join(d, "spacekeep", SocketName), nil
}

// ErrRunning is returned by Listen when a service already answers on the socket.
var ErrRunning = errors.New("a spacekeep service is already running")

// Listen creates the socket at path: its folder is created with mode 0700
// when missing (the default cache folder is made private even if it
// existed), a stale socket left by a crash is removed, and the socket is
// made 0600. It refuses with ErrRunning when a service answers there.
func Listen(path string) (net.Listener, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("socket folder: %w", err)
	}
	if def, err := defaultCacheSocket(); err == nil && def == path {
		if err := os.Chmod(dir, 0o700); err != nil {
			return nil, fmt.Errorf("socket folder: %w", err)
		}
	}
	if fi, err := os.Lstat(path); err == nil {
		if c, err := Dial(path); err == nil {
			c.Close()
			return nil, fmt.Errorf("%w (socket %s)", ErrRunning, path)
		}
		if fi.Mode().Type()&os.ModeSocket == 0 && runtime.GOOS != "windows" {
			return nil, fmt.Errorf("%s exists and is not a socket: remove it or set %s", path, EnvSocket)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("remove the stale socket: %w", err)
		}
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o600); err != nil && runtime.GOOS != "windows" {
		ln.Close()
		return nil, fmt.Errorf("socket mode: %w", err)
	}
	return ln, nil
}

// Dial connects to the service at path, waiting at most DialTimeout.
func Dial(path string) (net.Conn, error) {
	return net.DialTimeout("unix", path, DialTimeout)
}

// DialChecked connects to the service at path for the native host, and
// only if it is ours: the socket file owned by this user with no access for
// others, and its listener running as this user (the kernel's peer
// credentials). The extension's frames carry the x.com session, so any
// doubt is a refusal, which says why; the caller then runs the session
// itself.
func DialChecked(path string) (net.Conn, error) {
	if _, err := os.Lstat(path); err != nil {
		return nil, err // no service there
	}
	if err := checkSocketFile(path); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotOurs, err)
	}
	c, err := Dial(path)
	if err != nil {
		return nil, err
	}
	if err := checkListener(c); err != nil {
		c.Close()
		return nil, fmt.Errorf("%w: the socket %s: %w", ErrNotOurs, path, err)
	}
	return c, nil
}

// ErrNotOurs is wrapped by DialChecked's refusals (as opposed to no
// service listening).
var ErrNotOurs = errors.New("refused the service's socket")
