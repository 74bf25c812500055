package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/spacekeep/spacekeep/installer"
	"github.com/spacekeep/spacekeep/protocol"
)

// repoRoot is the top of the repository, from this package's folder.
var repoRoot, _ = filepath.Abs(filepath.Join("..", "..", ".."))

// makeDist runs `make dist` into dir and returns dir.
func makeDist(t *testing.T, dir string) string {
	t.Helper()
	cmd := exec.Command("make", "--no-print-directory", "-C", repoRoot, "dist", "DIST="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make dist: %v\n%s", err, out)
	}
	return dir
}

func distVersion(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "extension", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ Version string }
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m.Version
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestDist builds the release twice from this commit (or once more beside
// the one $SPACEKEEP_TEST_DIST names, as CI passes the `make dist` it has
// just run) and checks what is inside.
func TestDist(t *testing.T) {
	first := os.Getenv("SPACEKEEP_TEST_DIST")
	if first == "" {
		first = makeDist(t, filepath.Join(t.TempDir(), "a"))
	}
	second := makeDist(t, filepath.Join(t.TempDir(), "b"))
	v := distVersion(t)
	names := listDir(t, first)

	t.Run("files", func(t *testing.T) {
		want := []string{"SHA256SUMS", DebName(v, "amd64"), DebName(v, "arm64"),
			"spacekeep-" + v + "-1.aarch64.rpm", "spacekeep-" + v + "-1.x86_64.rpm",
			"spacekeep-chrome.zip", "spacekeep-firefox.xpi"}
		for _, p := range Platforms {
			want = append(want, ArchiveName(v, p))
		}
		slices.Sort(want)
		if got := slices.Sorted(slices.Values(names)); !slices.Equal(got, want) {
			t.Fatalf("dist holds\n%v\nwant\n%v", got, want)
		}
	})

	t.Run("reproducible", func(t *testing.T) {
		if got := listDir(t, second); !slices.Equal(got, names) {
			t.Fatalf("second build holds %v, first %v", got, names)
		}
		for _, n := range names {
			a, _ := os.ReadFile(filepath.Join(first, n))
			b, _ := os.ReadFile(filepath.Join(second, n))
			if !bytes.Equal(a, b) {
				t.Errorf("%s differs between two builds of one commit", n)
			}
		}
	})

	t.Run("checksums", func(t *testing.T) {
		sums, err := os.ReadFile(filepath.Join(first, "SHA256SUMS"))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(sums)), "\n")
		if len(lines) != len(names)-1 {
			t.Fatalf("%d sums for %d files", len(lines), len(names)-1)
		}
		for _, l := range lines {
			sum, name, ok := strings.Cut(l, "  ")
			data, err := os.ReadFile(filepath.Join(first, name))
			h := sha256.Sum256(data)
			if !ok || err != nil || sum != hex.EncodeToString(h[:]) {
				t.Errorf("%q: does not verify (%v)", l, err)
			}
		}
		cmd := exec.Command("sha256sum", "-c", "--strict", "SHA256SUMS")
		cmd.Dir = first
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("sha256sum -c: %v\n%s", err, out)
		}
	})

	t.Run("archives", func(t *testing.T) {
		for _, p := range Platforms {
			members := readArchive(t, filepath.Join(first, ArchiveName(v, p)))
			top := fmt.Sprintf("spacekeep_%s_%s_%s/", v, p.OS, p.Arch)
			var got []string
			for n := range members {
				got = append(got, n)
			}
			slices.Sort(got)
			want := []string{top + "INSTALL.txt", top + "LICENSE", top + "README.md", top + p.Exe()}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s/%s: %v", p.OS, p.Arch, got)
				continue
			}
			if err := checkBinary(p, members[top+p.Exe()]); err != nil {
				t.Errorf("%s/%s: %v", p.OS, p.Arch, err)
			}
			if bytes.Contains(members[top+p.Exe()], []byte(repoRoot)) {
				t.Errorf("%s/%s: the binary holds the build folder %s", p.OS, p.Arch, repoRoot)
			}
			if !bytes.Contains(members[top+"INSTALL.txt"], []byte(p.Exe()+" install")) {
				t.Errorf("%s/%s: INSTALL.txt:\n%s", p.OS, p.Arch, members[top+"INSTALL.txt"])
			}
		}
	})

	t.Run("deb", func(t *testing.T) {
		for _, arch := range []string{"amd64", "arm64"} {
			deb := filepath.Join(first, DebName(v, arch))
			info, err := exec.Command("dpkg-deb", "--info", deb).CombinedOutput()
			if err != nil {
				t.Fatalf("dpkg-deb --info: %v\n%s", err, info)
			}
			for _, want := range []string{"Package: spacekeep\n", "Version: " + v + "-1\n", "Architecture: " + arch + "\n", "Maintainer: ", "Description: "} {
				if !strings.Contains(string(info), want) {
					t.Errorf("%s: control lacks %q:\n%s", arch, want, info)
				}
			}
			out, err := exec.Command("dpkg-deb", "--contents", deb).CombinedOutput()
			if err != nil {
				t.Fatalf("dpkg-deb --contents: %v\n%s", err, out)
			}
			files := debFiles(string(out))
			want := map[string]string{"/usr/bin/spacekeep": "-rwxr-xr-x", "/usr/share/doc/spacekeep/copyright": "-rw-r--r--"}
			for _, cf := range completionFiles {
				want[cf.deb] = "-rw-r--r--"
			}
			for _, d := range installer.SystemDirs {
				want[d.Dir+"/"+installer.ManifestName] = "-rw-r--r--"
			}
			for p, mode := range want {
				if files[p] != mode {
					t.Errorf("%s: %s is %q, want %q", arch, p, files[p], mode)
				}
			}
			// The manifests point at the packaged binary and allow our extension.
			ex := exec.Command("dpkg-deb", "--fsys-tarfile", deb)
			tarData, err := ex.Output()
			if err != nil {
				t.Fatal(err)
			}
			tr := tar.NewReader(bytes.NewReader(tarData))
			for {
				h, err := tr.Next()
				if err != nil {
					break
				}
				if !strings.HasSuffix(h.Name, "/"+protocol.HostName+".json") {
					continue
				}
				data, _ := io.ReadAll(tr)
				m, err := installer.ParseManifest(data)
				fam := installer.Chromium
				if strings.Contains(h.Name, "mozilla") {
					fam = installer.Firefox
				}
				if err != nil || m.Path != installer.SystemBinary || !m.Allows(fam) {
					t.Errorf("%s: %s: %+v %v", arch, h.Name, m, err)
				}
			}
		}
	})

	t.Run("extension", func(t *testing.T) {
		for name, wantKey := range map[string]bool{"spacekeep-chrome.zip": false, "spacekeep-firefox.xpi": false} {
			m := readArchive(t, filepath.Join(first, name))
			var man map[string]any
			if err := json.Unmarshal(m["manifest.json"], &man); err != nil {
				t.Fatalf("%s: manifest: %v", name, err)
			}
			if _, ok := man["key"]; ok != wantKey {
				t.Errorf("%s: key present %v", name, ok)
			}
			if _, ok := m["install.html"]; !ok {
				t.Errorf("%s lacks install.html", name)
			}
			bss, _ := man["browser_specific_settings"].(map[string]any)
			gecko, _ := bss["gecko"].(map[string]any)
			if isXPI := strings.HasSuffix(name, ".xpi"); isXPI != (gecko["id"] == protocol.GeckoID) {
				t.Errorf("%s: gecko.id %v", name, gecko["id"])
			}
		}
	})

	t.Run("install from the archive", func(t *testing.T) {
		installFromArchive(t, filepath.Join(first, ArchiveName(v, Platform{"linux", runtime.GOARCH})))
	})
}

