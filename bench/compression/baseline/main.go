// Command baseline packs store paths the way Nixery's Go packer does (builder/archive.go
// and the upload path in builder/builder.go), to give LayerWriter something to be measured
// against: walk each path, write regular files and symlinks (no directories) with headers
// from the host's file info into a tar, hash the tar, gzip it with compress/gzip at its
// default level in the calling goroutine, and hash and count the compressed bytes.
//
// Usage: baseline -runs N PATH...
// Prints one line: RESULT baseline <tar bytes> <gzip bytes> <median seconds> <median CPU seconds> <blob sha256>.
package main

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"time"
)

// counter counts the bytes written through it.
type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

type result struct {
	tarBytes, gzBytes int64
	blob              hash.Hash
}

func pack(paths []string) (result, error) {
	blob := sha256.New()
	gzCount := &counter{}
	gz := gzip.NewWriter(io.MultiWriter(io.Discard, blob, gzCount))

	tarHash := sha256.New()
	tarCount := &counter{}
	tw := tar.NewWriter(io.MultiWriter(tarHash, tarCount, gz))

	for _, root := range paths {
		err := filepath.Walk(root, func(path string, info fs.FileInfo, err error) error {
			if err != nil {
				return err
			}
			mode := info.Mode()
			if !mode.IsRegular() && mode&fs.ModeSymlink == 0 {
				return nil // Nixery writes no directory entries
			}
			link := ""
			if mode&fs.ModeSymlink != 0 {
				if link, err = os.Readlink(path); err != nil {
					return err
				}
			}
			header, err := tar.FileInfoHeader(info, link)
			if err != nil {
				return err
			}
			header.Name = path
			if err := tw.WriteHeader(header); err != nil {
				return err
			}
			if !mode.IsRegular() {
				return nil
			}
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = io.Copy(tw, f)
			return err
		})
		if err != nil {
			return result{}, err
		}
	}
	if err := tw.Close(); err != nil {
		return result{}, err
	}
	if err := gz.Close(); err != nil {
		return result{}, err
	}
	_ = tarHash.Sum(nil) // the diff_id, computed as Nixery does; not needed here
	return result{tarBytes: tarCount.n, gzBytes: gzCount.n, blob: blob}, nil
}

func main() {
	runs := flag.Int("runs", 3, "timed runs; the median is reported")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: baseline -runs N PATH...")
		os.Exit(2)
	}

	var last result
	seconds := make([]float64, 0, *runs)
	cpuSeconds := make([]float64, 0, *runs)
	for i := 0; i < *runs; i++ {
		cpu := cpuTime()
		start := time.Now()
		r, err := pack(flag.Args())
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		seconds = append(seconds, time.Since(start).Seconds())
		cpuSeconds = append(cpuSeconds, cpuTime()-cpu)
		last = r
	}
	sort.Float64s(seconds)
	sort.Float64s(cpuSeconds)
	fmt.Printf("RESULT baseline %d %d %.4f %.4f sha256:%s\n", last.tarBytes, last.gzBytes, seconds[len(seconds)/2], cpuSeconds[len(cpuSeconds)/2], hex.EncodeToString(last.blob.Sum(nil)))
}

// cpuTime is the user and system CPU time of the process so far, in seconds.
func cpuTime() float64 {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		return 0
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano()).Seconds()
}
