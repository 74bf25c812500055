package browsercookies

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spacekeep/spacekeep/protocol"
)

// firefoxRoots are the folders that hold a Firefox-family browser's profiles.
func firefoxRoots(env Env, browser string) []string {
	home := env.home()
	switch env.goos() {
	case "windows":
		app := env.getenv("APPDATA")
		return map[string][]string{
			"firefox":   {filepath.Join(app, "Mozilla", "Firefox", "Profiles")},
			"librewolf": {filepath.Join(app, "librewolf", "Profiles")},
			"waterfox":  {filepath.Join(app, "Waterfox", "Profiles")},
		}[browser]
	case "darwin":
		sup := filepath.Join(home, "Library", "Application Support")
		return map[string][]string{
			"firefox":   {filepath.Join(sup, "Firefox", "Profiles")},
			"librewolf": {filepath.Join(sup, "librewolf", "Profiles")},
			"waterfox":  {filepath.Join(sup, "Waterfox", "Profiles")},
		}[browser]
	}
	return map[string][]string{
		"firefox": {filepath.Join(home, ".mozilla", "firefox"),
			filepath.Join(home, "snap", "firefox", "common", ".mozilla", "firefox"),
			filepath.Join(home, ".var", "app", "org.mozilla.firefox", ".mozilla", "firefox")},
		"librewolf": {filepath.Join(home, ".librewolf")},
		"waterfox":  {filepath.Join(home, ".waterfox")},
	}[browser]
}

// firefoxProfile finds the profile folder: a path as given, else the
// folder named profile (or "<random>.profile") under a root, else the
// profile whose cookies changed last.
func firefoxProfile(env Env, browser, profile string) (string, error) {
	if profile != "" && isPath(profile) {
		return profile, nil
	}
	roots := firefoxRoots(env, browser)
	var best string
	var bestTime int64
	for _, root := range roots {
		entries, err := os.ReadDir(root)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if !e.IsDir() {
				continue
			}
			dir := filepath.Join(root, e.Name())
			if profile != "" {
				if e.Name() == profile || strings.HasSuffix(e.Name(), "."+profile) {
					return dir, nil
				}
				continue
			}
			if fi, err := os.Stat(filepath.Join(dir, "cookies.sqlite")); err == nil && fi.ModTime().UnixNano() > bestTime {
				best, bestTime = dir, fi.ModTime().UnixNano()
			}
		}
	}
	if profile != "" {
		return "", fmt.Errorf("no %s profile named %q under %s", browser, profile, strings.Join(roots, ", "))
	}
	if best == "" {
		return "", fmt.Errorf("no %s profile with cookies under %s", browser, strings.Join(roots, ", "))
	}
	return best, nil
}

// firefox reads moz_cookies (values in clear), the default container's
// cookies before those of other containers.
func firefox(env Env, browser, profile string) (protocol.Cookies, error) {
	dir, err := firefoxProfile(env, browser, profile)
	if err != nil {
		return protocol.Cookies{}, err
	}
	db, done, err := openCopy(filepath.Join(dir, "cookies.sqlite"))
	if err != nil {
		return protocol.Cookies{}, err
	}
	defer done()
	rows, err := db.Query(`SELECT name, value, host FROM moz_cookies
		WHERE name IN ('auth_token','ct0') AND host IN ` + hostsSQL + `
		ORDER BY originAttributes != '', lastAccessed DESC`)
	if err != nil {
		return protocol.Cookies{}, fmt.Errorf("read the cookies of %s: %w", dir, err)
	}
	defer rows.Close()
	var got []cookie
	for rows.Next() {
		var c cookie
		if err := rows.Scan(&c.name, &c.value, &c.host); err != nil {
			return protocol.Cookies{}, fmt.Errorf("read the cookies of %s: %w", dir, err)
		}
		got = append(got, c)
	}
	if err := rows.Err(); err != nil {
		return protocol.Cookies{}, fmt.Errorf("read the cookies of %s: %w", dir, err)
	}
	return session(got, "the "+browser+" profile "+dir)
}
