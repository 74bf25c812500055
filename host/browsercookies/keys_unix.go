//go:build !windows

package browsercookies

import (
	"errors"
	"fmt"
)

// decrypt handles v10 (Linux: the fixed password "peanuts"; macOS: the
// Keychain's) and v11 (Linux: the password the Secret Service keeps).
func (d *decrypter) decrypt(enc []byte) ([]byte, error) {
	if len(enc) < 3 {
		return nil, errors.New("an encrypted cookie too short to read")
	}
	prefix, data := string(enc[:3]), enc[3:]
	keys, err := d.keysFor(prefix)
	for _, k := range keys {
		if plain, err := decryptCBC(k, data); err == nil {
			return plain, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("the %s cookies (%s) did not decrypt with the %s key", d.browser, prefix, keyring(d.env))
}

func (d *decrypter) keysFor(prefix string) ([][]byte, error) {
	if k, ok := d.keys[prefix]; ok {
		return k, nil
	}
	if d.keys == nil {
		d.keys = map[string][][]byte{}
	}
	var keys [][]byte
	switch {
	case d.env.goos() == "darwin" && prefix == "v10":
		pw, err := d.password()
		if err != nil {
			return nil, err
		}
		keys = [][]byte{cbcKey(pw, 1003)}
	case prefix == "v10":
		keys = [][]byte{cbcKey("peanuts", 1)}
	case prefix == "v11":
		pw, err := d.password()
		if err != nil {
			// Chromium falls back to an empty password when the keyring
			// is gone; try that before giving up.
			keys = [][]byte{cbcKey("", 1)}
			return keys, fmt.Errorf("the %s cookies are encrypted with a password the desktop keyring keeps (v11), and %w", d.browser, err)
		}
		keys = [][]byte{cbcKey(pw, 1), cbcKey("", 1)}
	default:
		return nil, fmt.Errorf("the %s cookies are encrypted in a way spacekeep does not know (%q)", d.browser, prefix)
	}
	d.keys[prefix] = keys
	return keys, nil
}

// password asks the platform's keyring for the browser's Safe Storage password.
func (d *decrypter) password() (string, error) {
	if d.env.Keyring != nil {
		return d.env.Keyring(d.browser)
	}
	return safeStorage(d.browser)
}

func keyring(env Env) string {
	if env.goos() == "darwin" {
		return "Keychain's"
	}
	return "Linux"
}
