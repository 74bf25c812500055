// Package hls fetches an HLS audio recording: it loads the media playlist
// (following a master playlist to its last variant, and waiting out the
// 404s a CDN answers right after a stream ends) and downloads the chunks
// concurrently into a cache folder, so that an interrupted download resumes
// without fetching again what is already on disk (a chunk counts only at
// the length it was served, recorded beside it). Its Transport spreads the
// requests over a pool of connections whatever the protocol: over HTTP/2 a
// plain client would multiplex them all over one. It knows nothing of X.
package hls
