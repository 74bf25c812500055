package installer

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spacekeep/spacekeep/protocol"
)

// Options choose what Install and Uninstall touch.
type Options struct {
	// Browsers names browsers by id or name; named browsers are handled even
	// when their folder does not exist yet. Empty means every browser found.
	Browsers []string
	// ProfileDirs are Chromium --user-data-dir folders to register in.
	ProfileDirs []string
	// DryRun prints what would be done and does nothing.
	DryRun bool
}

// State is what Install wrote, kept in Env.StatePath so that Uninstall
// removes exactly that.
type State struct {
	Binary  string  `json:"binary"`
	Entries []Entry `json:"entries"`
}

// Entry is one registration: a manifest file and, on Windows, the HKCU key
// that points at it. On Windows several browsers share a manifest (one per
// family) and Chrome's channels share a key.
type Entry struct {
	Browser  string `json:"browser"`
	Manifest string `json:"manifest"`
	Registry string `json:"registry,omitempty"`
}

func (s *State) upsert(n Entry) {
	for i, e := range s.Entries {
		if e.Browser == n.Browser {
			s.Entries[i] = n
			return
		}
	}
	s.Entries = append(s.Entries, n)
}

// target is one manifest to write: for a browser or a profile folder.
type target struct {
	label    string // for people: the browser's name or "Profile DIR"
	family   Family
	manifest string
	regKey   string
}

// targets resolves opts to the manifests to write.
func (e Env) targets(opts Options, all bool) ([]target, error) {
	var list []Browser
	if len(opts.Browsers) > 0 {
		for _, arg := range opts.Browsers {
			for _, name := range strings.Split(arg, ",") {
				name = strings.TrimSpace(name)
				if name == "" {
					continue
				}
				b, ok := Find(name)
				if !ok {
					return nil, fmt.Errorf("unknown browser %q (known: %s)", name, knownIDs())
				}
				if !slices.ContainsFunc(list, func(x Browser) bool { return x.ID == b.ID }) {
					list = append(list, b)
				}
			}
		}
	} else if len(opts.ProfileDirs) == 0 {
		for _, b := range Browsers {
			if _, ok := b.Places[e.GOOS]; !ok {
				continue
			}
			if all || e.Found(b) {
				list = append(list, b)
			}
		}
	}
	var ts []target
	for _, b := range list {
		if _, ok := b.Places[e.GOOS]; !ok {
			return nil, fmt.Errorf("%s is not supported on %s", b.Name, e.GOOS)
		}
		ts = append(ts, target{label: b.Name, family: b.Family, manifest: e.ManifestPath(b), regKey: e.RegistryKey(b)})
	}
	for _, dir := range opts.ProfileDirs {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return nil, fmt.Errorf("profile folder %s: %w", dir, err)
		}
		ts = append(ts, target{label: "Profile " + abs, family: Chromium, manifest: e.ProfileManifestPath(abs)})
	}
	return ts, nil
}

func knownIDs() string {
	ids := make([]string, len(Browsers))
	for i, b := range Browsers {
		ids[i] = b.ID
	}
	return strings.Join(ids, ", ")
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// ErrNoBrowser is returned by Install when no browser was found nor named.
var ErrNoBrowser = errors.New("no browser found: name one with --browser, or start your browser once and run install again")

// Install copies the running binary to Env.BinaryPath and registers it with
// every target browser. Running it again is harmless and repairs manifests
// that point at a moved binary.
func Install(e Env, opts Options) (State, error) {
	ts, err := e.targets(opts, false)
	if err != nil {
		return State{}, err
	}
	bin := e.BinaryPath()
	st, _ := readState(e)
	st.Binary = bin
	if opts.DryRun {
		fmt.Fprintf(e.Out, "would copy %s to %s\n", e.Exe, bin)
	} else if err := copyBinary(e.Exe, bin); err != nil {
		return st, err
	} else {
		fmt.Fprintf(e.Out, "copied the host to %s\n", bin)
	}
	var errs []error
	for _, t := range ts {
		data, err := NewManifest(t.family, bin).Encode()
		if err != nil {
			return st, err
		}
		if opts.DryRun {
			fmt.Fprintf(e.Out, "%s: would write %s\n", t.label, t.manifest)
			if t.regKey != "" {
				fmt.Fprintf(e.Out, "%s: would set HKCU\\%s to it\n", t.label, t.regKey)
			}
			continue
		}
		if err := writeFileAtomic(t.manifest, data, 0o644); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", t.label, err))
			fmt.Fprintf(e.Out, "%s: FAILED: %v\n", t.label, err)
			continue
		}
		if t.regKey != "" {
			if err := e.registry().SetDefault(t.regKey, t.manifest); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", t.label, err))
				fmt.Fprintf(e.Out, "%s: FAILED: %v\n", t.label, err)
				continue
			}
		}
		st.upsert(Entry{Browser: t.label, Manifest: t.manifest, Registry: t.regKey})
		fmt.Fprintf(e.Out, "%s: wrote %s\n", t.label, t.manifest)
	}
	if !opts.DryRun {
		if err := writeState(e, st); err != nil {
			errs = append(errs, err)
		}
	}
	if len(ts) == 0 {
		errs = append(errs, ErrNoBrowser)
	}
	return st, errors.Join(errs...)
}

