// SSE clients for bench/realtime.ts: many realtime connections at a fraction of the CPU that
// Node needs for them, because the benchmark's clients share the host's cores with the server
// they measure. The delivery accounting is done here too (which connection got which message,
// once, under which event name), so Node reads a few lines per message instead of one per
// delivery. Node sends commands on stdin and reads results on stdout, one line each:
//
//	in:  open <idx> <base URL>        open a connection to <base>/api/realtime
//	in:  close <idx>                  close it (not counted as dropped)
//	in:  topic <idx> <event name>     the name this connection's benchmark events should carry
//	in:  recipients <tracker> <idx>[,<idx>…]  the connections a tracker's messages go to
//	in:  expect <n> <tracker>         message n belongs to that tracker
//	out: C <idx> <clientId>           the connection is up (PB_CONNECT arrived)
//	out: E <idx> <message>            it could not be opened
//	out: A <n> <ms>:<count>[,<ms>:<count>…]  first deliveries of message n: how many arrived at
//	     each time (unix ms, to 0.1 ms)
//	out: Z <tracker> <duplicates> <wrong name>  more of those, since the last Z
//	out: S <count>                    more deliveries of unknown messages or to a connection
//	     not among the recipients
//	out: X <idx>                      the server closed it
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

// marks calls fn with each benchmark message number in an event's data.
func marks(data []byte, fn func(n int)) {
	for {
		at := bytes.Index(data, mark)
		if at < 0 {
			return
		}
		data = data[at+len(mark):]
		end := 0
		for end < len(data) && data[end] >= '0' && data[end] <= '9' {
			end++
		}
		if end > 0 {
			if n, err := strconv.Atoi(string(data[:end])); err == nil {
				fn(n)
			}
		}
		data = data[end:]
	}
}

type tracker struct {
	recipients    map[int]bool
	duplicates    int
	wrongName     int
	reportedDup   int
	reportedWrong int
}

type message struct {
	tracker *tracker
	seen    map[int]bool
	// first deliveries not reported yet: arrival (unix time in 0.1 ms) -> count
	pending map[int64]int
}

var (
	accMu    sync.Mutex
	topics   = map[int]string{}
	trackers = map[int]*tracker{}
	messages = map[int]*message{}
	dirty    = map[int]*message{}
	stray    int
	reported int
	// deliveries of messages not announced yet: an "expect" line can reach this process after
	// the server delivered the message; they count once it arrives, or as stray after a while
	early = map[int][]earlyDelivery{}
)

type earlyDelivery struct {
	idx  int
	name string
	at   int64
}

// earlyLimit: how long (0.1 ms units) a delivery of an unannounced message waits for its "expect".
const earlyLimit = 50_000

func deliver(idx int, name string, n int, at int64) {
	accMu.Lock()
	defer accMu.Unlock()
	count(idx, name, n, at)
}

func count(idx int, name string, n int, at int64) {
	m := messages[n]
	if m == nil {
		early[n] = append(early[n], earlyDelivery{idx, name, at})
		return
	}
	if !m.tracker.recipients[idx] {
		stray++
		return
	}
	if m.seen[idx] {
		m.tracker.duplicates++
		return
	}
	m.seen[idx] = true
	if name != topics[idx] {
		m.tracker.wrongName++
	}
	m.pending[at]++
	dirty[n] = m
}

// report writes what arrived since the last report.
func report() {
	accMu.Lock()
	defer accMu.Unlock()
	now := time.Now().UnixMicro() / 100
	for n, list := range early {
		if now-list[0].at > earlyLimit {
			stray += len(list)
			delete(early, n)
		}
	}
	for n, m := range dirty {
		var b strings.Builder
		fmt.Fprintf(&b, "A %d ", n)
		first := true
		for at, count := range m.pending {
			if !first {
				b.WriteByte(',')
			}
			first = false
			fmt.Fprintf(&b, "%d.%d:%d", at/10, at%10, count)
		}
		emit(b.String(), false)
		m.pending = map[int64]int{}
		delete(dirty, n)
	}
	for id, t := range trackers {
		if t.duplicates != t.reportedDup || t.wrongName != t.reportedWrong {
			emit(fmt.Sprintf("Z %d %d %d", id, t.duplicates-t.reportedDup, t.wrongName-t.reportedWrong), false)
			t.reportedDup, t.reportedWrong = t.duplicates, t.wrongName
		}
	}
	if stray != reported {
		emit(fmt.Sprintf("S %d", stray-reported), false)
		reported = stray
	}
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
			} else {
				at := time.Now().UnixMicro() / 100
				marks(data, func(n int) { deliver(idx, name, n, at) })
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
			report()
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
		case "topic":
			if len(f) == 3 {
				accMu.Lock()
				topics[idx] = f[2]
				accMu.Unlock()
			}
		case "recipients":
			t := &tracker{recipients: map[int]bool{}}
			if len(f) == 3 {
				for _, r := range strings.Split(f[2], ",") {
					if i, err := strconv.Atoi(r); err == nil {
						t.recipients[i] = true
					}
				}
			}
			accMu.Lock()
			trackers[idx] = t
			accMu.Unlock()
		case "expect":
			if len(f) == 3 {
				if id, err := strconv.Atoi(f[2]); err == nil {
					accMu.Lock()
					if t := trackers[id]; t != nil {
						messages[idx] = &message{tracker: t, seen: map[int]bool{}, pending: map[int64]int{}}
						for _, d := range early[idx] {
							count(d.idx, d.name, idx, d.at)
						}
						delete(early, idx)
					}
					accMu.Unlock()
				}
			}
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
	report()
	outMu.Lock()
	out.Flush()
	outMu.Unlock()
}
