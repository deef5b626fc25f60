// SSE clients for bench/realtime.ts: many realtime connections at a fraction of the CPU that
// Node needs for them, because the benchmark's clients share the host's cores with the server
// they measure. Node sends commands on stdin and reads results on stdout, one line each:
//
//	in:  open <idx> <base URL>   open a connection to <base>/api/realtime
//	in:  close <idx>             close it (not counted as dropped)
//	out: C <idx> <clientId>      the connection is up (PB_CONNECT arrived)
//	out: E <idx> <message>       it could not be opened
//	out: D <idx> <event name> <arrival, unix ms> <n>[,<n>…]  an event carrying benchmark
//	     messages: the numbers after each "rtb:" mark in its data
//	out: X <idx>                 the server closed it
//
// Arrival times are read from the wall clock as soon as the event is parsed, so they compare
// with the Node side's performance.timeOrigin + performance.now().
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

var (
	outMu sync.Mutex
	out   = bufio.NewWriterSize(os.Stdout, 1<<16)
)

func emit(line string, flush bool) {
	outMu.Lock()
	out.WriteString(line)
	out.WriteByte('\n')
	if flush {
		out.Flush()
	}
	outMu.Unlock()
}

var mark = []byte("rtb:")

// marks returns the benchmark message numbers in an event's data, comma-separated.
func marks(data []byte) string {
	var b strings.Builder
	for {
		at := bytes.Index(data, mark)
		if at < 0 {
			break
		}
		data = data[at+len(mark):]
		end := 0
		for end < len(data) && data[end] >= '0' && data[end] <= '9' {
			end++
		}
		if end > 0 {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.Write(data[:end])
		}
		data = data[end:]
	}
	return b.String()
}

type conn struct {
	cancel  context.CancelFunc
	closing bool
}

var (
	connsMu sync.Mutex
	conns   = map[int]*conn{}
	dials   = make(chan struct{}, 64)
	client  = &http.Client{Transport: &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost: -1,
		DisableCompression:  true,
	}}
)

func open(idx int, base string) {
	ctx, cancel := context.WithCancel(context.Background())
	c := &conn{cancel: cancel}
	connsMu.Lock()
	conns[idx] = c
	connsMu.Unlock()
	dials <- struct{}{}
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/realtime", nil)
	req.Header.Set("Accept", "text/event-stream")
	res, err := client.Do(req)
	<-dials
	if err != nil {
		emit(fmt.Sprintf("E %d %s", idx, strings.ReplaceAll(err.Error(), "\n", " ")), true)
		return
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		emit(fmt.Sprintf("E %d status %d", idx, res.StatusCode), true)
		return
	}
	reader := bufio.NewReaderSize(res.Body, 1<<16)
	name := "message"
	var data []byte
	for {
		line, err := reader.ReadSlice('\n')
		if err != nil && err != bufio.ErrBufferFull {
			connsMu.Lock()
			closing := c.closing
			connsMu.Unlock()
			if !closing {
				emit(fmt.Sprintf("X %d", idx), true)
			}
			return
		}
		line = bytes.TrimRight(line, "\r\n")
		switch {
		case len(line) == 0:
			if name == "PB_CONNECT" {
				var hello struct {
					ClientID string `json:"clientId"`
				}
				_ = json.Unmarshal(data, &hello)
				emit(fmt.Sprintf("C %d %s", idx, hello.ClientID), true)
			} else if ns := marks(data); ns != "" {
				at := float64(time.Now().UnixMicro()) / 1000
				emit(fmt.Sprintf("D %d %s %.3f %s", idx, name, at, ns), false)
			}
			name, data = "message", data[:0]
		case bytes.HasPrefix(line, []byte("event:")):
			name = strings.TrimSpace(string(line[6:]))
		case bytes.HasPrefix(line, []byte("data:")):
			data = append(data, bytes.TrimPrefix(line[5:], []byte(" "))...)
		}
	}
}

func main() {
	go func() {
		for range time.Tick(2 * time.Millisecond) {
			outMu.Lock()
			out.Flush()
			outMu.Unlock()
		}
	}()
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		f := strings.Fields(in.Text())
		if len(f) < 2 {
			continue
		}
		idx, err := strconv.Atoi(f[1])
		if err != nil {
			continue
		}
		switch f[0] {
		case "open":
			if len(f) == 3 {
				go open(idx, f[2])
			}
		case "close":
			connsMu.Lock()
			if c := conns[idx]; c != nil {
				c.closing = true
				c.cancel()
				delete(conns, idx)
			}
			connsMu.Unlock()
		}
	}
	// stdin closed: the benchmark is over
	outMu.Lock()
	out.Flush()
	outMu.Unlock()
}
