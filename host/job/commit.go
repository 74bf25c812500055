package job

import (
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/spacekeep/spacekeep/host/naming"
	"github.com/spacekeep/spacekeep/protocol"
)

// commit moves the finished file from the cache into the output folder
// under its name, never over an existing file. When the two folders are on
// different disks it copies to a temporary name in the output folder first,
// so that the final name only ever holds a complete file.
func commit(tmp, dir, name string) (string, error) {
	final, err := naming.Commit(tmp, dir, name)
	if err == nil || !errors.Is(err, syscall.EXDEV) {
		return final, err
	}
	local, err := copyInto(tmp, dir)
	if err != nil {
		return "", err
	}
	defer os.Remove(local) // a no-op once committed
	final, err = naming.Commit(local, dir, name)
	if err != nil {
		return "", err
	}
	os.Remove(tmp)
	return final, nil
}

func copyInto(src, dir string) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", protocol.DiskError("read the merged file", err)
	}
	defer in.Close()
	// The merged file was created under the umask: the copy keeps its
	// permissions, as a rename on one disk would.
	st, err := in.Stat()
	if err != nil {
		return "", protocol.DiskError("read the merged file", err)
	}
	out, err := os.CreateTemp(dir, ".spacekeep-*.part")
	if err != nil {
		return "", protocol.DiskError("create a file in the output folder", err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(out.Name())
		return "", protocol.DiskError("copy the file into the output folder", err)
	}
	if err := out.Close(); err != nil {
		os.Remove(out.Name())
		return "", protocol.DiskError("copy the file into the output folder", err)
	}
	if err := os.Chmod(out.Name(), st.Mode().Perm()); err != nil {
		os.Remove(out.Name())
		return "", protocol.DiskError(fmt.Sprintf("set the permissions of %s", out.Name()), err)
	}
	return out.Name(), nil
}
