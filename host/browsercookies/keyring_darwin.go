package browsercookies

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// safeStorage asks the login Keychain for "<Browser> Safe Storage"; macOS
// may ask the user to allow it.
func safeStorage(browser string) (string, error) {
	service := map[string]string{"chrome": "Chrome", "chromium": "Chromium", "brave": "Brave", "edge": "Microsoft Edge", "vivaldi": "Vivaldi", "opera": "Opera"}[browser]
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "security", "find-generic-password", "-w", "-s", service+" Safe Storage").Output()
	if err != nil {
		return "", fmt.Errorf("the Keychain did not give %q (allow spacekeep when macOS asks): %w", service+" Safe Storage", err)
	}
	return strings.TrimRight(string(out), "\n"), nil
}
