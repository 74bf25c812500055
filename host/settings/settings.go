// Package settings keeps the host's stored defaults (output folder, format,
// file-name template, concurrency) in a small JSON file in the user's
// config folder. Download options left empty take these values.
package settings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spacekeep/spacekeep/host/naming"
	"github.com/spacekeep/spacekeep/protocol"
)

// Defaults that do not depend on the machine.
const (
	DefaultFormat       = "m4a"
	DefaultNameTemplate = naming.DefaultTemplate
	MaxConcurrency      = 64
	fileName            = "settings.json"
)

// Dir returns the folder settings live in: os.UserConfigDir()/spacekeep.
func Dir() (string, error) {
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the config folder: %w", err)
	}
	return filepath.Join(d, "spacekeep"), nil
}

// Defaults returns the settings of a fresh install for this user.
func Defaults() protocol.Settings {
	home, _ := os.UserHomeDir()
	return DefaultsFor(home, os.Getenv("XDG_CONFIG_HOME"))
}

// DefaultsFor returns the default settings for a user whose home is home
// (and whose $XDG_CONFIG_HOME is xdgConfig, possibly empty).
func DefaultsFor(home, xdgConfig string) protocol.Settings {
	return protocol.Settings{
		OutputDir:    downloadsDir(home, xdgConfig),
		Format:       DefaultFormat,
		NameTemplate: DefaultNameTemplate,
		Concurrency:  0, // auto
	}
}

// Load reads the settings stored in dir; missing fields and a missing file
// take the defaults. A damaged file is reported with the defaults returned,
// so that the host still works.
func Load(dir string) (protocol.Settings, error) {
	def := Defaults()
	tighten(dir, fileName)
	data, err := os.ReadFile(filepath.Join(dir, fileName))
	if errors.Is(err, fs.ErrNotExist) {
		return def, nil
	}
	if err != nil {
		return def, fmt.Errorf("read settings: %w", err)
	}
	s, err := Apply(def, data)
	if err != nil {
		return def, fmt.Errorf("settings file %s: %w", filepath.Join(dir, fileName), err)
	}
	return s, nil
}

// Save validates s and writes it to dir atomically (temporary file, rename).
func Save(dir string, s protocol.Settings) error {
	if err := Validate(s); err != nil {
		return err
	}
	return writeFile(dir, fileName, "settings", s)
}

// patch tells a field that is absent from one set to its zero value, so
// that {"concurrency": 0} can go back to auto.
type patch struct {
	OutputDir    *string `json:"output_dir"`
	Format       *string `json:"format"`
	NameTemplate *string `json:"name_template"`
	Concurrency  *int    `json:"concurrency"`
}

// Apply returns base changed by the fields present in the JSON object p
// (a settings.set payload). An empty string puts a field back to its
// default. The result is validated; errors have code bad_request.
func Apply(base protocol.Settings, p []byte) (protocol.Settings, error) {
	var pt patch
	if len(bytes.TrimSpace(p)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(p))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&pt); err != nil {
			return base, protocol.Errorf(protocol.CodeBadRequest, "settings: %w", err)
		}
	}
	def := Defaults()
	s := base
	set := func(dst *string, v *string, d string) {
		if v != nil {
			*dst = *v
			if *v == "" {
				*dst = d
			}
		}
	}
	set(&s.OutputDir, pt.OutputDir, def.OutputDir)
	set(&s.Format, pt.Format, def.Format)
	set(&s.NameTemplate, pt.NameTemplate, def.NameTemplate)
	if pt.Concurrency != nil {
		s.Concurrency = *pt.Concurrency
	}
	if err := Validate(s); err != nil {
		return base, err
	}
	return s, nil
}

// Validate checks s; the error has code bad_request and names the field.
func Validate(s protocol.Settings) error {
	switch {
	case s.Format != "m4a" && s.Format != "mp3":
		return protocol.Errorf(protocol.CodeBadRequest, "format must be m4a or mp3, not %q", s.Format)
	case !filepath.IsAbs(s.OutputDir):
		return protocol.Errorf(protocol.CodeBadRequest, "output folder must be an absolute path, not %q", s.OutputDir)
	case s.NameTemplate == "":
		return protocol.Errorf(protocol.CodeBadRequest, "name template must not be empty")
	case s.Concurrency < 0 || s.Concurrency > MaxConcurrency:
		return protocol.Errorf(protocol.CodeBadRequest, "concurrency must be 0 (auto) to %d, not %d", MaxConcurrency, s.Concurrency)
	}
	return naming.CheckTemplate(s.NameTemplate)
}

// Fill returns o with every empty field taken from s.
func Fill(o protocol.Options, s protocol.Settings) protocol.Options {
	if o.OutputDir == "" {
		o.OutputDir = s.OutputDir
	}
	if o.Format == "" {
		o.Format = s.Format
	}
	if o.NameTemplate == "" {
		o.NameTemplate = s.NameTemplate
	}
	if o.Concurrency == 0 {
		o.Concurrency = s.Concurrency
	}
	return o
}
