package xapi

import (
	_ "embed"
	"encoding/json"
)

// QueryIDs are the AudioSpaceById query ids seen in use, newest first. Old
// ones keep working for years; the next is tried when one answers 404/400.
var QueryIDs = []string{
	"rC2zlE1t7SHbVG8obPZliQ",
	"HPEisOmj1epUNLCWTYhUWw",
	"xVEzTKg_mLTHubK5ayL0HA",
	"kZ9wfR8EBtiP0As3sFFrBA",
	"SL4eyLXdr1zWZVpXRhxZ4Q",
}

// features2025 is the features set AudioSpaceById accepted in late 2025.
//
//go:embed features-2025.json
var features2025 []byte

// DefaultFeatures returns a fresh copy of the baked-in features set.
func DefaultFeatures() map[string]any {
	var f map[string]any
	if err := json.Unmarshal(features2025, &f); err != nil {
		panic("xapi: embedded features-2025.json is not JSON: " + err.Error())
	}
	return f
}
