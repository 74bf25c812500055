//go:build !unix

package service

// checkSocketFile checks nothing: on Windows the socket lives in the
// user's own cache folder, whose access list keeps other users out.
func checkSocketFile(string) error { return nil }
