package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// watchHWM polls the process's VmHWM (its own peak resident memory, not its
// children's) until it exits, and returns a function giving the last value.
func watchHWM(pid int) func() int64 {
	var last atomic.Int64
	go func() {
		path := fmt.Sprintf("/proc/%d/status", pid)
		for {
			f, err := os.Open(path)
			if err != nil {
				return
			}
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				var kb int64
				if strings.HasPrefix(sc.Text(), "VmHWM:") {
					fmt.Sscanf(strings.TrimPrefix(sc.Text(), "VmHWM:"), "%d", &kb)
					if kb > 0 {
						last.Store(kb * 1024)
					}
				}
			}
			f.Close()
			time.Sleep(20 * time.Millisecond)
		}
	}()
	return func() int64 { time.Sleep(30 * time.Millisecond); return last.Load() }
}
