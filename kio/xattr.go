//go:build linux || darwin

package kio

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// copyXattrs gives dst the extended attributes of src (ACLs, file capabilities, labels, user
// attributes) and removes those src does not have. An attribute dst already has with the same
// value is not set again: the security label of a new file is usually the old one's, and
// setting it may need privileges.
func copyXattrs(src, dst string) error {
	want, err := xattrs(src)
	if err != nil {
		return err
	}
	have, err := xattrs(dst)
	if err != nil {
		return err
	}
	for name, value := range want {
		if v, ok := have[name]; ok && bytes.Equal(v, value) {
			continue
		}
		if err := unix.Setxattr(dst, name, value, 0); err != nil {
			return fmt.Errorf("cannot keep the extended attribute %s: %w", name, err)
		}
	}
	for name := range have {
		if _, ok := want[name]; !ok && !strings.HasPrefix(name, "security.") {
			if err := unix.Removexattr(dst, name); err != nil {
				return fmt.Errorf("cannot drop the extended attribute %s that the old file does not have: %w", name, err)
			}
		}
	}
	return nil
}

// xattrs returns the extended attributes of the file at path; none where the file system has
// no extended attributes.
func xattrs(path string) (map[string][]byte, error) {
	size, err := unix.Listxattr(path, nil)
	if errors.Is(err, unix.ENOTSUP) || size == 0 {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing extended attributes: %w", err)
	}
	buf := make([]byte, size)
	if size, err = unix.Listxattr(path, buf); err != nil {
		return nil, fmt.Errorf("listing extended attributes: %w", err)
	}
	out := map[string][]byte{}
	for name := range strings.SplitSeq(strings.TrimRight(string(buf[:size]), "\x00"), "\x00") {
		n, err := unix.Getxattr(path, name, nil)
		if err != nil {
			return nil, fmt.Errorf("reading extended attribute %s: %w", name, err)
		}
		value := make([]byte, n)
		if n, err = unix.Getxattr(path, name, value); err != nil {
			return nil, fmt.Errorf("reading extended attribute %s: %w", name, err)
		}
		out[name] = value[:n]
	}
	return out, nil
}
