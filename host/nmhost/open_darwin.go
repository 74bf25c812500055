//go:build darwin

package nmhost

import "os/exec"

func revealCommand(path string) []string { return []string{"open", "-R", path} }
func openCommand(path string) []string   { return []string{"open", path} }

func command(argv []string) *exec.Cmd { return exec.Command(argv[0], argv[1:]...) }
