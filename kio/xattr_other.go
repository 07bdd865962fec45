//go:build !linux && !darwin

package kio

// copyXattrs does nothing where extended attributes are not read.
func copyXattrs(src, dst string) error { return nil }
