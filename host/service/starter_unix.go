//go:build !windows

package service

import (
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// UserStarter is the XDG autostart entry in $XDG_CONFIG_HOME (or
// ~/.config), the fallback where no systemd user manager runs.
func UserStarter(getenv func(string) string) Starter {
	dir := getenv("XDG_CONFIG_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		dir = filepath.Join(getenv("HOME"), ".config")
	}
	return XDGAutostart{ConfigDir: dir}
}

// Launch starts `exe service run` now in a session of its own, so that it
// outlives this terminal, as the autostart entry will at the next login.
func Launch(exe string) error {
	cmd := exec.Command(exe, RunArgs...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return err
	}
	defer devnull.Close()
	cmd.Stdin, cmd.Stdout, cmd.Stderr = devnull, nil, nil
	if err := cmd.Start(); err != nil {
		return err
	}
	return cmd.Process.Release()
}
