package service

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeRun is an in-memory registry key.
type fakeRun map[string]string

func (f fakeRun) Set(name, value string) error { f[name] = value; return nil }
func (f fakeRun) Get(name string) (string, error) {
	v, ok := f[name]
	if !ok {
		return "", errors.New("not found")
	}
	return v, nil
}
func (f fakeRun) Delete(name string) error { delete(f, name); return nil }

func TestRunKey(t *testing.T) {
	key := fakeRun{"OtherApp": `C:\other.exe`}
	var st Starter = RunKey{Values: key}
	if st.Installed() {
		t.Fatal("installed before install")
	}
	if err := st.Uninstall(); err != nil {
		t.Fatalf("uninstall of nothing: %v", err)
	}
	exe := `C:\Users\A B\AppData\Local\spacekeep\spacekeep.exe`
	if err := st.Install(exe); err != nil {
		t.Fatal(err)
	}
	if got, want := key["spacekeep"], `"`+exe+`" service run`; got != want {
		t.Fatalf("value %q, want %q", got, want)
	}
	if !st.Installed() || !strings.Contains(st.Kind(), `HKCU\Software\Microsoft\Windows\CurrentVersion\Run`) {
		t.Fatalf("installed %v, kind %q", st.Installed(), st.Kind())
	}
	if err := st.Uninstall(); err != nil {
		t.Fatal(err)
	}
	if _, ok := key["spacekeep"]; ok || key["OtherApp"] == "" || st.Installed() {
		t.Fatalf("after uninstall: %v", key)
	}
}

func TestXDGAutostart(t *testing.T) {
	dir := t.TempDir()
	st := XDGAutostart{ConfigDir: dir}
	exe := "/home/a b/.local/share/spacekeep/bin/spacekeep"
	if err := st.Install(exe); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "autostart", "spacekeep.desktop"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"[Desktop Entry]\n", "\nType=Application\n", "\nExec=\"" + exe + "\" service run\n", "\nNoDisplay=true\n"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("entry lacks %q:\n%s", want, data)
		}
	}
	if !st.Installed() {
		t.Fatal("not installed")
	}
	if err := st.Uninstall(); err != nil || st.Installed() {
		t.Fatalf("uninstall: %v, installed %v", err, st.Installed())
	}
	if err := st.Uninstall(); err != nil {
		t.Fatalf("second uninstall: %v", err)
	}
}

func TestUserStarter(t *testing.T) {
	env := map[string]string{"HOME": "/home/u", "XDG_CONFIG_HOME": "/cfg"}
	st := UserStarter(func(k string) string { return env[k] })
	switch x := st.(type) {
	case XDGAutostart:
		if x.Path() != filepath.Join("/cfg", "autostart", "spacekeep.desktop") {
			t.Fatal(x.Path())
		}
	case RunKey: // Windows
	default:
		t.Fatalf("%T", st)
	}
}

func TestStartupCommand(t *testing.T) {
	if got := StartupCommand("/opt/it's here/spacekeep"); got != `'/opt/it'\''s here/spacekeep' service run >/dev/null 2>&1 &` {
		t.Fatal(got)
	}
	if got := StartupCommand("/usr/bin/spacekeep"); got != "/usr/bin/spacekeep service run >/dev/null 2>&1 &" {
		t.Fatal(got)
	}
}
