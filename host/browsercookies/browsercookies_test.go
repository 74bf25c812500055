package browsercookies

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func getenv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// encryptV10 seals a value as Chromium does on Linux (meta version 24).
func encryptV10(t *testing.T, password, host, value string) []byte {
	t.Helper()
	sum := sha256.Sum256([]byte(host))
	plain := append(sum[:], value...)
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	plain = append(plain, bytes.Repeat([]byte{byte(pad)}, pad)...)
	b, _ := aes.NewCipher(cbcKey(password, 1))
	out := make([]byte, len(plain))
	cipher.NewCBCEncrypter(b, bytes.Repeat([]byte{' '}, 16)).CryptBlocks(out, plain)
	return append([]byte("v10"), out...)
}

func mustExec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatal(err)
	}
}

func TestChromiumV10(t *testing.T) {
	home := t.TempDir()
	prof := filepath.Join(home, ".config", "chromium", "Default")
	os.MkdirAll(prof, 0o700)
	db, err := sql.Open("sqlite", filepath.Join(prof, "Cookies"))
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, db, `CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)`)
	mustExec(t, db, `INSERT INTO meta VALUES('version','24')`)
	mustExec(t, db, `CREATE TABLE cookies(host_key TEXT, name TEXT, value TEXT, encrypted_value BLOB, last_access_utc INTEGER)`)
	mustExec(t, db, `INSERT INTO cookies VALUES('.x.com','auth_token','',?,2)`, encryptV10(t, "peanuts", ".x.com", "secret-auth"))
	mustExec(t, db, `INSERT INTO cookies VALUES('.x.com','ct0','',?,2)`, encryptV10(t, "peanuts", ".x.com", "secret-ct0"))
	mustExec(t, db, `INSERT INTO cookies VALUES('.twitter.com','auth_token','',?,3)`, encryptV10(t, "peanuts", ".twitter.com", "old-auth"))
	mustExec(t, db, `INSERT INTO cookies VALUES('.example.com','auth_token','plain-other',x'',4)`)
	db.Close()
	env := Env{Getenv: getenv(map[string]string{"HOME": home}), GOOS: "linux"}
	for _, spec := range []string{"chromium", "chromium:Default", "Chromium:" + filepath.Join(home, ".config", "chromium")} {
		c, err := Load(spec, env)
		if err != nil || c.AuthToken != "secret-auth" || c.CT0 != "secret-ct0" {
			t.Errorf("%s: %+v %v", spec, c, err)
		}
	}
	// v11: the password the keyring keeps.
	db, _ = sql.Open("sqlite", filepath.Join(prof, "Cookies"))
	mustExec(t, db, `UPDATE cookies SET encrypted_value = ? WHERE name = 'auth_token' AND host_key = '.x.com'`, v11(encryptV10(t, "from-keyring", ".x.com", "secret-auth")))
	mustExec(t, db, `UPDATE cookies SET encrypted_value = ? WHERE name = 'ct0'`, v11(encryptV10(t, "from-keyring", ".x.com", "secret-ct0")))
	db.Close()
	withKeyring := env
	withKeyring.Keyring = func(browser string) (string, error) {
		if browser != "chromium" {
			t.Errorf("keyring asked for %q", browser)
		}
		return "from-keyring", nil
	}
	if c, err := Load("chromium", withKeyring); err != nil || c.AuthToken != "secret-auth" || c.CT0 != "secret-ct0" {
		t.Errorf("v11: %+v %v", c, err)
	}
	// v11 with no keyring to ask: the error says why, and names no secret.
	env.Keyring = func(string) (string, error) { return "", os.ErrNotExist }
	db, _ = sql.Open("sqlite", filepath.Join(prof, "Cookies"))
	mustExec(t, db, `UPDATE cookies SET encrypted_value = 'v11' || substr(encrypted_value, 4)`)
	db.Close()
	_, err = Load("chromium", env)
	if err == nil || !strings.Contains(err.Error(), "keyring") || !strings.Contains(err.Error(), "extension") || strings.Contains(err.Error(), "secret-") {
		t.Errorf("v11 without a keyring: %v", err)
	}
}

func TestFirefox(t *testing.T) {
	home := t.TempDir()
	root := filepath.Join(home, ".mozilla", "firefox")
	for _, p := range []string{"abc.default", "xyz.work"} {
		os.MkdirAll(filepath.Join(root, p), 0o700)
		db, _ := sql.Open("sqlite", filepath.Join(root, p, "cookies.sqlite"))
		mustExec(t, db, `CREATE TABLE moz_cookies(name TEXT, value TEXT, host TEXT, originAttributes TEXT, lastAccessed INTEGER)`)
		mustExec(t, db, `INSERT INTO moz_cookies VALUES('auth_token',?,'.x.com','',1)`, "auth-"+p)
		mustExec(t, db, `INSERT INTO moz_cookies VALUES('ct0',?,'.x.com','',1)`, "ct0-"+p)
		mustExec(t, db, `INSERT INTO moz_cookies VALUES('auth_token','container','.x.com','^userContextId=1',9)`)
		db.Close()
	}
	env := Env{Getenv: getenv(map[string]string{"HOME": home}), GOOS: "linux"}
	c, err := Load("firefox:work", env)
	if err != nil || c.AuthToken != "auth-xyz.work" || c.CT0 != "ct0-xyz.work" {
		t.Errorf("firefox:work: %+v %v", c, err)
	}
	if _, err := Load("firefox:nope", env); err == nil || !strings.Contains(err.Error(), `no firefox profile named "nope"`) {
		t.Errorf("unknown profile: %v", err)
	}
	if _, err := Load("netscape", env); err == nil || !strings.Contains(err.Error(), "unknown browser") {
		t.Errorf("unknown browser: %v", err)
	}
	// Logged out: say so, and how to log in.
	db, _ := sql.Open("sqlite", filepath.Join(root, "abc.default", "cookies.sqlite"))
	mustExec(t, db, `DELETE FROM moz_cookies WHERE name = 'ct0'`)
	db.Close()
	if _, err := Load("firefox:"+filepath.Join(root, "abc.default"), env); err == nil || !strings.Contains(err.Error(), "log in to x.com") {
		t.Errorf("logged out: %v", err)
	}
}

func v11(v10 []byte) []byte { return append([]byte("v11"), v10[3:]...) }