// installFromArchive: a fresh home on a machine with Debian's chromium and
// firefox-esr installed but never started, no Go on PATH: the archive's
// binary registers both, and doctor is content.
func installFromArchive(t *testing.T, archive string) {
	dir := t.TempDir()
	if out, err := exec.Command("tar", "-xzf", archive, "-C", dir).CombinedOutput(); err != nil {
		t.Fatalf("tar: %v\n%s", err, out)
	}
	bins, _ := filepath.Glob(filepath.Join(dir, "*", "spacekeep"))
	if len(bins) != 1 {
		t.Fatalf("binaries in the archive: %v", bins)
	}
	home := t.TempDir()
	env := []string{"HOME=" + home, "PATH=/usr/local/bin:/usr/bin:/bin", "SPACEKEEP_NO_SERVICE=1"}
	run := func(args ...string) (string, int) {
		cmd := exec.Command(bins[0], args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), 0
	}
	out, code := run("install")
	if code != 0 {
		t.Fatalf("install: exit %d\n%s", code, out)
	}
	for _, p := range []string{".config/chromium/NativeMessagingHosts/com.spacekeep.host.json", ".mozilla/native-messaging-hosts/com.spacekeep.host.json"} {
		data, err := os.ReadFile(filepath.Join(home, p))
		if err != nil {
			t.Errorf("install did not register %s (is the browser installed? .ci/setup installs chromium and firefox-esr): %v\n%s", p, err, out)
			continue
		}
		if m, err := installer.ParseManifest(data); err != nil || m.Path != filepath.Join(home, ".local/share/spacekeep/bin/spacekeep") {
			t.Errorf("%s: %+v %v", p, m, err)
		}
	}
	out, code = run("doctor")
	if code != 0 || strings.Contains(out, ": not found\n") || !strings.Contains(out, "Chromium: ok") || !strings.Contains(out, "Firefox: ok") {
		t.Fatalf("doctor: exit %d\n%s", code, out)
	}
}

