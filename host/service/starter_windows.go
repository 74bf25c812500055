package service

import (
	"os/exec"
	"syscall"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

// UserStarter is the HKCU Run key: Windows' per-user start at logon.
func UserStarter(func(string) string) Starter { return RunKey{Values: hkcuRun{}} }

// hkcuRun is the real HKCU\...\Run key.
type hkcuRun struct{}

func (hkcuRun) Set(name, value string) error {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, RunKeyPath, registry.SET_VALUE)
	if err != nil {
		return err
	}
	defer k.Close()
	return k.SetStringValue(name, value)
}

func (hkcuRun) Get(name string) (string, error) {
	k, err := registry.OpenKey(registry.CURRENT_USER, RunKeyPath, registry.QUERY_VALUE)
	if err != nil {
		return "", err
	}
	defer k.Close()
	v, _, err := k.GetStringValue(name)
	return v, err
}

func (hkcuRun) Delete(name string) error {
	k, err := registry.OpenKey(registry.CURRENT_USER, RunKeyPath, registry.SET_VALUE)
	if err != nil {
		return err
	}
	defer k.Close()
	return k.DeleteValue(name)
}

// Launch starts `exe service run` now, detached from this console, as the
// Run key will at the next logon.
func Launch(exe string) error {
	cmd := exec.Command(exe, RunArgs...)
	cmd.SysProcAttr = &syscall.SysProcAttr{
		CreationFlags: windows.DETACHED_PROCESS | windows.CREATE_NEW_PROCESS_GROUP,
		HideWindow:    true,
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil
	if err := cmd.Start(); err != nil {
		return err
	}
	return cmd.Process.Release()
}
