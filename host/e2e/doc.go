// Package e2e tests the real spacekeep binary as a user runs it: built once,
// started as a process, pointed at the fake x.com over loopback, killed in
// the middle of a download, and checked by what it prints and writes.
package e2e
