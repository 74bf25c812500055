package service

import "fmt"

// checkUID refuses a peer that is not the user the service runs as: the
// socket drives downloads with that user's files and x.com session.
func checkUID(peer, self int) error {
	if peer != self {
		return fmt.Errorf("refused a connection from uid %d: this service serves uid %d only", peer, self)
	}
	return nil
}
