module konvert.local/bench/sse-clients

go 1.22
