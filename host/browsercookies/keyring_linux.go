package browsercookies

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// safeStorage asks the Secret Service (GNOME Keyring, KeePassXC…) through
// libsecret's secret-tool for the password Chromium stored there.
func safeStorage(browser string) (string, error) {
	tool, err := exec.LookPath("secret-tool")
	if err != nil {
		return "", errors.New("secret-tool (libsecret-tools) is not installed, so the Secret Service cannot be asked for it")
	}
	app := map[string]string{"chrome": "chrome", "chromium": "chromium", "brave": "brave", "edge": "microsoft-edge", "vivaldi": "vivaldi", "opera": "opera"}[browser]
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, args := range [][]string{
		{"lookup", "xdg:schema", "chrome_libsecret_os_crypt_password_v2", "application", app},
		{"lookup", "xdg:schema", "chrome_libsecret_os_crypt_password_v1", "application", app},
		{"lookup", "application", app},
	} {
		var out, errb bytes.Buffer
		cmd := exec.CommandContext(ctx, tool, args...)
		cmd.Stdout, cmd.Stderr = &out, &errb
		if cmd.Run() == nil && out.Len() > 0 {
			return strings.TrimRight(out.String(), "\n"), nil
		}
		if msg := strings.TrimSpace(errb.String()); msg != "" && ctx.Err() == nil && strings.Contains(msg, "org.freedesktop.secrets") {
			return "", fmt.Errorf("no Secret Service answers (%s)", msg)
		}
	}
	return "", errors.New("the Secret Service holds no password for it (KDE's KWallet is not read)")
}
