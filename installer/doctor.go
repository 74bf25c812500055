package installer

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spacekeep/spacekeep/host/merge"
	"github.com/spacekeep/spacekeep/protocol"
)

// Report is the doctor's finding; the native host's doctor request answers
// the same JSON.
type Report = protocol.Doctor

// Doctor checks every browser's registration and ffmpeg, and says what to
// do about each problem. It changes nothing. ffmpeg is needed only for
// mp3 (an m4a is written without it), so its absence is not a problem.
func Doctor(ctx context.Context, e Env) Report {
	rep := Report{Version: e.Version, OS: e.GOOS, LogFile: e.LogFile, Browsers: []protocol.DoctorBrowser{}}
	if fi, err := os.Stat(e.BinaryPath()); err == nil && !fi.IsDir() {
		rep.Executable = e.BinaryPath()
	} else if e.GOOS == "linux" && isExecutable(e.systemPath(SystemBinary)) {
		rep.Executable = SystemBinary // from the .deb or .rpm
	}
	registered := 0
	for _, b := range Browsers {
		if _, ok := b.Places[e.GOOS]; !ok {
			continue
		}
		db := e.checkBrowser(b)
		if db.Registered {
			registered++
		}
		if db.Problem != "" {
			rep.Problems = append(rep.Problems, db.Name+": "+db.Problem)
		}
		rep.Browsers = append(rep.Browsers, db)
	}
	if registered == 0 {
		rep.Problems = append(rep.Problems, "No browser has the spacekeep host registered: run 'spacekeep install'.")
	}
	rep.FFmpeg = checkFFmpeg(ctx, e.FFmpeg)
	if rep.FFmpeg.Found && rep.FFmpeg.Problem != "" { // there, but broken: mp3 would fail
		rep.Problems = append(rep.Problems, "ffmpeg: "+rep.FFmpeg.Problem)
	}
	rep.OK = len(rep.Problems) == 0
	return rep
}

func (e Env) checkBrowser(b Browser) protocol.DoctorBrowser {
	db := protocol.DoctorBrowser{Name: b.Name, Family: string(b.Family), Found: e.Found(b), Manifest: e.ManifestPath(b)}
	if key := e.RegistryKey(b); key != "" {
		p, err := e.registry().Default(key)
		if err != nil {
			if db.Found {
				db.Problem = fmt.Sprintf(`not registered (no HKCU\%s): run 'spacekeep install'.`, key)
			}
			return db
		}
		db.Manifest = p
	}
	data, err := os.ReadFile(db.Manifest)
	if err != nil {
		if p, sysData := e.systemManifest(b); sysData != nil { // from the .deb or .rpm
			db.Manifest, data, err = p, sysData, nil
		}
	}
	if err != nil {
		if db.Found {
			db.Problem = "not registered: run 'spacekeep install'."
		}
		return db
	}
	db.Registered = true
	m, err := ParseManifest(data)
	if err != nil || m.Name != protocol.HostName {
		db.Problem = fmt.Sprintf("the manifest %s is damaged: run 'spacekeep install' again.", db.Manifest)
		return db
	}
	db.HostOK = isExecutable(m.Path) || (m.Path == SystemBinary && isExecutable(e.systemPath(SystemBinary)))
	db.AllowedOK = m.Allows(b.Family)
	switch {
	case !db.HostOK:
		db.Problem = fmt.Sprintf("the manifest points at %s, which is missing or not executable: run 'spacekeep install' again.", m.Path)
	case !db.AllowedOK:
		db.Problem = "the manifest does not allow the spacekeep extension: run 'spacekeep install' again."
	}
	return db
}

func checkFFmpeg(ctx context.Context, explicit string) protocol.DoctorFFmpeg {
	path, err := merge.FindFFmpeg(explicit)
	if err != nil {
		return protocol.DoctorFFmpeg{Problem: "not found: needed only for mp3 (m4a needs no ffmpeg). " + protocol.AsError(err).Message}
	}
	f := protocol.DoctorFFmpeg{Found: true, Path: path}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := merge.Version(ctx, path)
	if err != nil {
		f.Problem = fmt.Sprintf("%s does not run (%v): reinstall ffmpeg.", path, err)
		return f
	}
	f.Version = v
	return f
}

// systemPath is p under e.SystemRoot.
func (e Env) systemPath(p string) string {
	if e.SystemRoot == "" {
		return p
	}
	return e.SystemRoot + p
}

// systemManifest is the first system-wide manifest b reads (Linux, where the
// packages put them), with its content; "", nil when there is none.
func (e Env) systemManifest(b Browser) (string, []byte) {
	if e.GOOS != "linux" {
		return "", nil
	}
	for _, d := range SystemDirs {
		if d.Browser != b.Name {
			continue
		}
		p := d.Dir + "/" + ManifestName
		if data, err := os.ReadFile(e.systemPath(p)); err == nil {
			return p, data
		}
	}
	return "", nil
}
