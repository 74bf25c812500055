// Package protocol is the contract between the spacekeep extension and the
// spacekeep host: native-messaging framing, the message envelope, the job
// events and the stable error codes. PROTOCOL.md documents it for people;
// testdata/ holds example messages that the Go and the extension tests both
// check against.
package protocol