// Uninstall removes what Install wrote: the entries the state file lists
// (only those of the named browsers or profiles, if any were named). A
// manifest or key still used by a remaining entry stays. When no entry
// remains, the copied binary and the state file go too. Without a state file
// it removes our manifests from every place Install writes to.
func Uninstall(e Env, opts Options) error {
	st, err := readState(e)
	stateKnown := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	partial := len(opts.Browsers) > 0 || len(opts.ProfileDirs) > 0
	selected := st.Entries
	if partial || !stateKnown {
		ts, err := e.targets(opts, true)
		if err != nil {
			return err
		}
		selected = nil
		for _, t := range ts {
			selected = append(selected, Entry{Browser: t.label, Manifest: t.manifest, Registry: t.regKey})
		}
	}
	var remaining []Entry
	for _, en := range st.Entries {
		if !slices.ContainsFunc(selected, func(s Entry) bool { return s.Browser == en.Browser }) {
			remaining = append(remaining, en)
		}
	}
	var errs []error
	act := func(what string, do func() error) {
		if opts.DryRun {
			fmt.Fprintf(e.Out, "would remove %s\n", what)
			return
		}
		if err := do(); err != nil {
			errs = append(errs, err)
			fmt.Fprintf(e.Out, "could not remove %s: %v\n", what, err)
			return
		}
		fmt.Fprintf(e.Out, "removed %s\n", what)
	}
	var doneFiles, doneKeys []string
	for _, en := range selected {
		if m := en.Manifest; !slices.Contains(doneFiles, m) && ours(m) &&
			!slices.ContainsFunc(remaining, func(r Entry) bool { return r.Manifest == m }) {
			doneFiles = append(doneFiles, m)
			act(m, func() error { return os.Remove(m) })
		}
		if k := en.Registry; k != "" && !slices.Contains(doneKeys, k) &&
			!slices.ContainsFunc(remaining, func(r Entry) bool { return r.Registry == k }) {
			doneKeys = append(doneKeys, k)
			if _, err := e.registry().Default(k); err == nil {
				act(`HKCU\`+k, func() error { return e.registry().Delete(k) })
			}
		}
	}
	if len(remaining) > 0 {
		if !opts.DryRun {
			st.Entries = remaining
			errs = append(errs, writeState(e, st))
		}
		return errors.Join(errs...)
	}
	bin := e.BinaryPath()
	if stateKnown && st.Binary != "" {
		bin = st.Binary
	}
	if _, err := os.Stat(bin); err == nil {
		act(bin, func() error { return os.Remove(bin) })
	}
	if stateKnown {
		act(e.StatePath(), func() error { return os.Remove(e.StatePath()) })
	}
	return errors.Join(errs...)
}

// ours tells whether the file at p is a manifest of our host (so that a
// missing state never makes uninstall delete someone else's file).
func ours(p string) bool {
	data, err := os.ReadFile(p)
	if err != nil {
		return false
	}
	m, err := ParseManifest(data)
	return err == nil && m.Name == protocol.HostName
}

func readState(e Env) (State, error) {
	var st State
	data, err := os.ReadFile(e.StatePath())
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(data, &st); err != nil {
		return State{}, fmt.Errorf("read %s: %w", e.StatePath(), err)
	}
	return st, nil
}

func writeState(e Env, st State) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("encode install state: %w", err)
	}
	return writeFileAtomic(e.StatePath(), append(data, '\n'), 0o644)
}

// copyBinary copies src to dst through a temporary file and a rename, so
// that a browser starting the host never runs a half-copied binary.
func copyBinary(src, dst string) error {
	if same(src, dst) {
		return nil // running the installed copy: nothing to copy
	}
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("copy the host: %w", err)
	}
	defer in.Close()
	return writeAtomic(dst, 0o755, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}

func same(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

func writeFileAtomic(dst string, data []byte, mode os.FileMode) error {
	return writeAtomic(dst, mode, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

func writeAtomic(dst string, mode os.FileMode, fill func(io.Writer) error) error {
	dir := filepath.Dir(dst)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(dst)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", dst, err)
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	if err := fill(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", dst, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", dst, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", dst, err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return fmt.Errorf("write %s: %w", dst, err)
	}
	return nil
}
