package main

import (
	"fmt"
	"strings"
)

// installText is the INSTALL.txt of an archive for goos.
func installText(goos, version string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "spacekeep %s: installing\n\n", version)
	switch goos {
	case "linux":
		b.WriteString(`On Debian and Ubuntu, the .deb package is easier (it registers spacekeep with
every browser for every user):

    sudo apt install ./spacekeep_` + version + `_amd64.deb     (or _arm64.deb)

Fedora, openSUSE: sudo dnf install ./spacekeep-` + version + `-1.x86_64.rpm

From this archive, as your own user (no root needed):

    ./spacekeep install

copies the program to ~/.local/share/spacekeep/bin/ and registers it with every
browser on this computer, even one that has never been started.
`)
	case "darwin":
		b.WriteString(`In Terminal, in this folder:

    xattr -d com.apple.quarantine spacekeep 2>/dev/null   # downloaded files are quarantined
    ./spacekeep install

copies the program to ~/Library/Application Support/spacekeep/bin/ and
registers it with every browser on this Mac, even one that has never been
started.
`)
	case "windows":
		b.WriteString(`Unzip this folder, then in it: Shift + right-click > "Open PowerShell window here",
and run

    .\spacekeep.exe install

It copies the program to %LOCALAPPDATA%\spacekeep\ and registers it with every
browser of your user (no administrator needed).
`)
	}
	b.WriteString(`
Then install the spacekeep extension in your browser (Chrome Web Store or
Firefox Add-ons), restart the browser, open a Space on x.com and click the
spacekeep button.

    spacekeep doctor      checks the set-up and says what to fix
    spacekeep uninstall   removes exactly what install wrote
    spacekeep --help      the command line (spacekeep download <Space URL>)
`)
	return []byte(b.String())
}
