package service

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	kservice "github.com/kardianos/service"

	"github.com/spacekeep/spacekeep/host/job"
)

// A process of another user reaches the socket (its folder and mode opened
// on purpose) and is refused by the SO_PEERCRED check; the same client as
// our own user is greeted.
func TestOtherUserIsRefused(t *testing.T) {
	if os.Getuid() != 0 {
		t.Fatal("this test needs root (as CI runs) to run a client as another uid")
	}
	dir, err := os.MkdirTemp("", "spacekeep-peer")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	client := filepath.Join(dir, "client")
	b, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(client, b, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, SocketName)
	ln, err := Listen(path)
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	os.Chmod(path, 0o666)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, job.NewManager(job.Config{CacheDir: t.TempDir()}), quietOpts(t)) }()
	defer func() { cancel(); <-done }()

	run := func(cred *syscall.Credential) string {
		cmd := exec.Command(client)
		cmd.Env = append(os.Environ(), peerClientEnv+"="+path)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("client: %v\n%s", err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if got := run(nil); got != "hello" {
		t.Fatalf("our own user: %q, want hello", got)
	}
	if got := run(&syscall.Credential{Uid: 65534, Gid: 65534}); got != "refused" {
		t.Fatalf("uid 65534: %q, want refused", got)
	}
}

// kardianos renders our unit with its own engine: install it for real into
// a temporary home, with a systemctl that only records its arguments.
func TestSystemdUserUnit(t *testing.T) {
	var sys kservice.System
	for _, s := range kservice.AvailableSystems() {
		if s.String() == "linux-systemd" {
			sys = s
		}
	}
	if sys == nil {
		t.Fatal("kardianos has no linux-systemd system")
	}
	home, bin := t.TempDir(), t.TempDir()
	t.Setenv("HOME", home)
	calls := filepath.Join(bin, "calls")
	if err := os.WriteFile(filepath.Join(bin, "systemctl"), []byte("#!/bin/sh\necho \"$@\" >> "+calls+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	exe := "/opt/space keep/spacekeep"
	s, err := sys.New(program{}, Config(exe, nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Install(); err != nil {
		t.Fatalf("install: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(home, ".config", "systemd", "user", "spacekeep.service"))
	if err != nil {
		t.Fatal(err)
	}
	unit := string(b)
	for _, want := range []string{
		"\nExecStart=/opt/space\\x20keep/spacekeep service run\n",
		"\nWantedBy=default.target\n",
		"\nRestart=on-failure\n",
		"Description=spacekeep",
	} {
		if !strings.Contains(unit, want) {
			t.Errorf("the unit lacks %q:\n%s", want, unit)
		}
	}
	for _, bad := range []string{"multi-user.target", "User=", "{{"} {
		if strings.Contains(unit, bad) {
			t.Errorf("the unit has %q:\n%s", bad, unit)
		}
	}
	got, _ := os.ReadFile(calls)
	if !strings.Contains(string(got), "enable --user spacekeep.service") {
		t.Errorf("systemctl calls: %q", got)
	}
	if err := s.Uninstall(); err != nil {
		t.Fatalf("uninstall: %v", err)
	}
}

type program struct{}

func (program) Start(kservice.Service) error { return nil }
func (program) Stop(kservice.Service) error  { return nil }
