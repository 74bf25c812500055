package browsercookies

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"unsafe"

	"golang.org/x/sys/windows"
)

// decrypt handles Windows: v10 is AES-256-GCM with the key from Local
// State (itself sealed by DPAPI); v20 (Chrome 127 on) is sealed to Chrome
// itself and cannot be read by another program; no prefix is DPAPI alone.
func (d *decrypter) decrypt(enc []byte) ([]byte, error) {
	switch {
	case len(enc) > 3 && string(enc[:3]) == "v20":
		return nil, fmt.Errorf("%s seals its cookies to itself (app-bound encryption, v20): no other program can read them", d.browser)
	case len(enc) > 3 && (string(enc[:3]) == "v10" || string(enc[:3]) == "v11"):
		key, err := d.localStateKey()
		if err != nil {
			return nil, err
		}
		return decryptGCM(key, enc[3:])
	}
	return dpapi(enc)
}

func (d *decrypter) localStateKey() ([]byte, error) {
	if k, ok := d.keys["gcm"]; ok {
		return k[0], nil
	}
	b, err := os.ReadFile(filepath.Join(d.root, "Local State"))
	if err != nil {
		return nil, fmt.Errorf("read the browser's Local State: %w", err)
	}
	var st struct {
		OSCrypt struct {
			EncryptedKey string `json:"encrypted_key"`
		} `json:"os_crypt"`
	}
	if err := json.Unmarshal(b, &st); err != nil || st.OSCrypt.EncryptedKey == "" {
		return nil, errors.New("the browser's Local State holds no cookie key")
	}
	raw, err := base64.StdEncoding.DecodeString(st.OSCrypt.EncryptedKey)
	if err != nil || len(raw) < 5 || string(raw[:5]) != "DPAPI" {
		return nil, errors.New("the browser's cookie key is not sealed with DPAPI")
	}
	key, err := dpapi(raw[5:])
	if err != nil {
		return nil, err
	}
	if d.keys == nil {
		d.keys = map[string][][]byte{}
	}
	d.keys["gcm"] = [][]byte{key}
	return key, nil
}

// dpapi unseals data with the user's Windows credentials.
func dpapi(data []byte) ([]byte, error) {
	if len(data) == 0 {
		return nil, errors.New("nothing to unseal")
	}
	in := windows.DataBlob{Size: uint32(len(data)), Data: &data[0]}
	var out windows.DataBlob
	if err := windows.CryptUnprotectData(&in, nil, nil, 0, nil, 0, &out); err != nil {
		return nil, fmt.Errorf("Windows did not unseal the browser's key: %w", err)
	}
	defer windows.LocalFree(windows.Handle(unsafe.Pointer(out.Data)))
	return append([]byte(nil), unsafe.Slice(out.Data, out.Size)...), nil
}

// decryptGCM is the Windows scheme: AES-256-GCM, a 12-byte nonce first.
func decryptGCM(key, data []byte) ([]byte, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	g, err := cipher.NewGCM(b)
	if err != nil {
		return nil, err
	}
	if len(data) < g.NonceSize()+g.Overhead() {
		return nil, errors.New("too short")
	}
	return g.Open(nil, data[:g.NonceSize()], data[g.NonceSize():], nil)
}
