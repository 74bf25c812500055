package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// member is one file of an archive.
type member struct {
	name string
	mode int64
	data []byte
}

// ArchiveName is the archive's file name for p (tar.gz, zip on Windows).
func ArchiveName(version string, p Platform) string {
	base := fmt.Sprintf("spacekeep_%s_%s_%s", version, p.OS, p.Arch)
	if p.OS == "windows" {
		return base + ".zip"
	}
	return base + ".tar.gz"
}

// writeArchive packs p's binary with the README, the licence and INSTALL
// under one top folder, in a fixed order with fixed times and owners.
func writeArchive(c config, p Platform, readme, license []byte) (string, error) {
	bin, err := os.ReadFile(filepath.Join(c.binDir, p.BinName()))
	if err != nil {
		return "", fmt.Errorf("read the binary: %w", err)
	}
	name := ArchiveName(c.version, p)
	top := fmt.Sprintf("spacekeep_%s_%s_%s/", c.version, p.OS, p.Arch)
	install := installText(p.OS, c.version)
	if p.OS == "windows" { // Notepad still likes CRLF
		install = bytes.ReplaceAll(install, []byte("\n"), []byte("\r\n"))
	}
	members := []member{
		{top + p.Exe(), 0o755, bin},
		{top + "INSTALL.txt", 0o644, install},
		{top + "LICENSE", 0o644, license},
		{top + "README.md", 0o644, readme},
	}
	var buf bytes.Buffer
	if p.OS == "windows" {
		err = writeZip(&buf, members, c)
	} else {
		err = writeTarGz(&buf, members, c)
	}
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(c.outDir, name), buf.Bytes(), 0o644); err != nil {
		return "", fmt.Errorf("write %s: %w", name, err)
	}
	return name, nil
}

func writeTarGz(w io.Writer, members []member, c config) error {
	gz, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	// The gzip header keeps no name and no time (both zero).
	tw := tar.NewWriter(gz)
	for _, m := range members {
		h := &tar.Header{
			Typeflag: tar.TypeReg, Name: m.name, Mode: m.mode, Size: int64(len(m.data)),
			ModTime: c.mtime, Uname: "root", Gname: "root", Format: tar.FormatUSTAR,
		}
		if err := tw.WriteHeader(h); err != nil {
			return fmt.Errorf("tar %s: %w", m.name, err)
		}
		if _, err := tw.Write(m.data); err != nil {
			return fmt.Errorf("tar %s: %w", m.name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func writeZip(w io.Writer, members []member, c config) error {
	zw := zip.NewWriter(w)
	for _, m := range members {
		h := &zip.FileHeader{Name: m.name, Method: zip.Deflate, Modified: c.mtime}
		h.SetMode(os.FileMode(m.mode))
		f, err := zw.CreateHeader(h)
		if err != nil {
			return fmt.Errorf("zip %s: %w", m.name, err)
		}
		if _, err := f.Write(m.data); err != nil {
			return fmt.Errorf("zip %s: %w", m.name, err)
		}
	}
	return zw.Close()
}
