package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/goreleaser/nfpm/v2"
	_ "github.com/goreleaser/nfpm/v2/deb" // registers the deb packager
	"github.com/goreleaser/nfpm/v2/files"
	_ "github.com/goreleaser/nfpm/v2/rpm" // registers the rpm packager

	"github.com/spacekeep/spacekeep/installer"
	"github.com/spacekeep/spacekeep/protocol"
)

// completionFiles are where each shell looks for a package's completions,
// by packager where they differ.
var completionFiles = []struct{ shell, deb, rpm string }{
	{"bash", "/usr/share/bash-completion/completions/spacekeep", "/usr/share/bash-completion/completions/spacekeep"},
	{"zsh", "/usr/share/zsh/vendor-completions/_spacekeep", "/usr/share/zsh/site-functions/_spacekeep"},
	{"fish", "/usr/share/fish/vendor_completions.d/spacekeep.fish", "/usr/share/fish/vendor_completions.d/spacekeep.fish"},
}

// writePackages writes the .deb and the .rpm for linux/arch.
func writePackages(c config, arch string, readme, license []byte) ([]string, error) {
	tmp, err := os.MkdirTemp("", "mkdist-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	put := func(name string, data []byte) (string, error) {
		p := filepath.Join(tmp, name)
		return p, os.WriteFile(p, data, 0o644)
	}
	var contents files.Contents
	add := func(src, dst string, mode os.FileMode) {
		contents = append(contents, &files.Content{Source: src, Destination: dst,
			FileInfo: &files.ContentFileInfo{Owner: "root", Group: "root", Mode: mode, MTime: c.mtime}})
	}
	add(filepath.Join(c.binDir, Platform{"linux", arch}.BinName()), installer.SystemBinary, 0o755)
	for _, fam := range []installer.Family{installer.Chromium, installer.Firefox} {
		data, err := installer.NewManifest(fam, installer.SystemBinary).Encode()
		if err != nil {
			return nil, err
		}
		src, err := put(string(fam)+".json", data)
		if err != nil {
			return nil, err
		}
		for _, d := range installer.SystemDirs {
			if d.Family == fam {
				add(src, d.Dir+"/"+protocol.HostName+".json", 0o644)
			}
		}
	}
	for name, data := range map[string][]byte{"README.md": readme, "copyright": license} {
		src, err := put(name, data)
		if err != nil {
			return nil, err
		}
		add(src, "/usr/share/doc/spacekeep/"+name, 0o644)
	}
	var byPackager map[string]files.Contents
	if c.completions {
		byPackager, err = completions(c, tmp)
		if err != nil {
			return nil, err
		}
	}
	preinst, err := put("preinst", preinstScript(contents))
	if err != nil {
		return nil, err
	}
	postrm, err := put("postrm", []byte(postrmScript))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, format := range []string{"deb", "rpm"} {
		info := &nfpm.Info{
			Name:        "spacekeep",
			Arch:        arch,
			Platform:    "linux",
			Version:     c.version,
			Release:     "1",
			Section:     "net",
			Priority:    "optional",
			Maintainer:  "The spacekeep authors <spacekeep@users.noreply.github.com>",
			Description: "Keeps X (Twitter) Spaces\nThe companion program of the spacekeep browser extension: it downloads\nX Spaces into tagged m4a files. Registered for every browser on install.",
			Vendor:      "spacekeep",
			License:     "MIT",
			MTime:       c.mtime,
			Overridables: nfpm.Overridables{
				Contents:   append(append(files.Contents{}, contents...), byPackager[format]...),
				Recommends: []string{"ffmpeg"},
				Scripts:    nfpm.Scripts{PreInstall: preinst, PostRemove: postrm},
				RPM:        nfpm.RPM{BuildHost: "spacekeep", Group: "Applications/Internet", Summary: "Keeps X (Twitter) Spaces"},
			},
		}
		info = nfpm.WithDefaults(info)
		if err := nfpm.PrepareForPackager(info, format); err != nil {
			return nil, fmt.Errorf("%s: %w", format, err)
		}
		pkger, err := nfpm.Get(format)
		if err != nil {
			return nil, err
		}
		name := pkger.ConventionalFileName(info)
		if format == "deb" { // the name the install page gives: no Debian revision
			name = DebName(c.version, arch)
		}
		var buf bytes.Buffer
		if err := pkger.Package(info, &buf); err != nil {
			return nil, fmt.Errorf("%s: %w", format, err)
		}
		if err := os.WriteFile(filepath.Join(c.outDir, name), buf.Bytes(), 0o644); err != nil {
			return nil, fmt.Errorf("write %s: %w", name, err)
		}
		names = append(names, name)
	}
	return names, nil
}

// completions runs the binary built for this machine with `completion
// <shell>` and returns the files per packager.
func completions(c config, tmp string) (map[string]files.Contents, error) {
	bin := filepath.Join(c.binDir, Platform{runtime.GOOS, runtime.GOARCH}.BinName())
	out := map[string]files.Contents{}
	for _, cf := range completionFiles {
		cmd := exec.Command(bin, "completion", cf.shell)
		cmd.Stderr = os.Stderr
		data, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("%s completion %s: %w", bin, cf.shell, err)
		}
		src := filepath.Join(tmp, "completion."+cf.shell)
		if err := os.WriteFile(src, data, 0o644); err != nil {
			return nil, err
		}
		fi := func() *files.ContentFileInfo {
			return &files.ContentFileInfo{Owner: "root", Group: "root", Mode: 0o644, MTime: c.mtime}
		}
		out["deb"] = append(out["deb"], &files.Content{Source: src, Destination: cf.deb, FileInfo: fi()})
		out["rpm"] = append(out["rpm"], &files.Content{Source: src, Destination: cf.rpm, FileInfo: fi()})
	}
	return out, nil
}

// DebName is the .deb's file name, as the extension's install page says it
// (extension/lib/install.js).
func DebName(version, arch string) string { return "spacekeep_" + version + "_" + arch + ".deb" }

// stateBefore is where preinst notes which of the package's folders were
// there before it.
const stateBefore = "/var/lib/spacekeep-package/dirs-before"

// preinstScript notes, on a first install (deb "install", rpm 1), which
// folders of the package exist already: dpkg and rpm remove every empty
// folder a package holds when it goes, /etc/opt included, though that one
// was there before (no package owns it on Debian).
func preinstScript(contents files.Contents) []byte {
	seen := map[string]bool{}
	var dirs []string
	for _, c := range contents {
		for d := path.Dir(c.Destination); d != "/" && !seen[d]; d = path.Dir(d) {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	slices.Sort(dirs)
	return []byte(`#!/bin/sh
set -e
case "$1" in install|1)
  mkdir -p ` + path.Dir(stateBefore) + `
  : > ` + stateBefore + `
  for d in ` + strings.Join(dirs, " ") + `; do
    if [ -d "$d" ]; then echo "$d" >> ` + stateBefore + `; fi
  done ;;
esac
exit 0
`)
}

// postrmScript puts back, on removal (deb "remove"/"purge", rpm 0), the
// folders that were there before the package and that the removal took.
const postrmScript = `#!/bin/sh
set -e
f=` + stateBefore + `
case "$1" in remove|purge|0)
  if [ -f "$f" ]; then
    while read -r d; do [ -d "$d" ] || mkdir -p "$d"; done < "$f"
    rm -f "$f"
    rmdir "$(dirname "$f")" 2>/dev/null || true
  fi ;;
esac
exit 0
`
