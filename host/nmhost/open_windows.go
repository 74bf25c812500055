//go:build windows

package nmhost

import (
	"os/exec"
	"strings"
	"syscall"
)

// explorer wants "/select,<path>" as one argument with the path quoted its
// own way, so the command line is built by hand.
func revealCommand(path string) []string { return []string{"explorer", `/select,"` + path + `"`} }

// rundll32's FileProtocolHandler opens a file with its default application
// without a console window (unlike cmd /c start).
func openCommand(path string) []string {
	return []string{"rundll32", "url.dll,FileProtocolHandler", path}
}

func command(argv []string) *exec.Cmd {
	cmd := exec.Command(argv[0])
	cmd.SysProcAttr = &syscall.SysProcAttr{CmdLine: strings.Join(quoteAll(argv), " ")}
	return cmd
}

// quoteAll quotes arguments with spaces that are not quoted already.
func quoteAll(argv []string) []string {
	out := make([]string, len(argv))
	for i, a := range argv {
		if strings.ContainsAny(a, " \t") && !strings.Contains(a, `"`) {
			a = `"` + a + `"`
		}
		out[i] = a
	}
	return out
}
