//go:build !(linux || freebsd || openbsd || netbsd || dragonfly || darwin || windows)

package nmhost

import "os/exec"

func revealCommand(string) []string { return nil }
func openCommand(string) []string   { return nil }

func command(argv []string) *exec.Cmd { return exec.Command(argv[0], argv[1:]...) }
