// Package browsercookies reads the x.com session (auth_token and ct0) from
// a browser's own cookie store, as yt-dlp's --cookies-from-browser does:
// Firefox's cookies.sqlite (every OS) and the Chromium family's Cookies
// database (decrypted with the key the platform keeps: a fixed one or the
// Secret Service on Linux, the Keychain on macOS, DPAPI on Windows). It
// reads a copy of the store, since the browser may hold it locked, and
// returns only the two cookies, never logging them.
package browsercookies

import (
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	_ "modernc.org/sqlite" // the database/sql driver "sqlite"

	"github.com/spacekeep/spacekeep/protocol"
)

// Env is where to look: the environment (HOME, APPDATA, LOCALAPPDATA) and
// the OS; empty fields mean this process's.
type Env struct {
	Getenv func(string) string
	GOOS   string
	// Keyring answers a Chromium browser's "Safe Storage" password where
	// the platform keeps one (Secret Service, Keychain); nil means the
	// platform's own (see keyring_*.go).
	Keyring func(browser string) (string, error)
}

func (e Env) getenv(k string) string {
	if e.Getenv == nil {
		return os.Getenv(k)
	}
	return e.Getenv(k)
}

func (e Env) goos() string {
	if e.GOOS == "" {
		return runtime.GOOS
	}
	return e.GOOS
}

func (e Env) home() string {
	if h := e.getenv("HOME"); h != "" {
		return h
	}
	if h := e.getenv("USERPROFILE"); h != "" {
		return h
	}
	h, _ := os.UserHomeDir()
	return h
}

// Browsers are the names --cookies-from-browser takes.
var Browsers = []string{"firefox", "chrome", "chromium", "brave", "edge", "vivaldi", "opera"}

// Load reads the x.com session from spec, BROWSER[:PROFILE]: PROFILE is a
// profile's name ("default-release", "Profile 1") or its folder's path;
// without it the profile used last (Firefox) or "Default" (Chromium).
func Load(spec string, env Env) (protocol.Cookies, error) {
	browser, profile, _ := strings.Cut(spec, ":")
	browser = strings.ToLower(strings.TrimSpace(browser))
	if len(profile) == 1 && env.goos() == "windows" && strings.HasPrefix(spec[len(browser)+1:], profile+`:\`) {
		profile = spec[len(browser)+1:] // firefox:C:\… is a path, not a profile "C"
	}
	var (
		c   protocol.Cookies
		err error
	)
	switch browser {
	case "firefox", "librewolf", "waterfox":
		c, err = firefox(env, browser, profile)
	case "chrome", "chromium", "brave", "edge", "vivaldi", "opera":
		c, err = chromium(env, browser, profile)
	default:
		return c, fmt.Errorf("--cookies-from-browser: unknown browser %q (use one of %s)", browser, strings.Join(Browsers, ", "))
	}
	if err != nil {
		return c, fmt.Errorf("cannot take the x.com session from %s: %w. The spacekeep extension uses the browser's session directly; or export cookies.txt for --cookies", browser, err)
	}
	return c, nil
}

// session picks auth_token and ct0 from rows (name, value, host), x.com's
// before twitter.com's, and says what is missing.
func session(rows []cookie, where string) (protocol.Cookies, error) {
	sort.SliceStable(rows, func(i, j int) bool { return rank(rows[i].host) < rank(rows[j].host) })
	var c protocol.Cookies
	for _, r := range rows {
		switch {
		case r.name == "auth_token" && c.AuthToken == "":
			c.AuthToken = r.value
		case r.name == "ct0" && c.CT0 == "":
			c.CT0 = r.value
		}
	}
	if c.AuthToken == "" || c.CT0 == "" {
		return protocol.Cookies{}, fmt.Errorf("no x.com session in %s: log in to x.com in that browser profile (then close the browser, so it writes its cookies to disk) and try again", where)
	}
	return c, nil
}

func rank(host string) int {
	switch strings.TrimPrefix(host, ".") {
	case "x.com":
		return 0
	case "twitter.com":
		return 1
	}
	return 2
}

type cookie struct {
	name, value, host string
	enc               []byte
}

// hosts are the cookie hosts that carry the session.
const hostsSQL = `('.x.com','x.com','.twitter.com','twitter.com')`

// openCopy copies a SQLite database (and its -wal, which holds what the
// browser has not checkpointed yet) into a temporary folder and opens it
// read-only; the browser may hold the original locked.
func openCopy(path string) (*sql.DB, func(), error) {
	dir, err := os.MkdirTemp("", "spacekeep-cookies-")
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	dst := filepath.Join(dir, "cookies.db")
	if err := copyFile(path, dst); err != nil {
		cleanup()
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil, fmt.Errorf("no cookie store at %s", path)
		}
		return nil, nil, fmt.Errorf("read %s (close the browser if it keeps the file locked): %w", path, err)
	}
	if err := copyFile(path+"-wal", dst+"-wal"); err != nil && !errors.Is(err, os.ErrNotExist) {
		cleanup()
		return nil, nil, fmt.Errorf("read %s-wal: %w", path, err)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(dst)+"?_pragma=busy_timeout(2000)")
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return db, func() { db.Close(); cleanup() }, nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// isPath tells a profile given as a folder from one given by name.
func isPath(profile string) bool {
	return strings.ContainsAny(profile, `/\`) || profile == "." || profile == ".."
}
