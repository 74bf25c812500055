package installer

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/spacekeep/spacekeep/protocol"
)

// Manifest is a native-messaging host manifest. Chromium browsers read
// allowed_origins, Firefox reads allowed_extensions.
type Manifest struct {
	Name              string   `json:"name"`
	Description       string   `json:"description"`
	Path              string   `json:"path"`
	Type              string   `json:"type"`
	AllowedOrigins    []string `json:"allowed_origins,omitempty"`
	AllowedExtensions []string `json:"allowed_extensions,omitempty"`
}

// NewManifest returns the manifest for family pointing at the binary exe.
func NewManifest(family Family, exe string) Manifest {
	m := Manifest{
		Name:        protocol.HostName,
		Description: "spacekeep: downloads X Spaces",
		Path:        exe,
		Type:        "stdio",
	}
	if family == Firefox {
		m.AllowedExtensions = []string{protocol.GeckoID}
	} else {
		m.AllowedOrigins = []string{protocol.ChromeOrigin}
	}
	return m
}

// Encode returns the manifest as indented JSON.
func (m Manifest) Encode() ([]byte, error) {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	return append(b, '\n'), nil
}

// ParseManifest reads a manifest file's content.
func ParseManifest(data []byte) (Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("parse manifest: %w", err)
	}
	return m, nil
}

// Allows tells whether the manifest lets our extension of family start the host.
func (m Manifest) Allows(family Family) bool {
	if family == Firefox {
		return slices.Contains(m.AllowedExtensions, protocol.GeckoID)
	}
	return slices.Contains(m.AllowedOrigins, protocol.ChromeOrigin)
}