// readArchive returns every member of a .tar.gz or .zip by name.
func readArchive(t *testing.T, path string) map[string][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	if strings.HasSuffix(path, ".tar.gz") {
		gz, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		tr := tar.NewReader(gz)
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			b, _ := io.ReadAll(tr)
			out[h.Name] = b
		}
		return out
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		out[f.Name] = b
	}
	return out
}

// checkBinary says whether data is an executable of p's OS and architecture.
func checkBinary(p Platform, data []byte) error {
	r := bytes.NewReader(data)
	switch p.OS {
	case "linux":
		f, err := elf.NewFile(r)
		if err != nil {
			return fmt.Errorf("not ELF: %w", err)
		}
		want := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}[p.Arch]
		if f.Machine != want || f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
			return fmt.Errorf("ELF %v %v, want %v", f.Machine, f.Type, want)
		}
	case "darwin":
		f, err := macho.NewFile(r)
		if err != nil {
			return fmt.Errorf("not Mach-O: %w", err)
		}
		want := map[string]macho.Cpu{"amd64": macho.CpuAmd64, "arm64": macho.CpuArm64}[p.Arch]
		if f.Cpu != want || f.Type != macho.TypeExec {
			return fmt.Errorf("Mach-O %v %v, want %v", f.Cpu, f.Type, want)
		}
	case "windows":
		f, err := pe.NewFile(r)
		if err != nil {
			return fmt.Errorf("not PE: %w", err)
		}
		want := map[string]uint16{"amd64": pe.IMAGE_FILE_MACHINE_AMD64, "arm64": pe.IMAGE_FILE_MACHINE_ARM64}[p.Arch]
		if f.Machine != want || f.Characteristics&pe.IMAGE_FILE_EXECUTABLE_IMAGE == 0 {
			return fmt.Errorf("PE machine %#x, want %#x", f.Machine, want)
		}
	}
	return nil
}

// debFiles maps each path of `dpkg-deb --contents` to its mode string.
func debFiles(listing string) map[string]string {
	files := map[string]string{}
	for _, l := range strings.Split(listing, "\n") {
		f := strings.Fields(l)
		if len(f) < 6 {
			continue
		}
		files[strings.TrimPrefix(f[len(f)-1], ".")] = f[0]
	}
	return files
}
