package browsercookies

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/spacekeep/spacekeep/protocol"
)

// userDataDir is where a Chromium-family browser keeps its profiles.
func userDataDir(env Env, browser string) string {
	home := env.home()
	switch env.goos() {
	case "windows":
		local := env.getenv("LOCALAPPDATA")
		return map[string]string{
			"chrome":   filepath.Join(local, "Google", "Chrome", "User Data"),
			"chromium": filepath.Join(local, "Chromium", "User Data"),
			"brave":    filepath.Join(local, "BraveSoftware", "Brave-Browser", "User Data"),
			"edge":     filepath.Join(local, "Microsoft", "Edge", "User Data"),
			"vivaldi":  filepath.Join(local, "Vivaldi", "User Data"),
			"opera":    filepath.Join(env.getenv("APPDATA"), "Opera Software", "Opera Stable"),
		}[browser]
	case "darwin":
		sup := filepath.Join(home, "Library", "Application Support")
		return map[string]string{
			"chrome":   filepath.Join(sup, "Google", "Chrome"),
			"chromium": filepath.Join(sup, "Chromium"),
			"brave":    filepath.Join(sup, "BraveSoftware", "Brave-Browser"),
			"edge":     filepath.Join(sup, "Microsoft Edge"),
			"vivaldi":  filepath.Join(sup, "Vivaldi"),
			"opera":    filepath.Join(sup, "com.operasoftware.Opera"),
		}[browser]
	}
	config := env.getenv("XDG_CONFIG_HOME")
	if config == "" {
		config = filepath.Join(home, ".config")
	}
	return map[string]string{
		"chrome":   filepath.Join(config, "google-chrome"),
		"chromium": filepath.Join(config, "chromium"),
		"brave":    filepath.Join(config, "BraveSoftware", "Brave-Browser"),
		"edge":     filepath.Join(config, "microsoft-edge"),
		"vivaldi":  filepath.Join(config, "vivaldi"),
		"opera":    filepath.Join(config, "opera"),
	}[browser]
}

// chromiumCookies finds the Cookies database: PROFILE as a path may be a
// user-data-dir or a profile folder; by name, a folder of the browser's
// user-data-dir ("Default", "Profile 1").
func chromiumCookies(env Env, browser, profile string) (file, root string, err error) {
	var candidates []string
	switch {
	case profile != "" && isPath(profile):
		for _, p := range []string{profile, filepath.Join(profile, "Default")} {
			candidates = append(candidates, filepath.Join(p, "Network", "Cookies"), filepath.Join(p, "Cookies"))
		}
		root = profile
	default:
		if profile == "" {
			profile = "Default"
		}
		root = userDataDir(env, browser)
		p := filepath.Join(root, profile)
		candidates = []string{filepath.Join(p, "Network", "Cookies"), filepath.Join(p, "Cookies")}
	}
	for _, c := range candidates {
		if fi, err := os.Stat(c); err == nil && fi.Mode().IsRegular() {
			if filepath.Base(filepath.Dir(c)) == "Network" {
				root = filepath.Dir(filepath.Dir(filepath.Dir(c)))
			} else {
				root = filepath.Dir(filepath.Dir(c))
			}
			return c, root, nil
		}
	}
	return "", "", fmt.Errorf("no %s cookie store at %s", browser, candidates[0])
}

// chromium reads the cookies table and decrypts the two values.
func chromium(env Env, browser, profile string) (protocol.Cookies, error) {
	file, root, err := chromiumCookies(env, browser, profile)
	if err != nil {
		return protocol.Cookies{}, err
	}
	db, done, err := openCopy(file)
	if err != nil {
		return protocol.Cookies{}, err
	}
	defer done()
	version := 0
	var v string
	if db.QueryRow(`SELECT value FROM meta WHERE key = 'version'`).Scan(&v) == nil {
		version, _ = strconv.Atoi(v)
	}
	rows, err := db.Query(`SELECT name, value, encrypted_value, host_key FROM cookies
		WHERE name IN ('auth_token','ct0') AND host_key IN ` + hostsSQL + ` ORDER BY last_access_utc DESC`)
	if err != nil {
		return protocol.Cookies{}, fmt.Errorf("read %s: %w", file, err)
	}
	defer rows.Close()
	var got []cookie
	for rows.Next() {
		var c cookie
		if err := rows.Scan(&c.name, &c.value, &c.enc, &c.host); err != nil {
			return protocol.Cookies{}, fmt.Errorf("read %s: %w", file, err)
		}
		got = append(got, c)
	}
	if err := rows.Err(); err != nil {
		return protocol.Cookies{}, fmt.Errorf("read %s: %w", file, err)
	}
	dec := &decrypter{env: env, browser: browser, root: root}
	for i := range got {
		c := &got[i]
		if c.value != "" || len(c.enc) == 0 {
			continue
		}
		plain, err := dec.decrypt(c.enc)
		if err != nil {
			return protocol.Cookies{}, err
		}
		if version >= 24 { // since then the value follows SHA-256(host_key)
			sum := sha256.Sum256([]byte(c.host))
			if len(plain) < 32 || !bytes.Equal(plain[:32], sum[:]) {
				return protocol.Cookies{}, errors.New("a cookie did not decrypt to its host's value: the browser's key has changed")
			}
			plain = plain[32:]
		}
		c.value = string(plain)
	}
	return session(got, "the "+browser+" profile "+filepath.Dir(file))
}

// decrypter turns encrypted_value into the value, finding the platform's
// key once.
type decrypter struct {
	env     Env
	browser string
	root    string // the user-data-dir (Windows keeps the key in its Local State)
	keys    map[string][][]byte
}

// cbcKey is the AES-128 key Chromium derives from a password on Linux and macOS.
func cbcKey(password string, iterations int) []byte {
	k, _ := pbkdf2.Key(sha1.New, password, []byte("saltysalt"), iterations, 16)
	return k
}

// decryptCBC is Chromium's v10/v11 scheme on Linux and macOS: AES-128-CBC,
// an IV of 16 spaces, PKCS#7 padding.
func decryptCBC(key, data []byte) ([]byte, error) {
	if len(data) == 0 || len(data)%aes.BlockSize != 0 {
		return nil, errors.New("not a whole number of blocks")
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(data))
	cipher.NewCBCDecrypter(b, bytes.Repeat([]byte{' '}, aes.BlockSize)).CryptBlocks(out, data)
	pad := int(out[len(out)-1])
	if pad < 1 || pad > aes.BlockSize || pad > len(out) {
		return nil, errors.New("bad padding")
	}
	for _, p := range out[len(out)-pad:] {
		if int(p) != pad {
			return nil, errors.New("bad padding")
		}
	}
	return out[:len(out)-pad], nil
}
