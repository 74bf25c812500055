package hls

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/spacekeep/spacekeep/protocol"
)

// lengthsName is the cache folder's record of every chunk's length as
// served. Chunk names never start with a dot (safeName), so it cannot
// collide with one.
const lengthsName = ".lengths"

// cacheIndex knows which chunks in a cache folder are complete. A chunk is
// written under a temporary name and renamed, then its served length is
// appended here; on resume a chunk is trusted only if its file has exactly
// that length. The fetch that stored a chunk records it at once, so that a
// cancel cannot fall between the two. A file cut short after the rename (a
// kill or power loss before the data reached the disk) or one without a
// record (the process died between the rename and the record) is fetched
// again: its ADTS frames alone cannot tell, since a cut may fall on a frame
// boundary.
type cacheIndex struct {
	dir     string
	mu      sync.Mutex // the fetches record concurrently
	lengths map[string]int64
	f       *os.File
}

func openCache(dir string) (*cacheIndex, error) {
	c := &cacheIndex{dir: dir, lengths: readLengths(dir)}
	p := filepath.Join(dir, lengthsName)
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, protocol.DiskError("open the cache's chunk list", err)
	}
	c.f = f
	return c, nil
}

// readLengths reads the record of a cache folder; none is an empty one.
func readLengths(dir string) map[string]int64 {
	lengths := map[string]int64{}
	f, err := os.Open(filepath.Join(dir, lengthsName))
	if err != nil {
		return lengths
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// "<length> <name>"; a torn last line from a crash is skipped.
		n, name, ok := strings.Cut(sc.Text(), " ")
		v, err := strconv.ParseInt(n, 10, 64)
		if ok && err == nil && v > 0 && name != "" {
			lengths[name] = v
		}
	}
	return lengths
}

// complete reports whether chunk name is on disk in dir at its recorded length.
func complete(dir, name string, want int64) bool {
	fi, err := os.Stat(filepath.Join(dir, name))
	return err == nil && fi.Mode().IsRegular() && fi.Size() == want
}

// have returns the length of chunk name if it is on disk and complete.
func (c *cacheIndex) have(name string) (int64, bool) {
	c.mu.Lock()
	want, ok := c.lengths[name]
	c.mu.Unlock()
	if !ok || !complete(c.dir, name, want) {
		return 0, false
	}
	return want, true
}

// Stored reports, for each chunk name, whether a download into the cache
// folder dir (Options.Dir) left it on disk and complete, by the same record
// a resume trusts. A download cancelled between storing a chunk and handing
// in its index (Options.OnChunk) leaves chunks only this can tell of: a
// stopped live recording keeps them. Call it once the download has
// returned; a chunk still being written may be missed.
func Stored(dir string, names []string) []bool {
	lengths := readLengths(dir)
	ok := make([]bool, len(names))
	for i, name := range names {
		if want, known := lengths[name]; known {
			ok[i] = complete(dir, name, want)
		}
	}
	return ok
}

// record notes that chunk name is on disk, complete at n bytes.
func (c *cacheIndex) record(name string, n int64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := fmt.Fprintf(c.f, "%d %s\n", n, name); err != nil {
		return protocol.DiskError("record a chunk in the cache", err)
	}
	c.lengths[name] = n
	return nil
}

func (c *cacheIndex) close() { c.f.Close() }
