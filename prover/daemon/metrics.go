package daemon

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	queue    prometheus.Gauge
	prove    prometheus.Histogram
	signed   prometheus.Histogram
	dropped  prometheus.Counter
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "leash_agenthost_requests_total",
			Help: "Transaction requests by outcome."}, []string{"outcome"}),
		queue: prometheus.NewGauge(prometheus.GaugeOpts{Name: "leash_agenthost_queue_depth",
			Help: "Requests waiting for a prover."}),
		prove: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "leash_agenthost_prove_seconds",
			Help: "Groth16 proving time.", Buckets: prometheus.ExponentialBuckets(0.05, 1.6, 12)}),
		signed: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "leash_agenthost_sent_to_signed_seconds",
			Help: "From sending a proposal to its signed receipt.", Buckets: prometheus.ExponentialBuckets(0.005, 2, 12)}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{Name: "leash_agenthost_dropped_messages_total",
			Help: "Malformed or unknown messages from the relay."}),
	}
	m.reg.MustRegister(m.requests, m.queue, m.prove, m.signed, m.dropped,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
